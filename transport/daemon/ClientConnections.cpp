#include "transport/daemon/ClientConnections.h"

#include <QTcpSocket>

#include "transport/DelayLine.h"

namespace tandem::daemon {

using transport::SecureChannel;

ClientConnections::ClientConnections(ConnectionLimits limits, LogCategory log, QString slowReader,
                                     QObject* parent)
    : QObject(parent),
      limits_(limits),
      log_(log),
      slowReader_(std::move(slowReader)),
      gate_(limits.connections),
      delay_(new transport::DelayLine(limits.linkDelayMs, this)) {
    connect(&server_, &QTcpServer::newConnection, this, &ClientConnections::onNewConnection);
}

void ClientConnections::setLimits(const ConnectionLimits& limits) {
    const int linkDelayMs = limits_.linkDelayMs;  // the delay line is built with it
    limits_ = limits;
    limits_.linkDelayMs = linkDelayMs;
    gate_.setLimits(limits.connections);
}

ClientConnections::~ClientConnections() {
    // The channels go with this object (their parent); what they still signal is not heard.
    for (const auto& [channel, connection] : byChannel_) {
        QObject::disconnect(channel, nullptr, this, nullptr);
    }
}

bool ClientConnections::listen(const QHostAddress& host, quint16 port,
                               const crypto::X25519KeyPair& key, QString* error) {
    key_ = &key;
    server_.setMaxPendingConnections(256);
    if (!server_.listen(host, port)) {
        *error = QStringLiteral("cannot listen on %1:%2: %3")
                     .arg(host.toString())
                     .arg(port)
                     .arg(server_.errorString());
        return false;
    }
    return true;
}

void ClientConnections::onNewConnection() {
    while (QTcpSocket* socket = server_.nextPendingConnection()) {
        const QHostAddress address = socket->peerAddress();
        if (!gate_.admit(address)) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        auto connection = handlers_.make ? handlers_.make() : std::make_unique<ClientConnection>();
        ClientConnection& c = *connection;
        c.address_ = address;
        c.bucket_ = TokenBucket(limits_.requestsPerSecond, limits_.requestBurst);
        c.channel_ = SecureChannel::server(socket, *key_, this);
        if (limits_.maxUnauthenticatedFrameBytes != SecureChannel::kMaxFrameBytes) {
            c.channel_->setMaxIncomingFrameBytes(limits_.maxUnauthenticatedFrameBytes);
        }
        if (limits_.idleTimeoutMs != SecureChannel::kIdleTimeoutMs) {
            c.channel_->setIdleTimeout(limits_.idleTimeoutMs);
        }
        SecureChannel* channel = c.channel_;
        byChannel_[channel] = std::move(connection);
        connect(channel, &SecureChannel::frameReceived, this,
                [this, channel = QPointer<SecureChannel>(channel)](const QByteArray& frame) {
                    // Emulated link delay (localnet): the frame arrives `linkDelayMs` later.
                    delay_->run([this, channel, frame] { onFrame(channel, frame); });
                });
        connect(channel, &SecureChannel::closed, this,
                [this, channel](const QString&) { forget(channel); });
        if (handlers_.opened) {
            handlers_.opened(c);
        }
    }
}

void ClientConnections::onFrame(const QPointer<SecureChannel>& channel, const QByteArray& frame) {
    ClientConnection* c = channel ? find(channel.data()) : nullptr;
    if (c == nullptr || c->closing_) {
        return;
    }
    if (c->bucket_.take()) {
        handlers_.frame(*c, frame);
    } else {
        handlers_.overRate(*c, frame);
    }
}

void ClientConnections::forget(SecureChannel* channel) {
    const auto it = byChannel_.find(channel);
    if (it == byChannel_.end()) {
        return;
    }
    std::unique_ptr<ClientConnection> c = std::move(it->second);
    byChannel_.erase(it);
    gate_.release(c->address_);
    c->closing_ = true;
    if (handlers_.closed) {
        handlers_.closed(*c);
    }
    channel->deleteLater();
    // Not destroyed here: a channel closes from inside a send (a slow reader dropped), and the
    // handler that sent may still hold the connection. It goes once control is back in the
    // event loop, with the channel.
    retired_.push_back(std::move(c));
    if (retired_.size() == 1) {
        QMetaObject::invokeMethod(
            this, [this] { retired_.clear(); }, Qt::QueuedConnection);
    }
}

ClientConnection* ClientConnections::find(const SecureChannel* channel) const {
    const auto it = byChannel_.find(channel);
    return it != byChannel_.end() ? it->second.get() : nullptr;
}

void ClientConnections::setAuthenticated(ClientConnection& connection) {
    connection.channel_->setMaxIncomingFrameBytes(SecureChannel::kMaxFrameBytes);
}

void ClientConnections::send(const QPointer<SecureChannel>& channel, const QByteArray& frame,
                             bool flushNow) {
    // Through the delay line: at once, or `linkDelayMs` later under an emulated link delay.
    delay_->run([this, channel, frame, flushNow] {
        if (!channel) {
            return;
        }
        // A peer that does not read is dropped before its queue passes the bound, and the
        // frame that would have passed it is not queued.
        if (channel->pendingWriteBytes() + frame.size() > limits_.maxPendingWriteBytes) {
            qCInfo(log_) << "dropping a connection:" << slowReader_;
            channel->close(slowReader_);
            return;
        }
        channel->send(frame);
        if (flushNow) {
            channel->flush();
        }
    });
}

void ClientConnections::close(ClientConnection& connection, const QString& reason) {
    // After what was sent before, also under an emulated link delay (which delays that too).
    connection.closing_ = true;
    delay_->run([channel = QPointer<SecureChannel>(connection.channel_), reason] {
        if (channel) {
            channel->close(reason);
        }
    });
}

}  // namespace tandem::daemon
