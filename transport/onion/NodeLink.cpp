#include "transport/onion/NodeLink.h"

#include <QHostAddress>
#include <QTcpSocket>

#include "transport/SecureChannel.h"
#include "transport/Transport.h"
#include "transport/onion/Directory.h"

namespace tandem::transport::onion {

using proto::node::NodeError;
using proto::node::NodeReply;

namespace {

template <class Reply>
Reply withError(NodeError::Code code, const QString& message) {
    Reply reply;
    reply.mutable_error()->set_code(code);
    reply.mutable_error()->set_message(message.toStdString());
    return reply;
}

}  // namespace

proto::node::NodeReply errorReply(NodeError::Code code, const QString& message) {
    return withError<NodeReply>(code, message);
}

proto::node::SwarmReply swarmError(NodeError::Code code, const QString& message) {
    return withError<proto::node::SwarmReply>(code, message);
}

NodeLink::NodeLink(QString address, const crypto::PublicKey& nodeKey, QObject* parent,
                   const QHostAddress& localAddress)
    : QObject(parent), address_(std::move(address)) {
    clock_.start();
    expiry_.setInterval(250);
    connect(&expiry_, &QTimer::timeout, this, &NodeLink::expire);
    const qsizetype colon = address_.lastIndexOf(u':');
    QString host = address_.left(colon);
    if (host.startsWith(u'[')) {
        host = host.mid(1, host.size() - 2);
    }
    const auto port = static_cast<quint16>(address_.mid(colon + 1).toUInt());
    auto* socket = new QTcpSocket;
    channel_ = SecureChannel::client(socket, nodeKey, this);
    connect(channel_, &SecureChannel::established, this, [this] {
        for (const QByteArray& frame : unsent_) {
            channel_->send(frame);
        }
        unsent_.clear();
    });
    connect(channel_, &SecureChannel::frameReceived, this, &NodeLink::onFrame);
    connect(channel_, &SecureChannel::closed, this, [this](const QString& reason) {
        closed_ = true;
        if (SecureChannel* channel = channel_.data()) {
            channel->deleteLater();
        }
        channel_ = nullptr;
        failAll(reason);
        emit closed(reason);
    });
    if (!localAddress.isNull() && localAddress != QHostAddress::Any &&
        localAddress != QHostAddress::AnyIPv4 && localAddress != QHostAddress::AnyIPv6 &&
        !socket->bind(localAddress, 0)) {
        qCWarning(lcOnion) << "cannot connect from" << localAddress.toString() << ":"
                           << socket->errorString();
    }
    socket->connectToHost(QHostAddress(host), port);
}

NodeLink::~NodeLink() {
    failAll(QStringLiteral("the link was closed"));
}

void NodeLink::request(proto::node::NodeRequest request, Callback done, int timeoutMs) {
    if (closed_ || channel_.isNull()) {
        done(errorReply(NodeError::UNREACHABLE,
                        QStringLiteral("%1 is not reachable").arg(address_)));
        return;
    }
    if (pending_.size() >= kMaxPending) {
        done(errorReply(NodeError::RATE_LIMITED,
                        QStringLiteral("too many requests waiting for %1").arg(address_)));
        return;
    }
    const std::uint64_t id = nextId_++;
    request.set_request_id(id);
    pending_[id] = {std::move(done), clock_.elapsed() + timeoutMs};
    if (!expiry_.isActive()) {
        expiry_.start();
    }
    const std::string bytes = request.SerializeAsString();
    QByteArray frame(bytes.data(), static_cast<qsizetype>(bytes.size()));
    if (channel_->isEstablished()) {
        // To the kernel now, not when control is back in the event loop: a hop forwarding a
        // push, or a client sending several messages in a row (each wrap is 0.2 ms of
        // X25519s), must not hold this frame behind the rest of its work.
        channel_->send(frame);
        channel_->flush();
    } else {
        unsent_.push_back(std::move(frame));
    }
}

void NodeLink::onFrame(const QByteArray& frame) {
    NodeReply reply;
    if (!reply.ParseFromArray(frame.constData(), static_cast<int>(frame.size()))) {
        if (SecureChannel* channel = channel_.data()) {
            channel->close(QStringLiteral("the node sent an unreadable frame"));
        }
        return;
    }
    const auto it = pending_.find(reply.request_id());
    if (it == pending_.end()) {
        return;  // answered after its timeout
    }
    Callback done = std::move(it->second.done);
    pending_.erase(it);
    done(reply);
}

void NodeLink::expire() {
    const qint64 now = clock_.elapsed();
    std::vector<Callback> expired;
    for (auto it = pending_.begin(); it != pending_.end();) {
        if (it->second.deadline <= now) {
            expired.push_back(std::move(it->second.done));
            it = pending_.erase(it);
        } else {
            ++it;
        }
    }
    if (pending_.empty()) {
        expiry_.stop();
    }
    for (Callback& done : expired) {
        done(errorReply(NodeError::UNAVAILABLE,
                        QStringLiteral("%1 did not answer in time").arg(address_)));
    }
}

void NodeLink::failAll(const QString& reason) {
    auto pending = std::move(pending_);
    pending_.clear();
    for (auto& [id, p] : pending) {
        p.done(errorReply(NodeError::UNREACHABLE, QStringLiteral("%1: %2").arg(address_, reason)));
    }
}

NodeLink* NodeLinkPool::linkTo(const NodeInfo& node) {
    if (NodeLink* link = links_.value(node.address); link != nullptr && !link->isClosed()) {
        return link;
    }
    auto* link = new NodeLink(node.address, node.x25519, owner_, localAddress_);
    links_.insert(node.address, link);
    QObject::connect(link, &NodeLink::closed, owner_, [this, link](const QString&) {
        if (links_.value(link->address()) == link) {
            links_.remove(link->address());
        }
        link->deleteLater();
    });
    return link;
}

void NodeLinkPool::clear() {
    const auto links = std::exchange(links_, {});
    for (NodeLink* link : links) {
        link->disconnect(owner_);
        link->abandon();
        delete link;
    }
}

void NodeLink::flush() {
    if (SecureChannel* channel = channel_.data(); channel != nullptr && channel->isEstablished()) {
        channel->flush();
    }
}

}  // namespace tandem::transport::onion
