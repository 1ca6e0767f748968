#include "transport/SecureChannel.h"

#include <sodium.h>

#include <QtEndian>

#include "crypto/QtBytes.h"
#include "transport/Transport.h"

namespace tandem::transport {

using namespace tandem::crypto;

namespace {

constexpr char kMagic[4] = {'T', 'N', 'R', '1'};
constexpr qsizetype kClientHello = 4 + 32;
constexpr qsizetype kServerHello = 32 + 16;
constexpr std::string_view kInfo = "tandem relay channel v1";

}  // namespace

SecureChannel::SecureChannel(QTcpSocket* socket, Role role, QObject* parent)
    : QObject(parent), socket_(socket), role_(role) {
    socket_->setParent(this);
    socket_->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(socket_, &QTcpSocket::readyRead, this, &SecureChannel::onReadyRead);
    connect(socket_, &QTcpSocket::disconnected, this,
            [this] { fail(QStringLiteral("disconnected")); });
    connect(socket_, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
        const QTcpSocket* s = socket_.data();
        fail(s != nullptr ? s->errorString() : QStringLiteral("socket error"));
    });
    handshakeTimer_.setSingleShot(true);
    connect(&handshakeTimer_, &QTimer::timeout, this,
            [this] { fail(QStringLiteral("handshake timed out")); });
    handshakeTimer_.start(kHandshakeTimeoutMs);
    readTimer_.setSingleShot(true);
    readTimer_.setInterval(kReadDeadlineMs);
    connect(&readTimer_, &QTimer::timeout, this,
            [this] { fail(QStringLiteral("a frame did not arrive in time")); });
    idleTimer_.setSingleShot(true);
    idleTimer_.setInterval(role == Role::Server ? kIdleTimeoutMs : 0);
    connect(&idleTimer_, &QTimer::timeout, this,
            [this] { fail(QStringLiteral("nothing received for too long")); });
    keepAliveTimer_.setSingleShot(true);
    keepAliveTimer_.setInterval(role == Role::Client ? kKeepAliveMs : 0);
    connect(&keepAliveTimer_, &QTimer::timeout, this, [this] { send(QByteArray()); });
}

void SecureChannel::setMaxIncomingFrameBytes(quint32 bytes) {
    maxIncomingFrameBytes_ = std::min(bytes, kMaxFrameBytes);
}

void SecureChannel::setIdleTimeout(int ms) {
    idleTimer_.setInterval(ms);
    if (ms <= 0) {
        idleTimer_.stop();
    } else if (established_) {
        idleTimer_.start();
    }
}

void SecureChannel::setKeepAliveInterval(int ms) {
    keepAliveTimer_.setInterval(ms);
    if (ms <= 0) {
        keepAliveTimer_.stop();
    } else if (established_) {
        keepAliveTimer_.start();
    }
}

SecureChannel::~SecureChannel() = default;

SecureChannel* SecureChannel::client(QTcpSocket* socket, const PublicKey& serverKey,
                                     QObject* parent) {
    auto* channel = new SecureChannel(socket, Role::Client, parent);
    channel->serverPublic_ = serverKey;
    channel->ephemeral_ = X25519KeyPair::generate();
    QByteArray hello(kMagic, 4);
    hello.append(reinterpret_cast<const char*>(channel->ephemeral_->publicKey.data()),
                 32);  // NOLINT
    channel->firstMessage_ = hello;
    const auto start = [channel] {
        if (QTcpSocket* s = channel->socket_.data()) {
            // Small frames go out at once (no Nagle); only a connected socket takes options.
            s->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            s->write(channel->firstMessage_);
        }
    };
    if (socket->state() == QAbstractSocket::ConnectedState) {
        start();
    } else {
        connect(socket, &QTcpSocket::connected, channel, start);
    }
    return channel;
}

SecureChannel* SecureChannel::server(QTcpSocket* socket, const X25519KeyPair& serverKey,
                                     QObject* parent) {
    auto* channel = new SecureChannel(socket, Role::Server, parent);
    channel->serverStatic_ = serverKey.clone();
    channel->serverPublic_ = serverKey.publicKey;
    if (socket->bytesAvailable() > 0) {
        QMetaObject::invokeMethod(channel, &SecureChannel::onReadyRead, Qt::QueuedConnection);
    }
    return channel;
}

qint64 SecureChannel::pendingWriteBytes() const {
    const QTcpSocket* s = socket_.data();
    return s != nullptr ? s->bytesToWrite() : 0;
}

Nonce SecureChannel::nonceFor(quint64 counter) {
    Nonce nonce{};
    qToLittleEndian(counter, nonce.data());
    return nonce;
}

bool SecureChannel::deriveKeys(const SecretBytes& es, const SecretBytes& ee,
                               const QByteArray& transcript) {
    std::array<std::uint8_t, 32> salt{};
    crypto_generichash(salt.data(), salt.size(),
                       reinterpret_cast<const std::uint8_t*>(transcript.constData()),  // NOLINT
                       static_cast<unsigned long long>(transcript.size()), nullptr, 0);
    const Bytes ikm = concat({es.span(), ee.span()});
    const SecretBytes keys = hkdfSha256(ikm, salt, view(kInfo), 64);
    SecretBytes clientToServer(keys.span().first(32));
    SecretBytes serverToClient(keys.span().last(32));
    if (role_ == Role::Client) {
        sendKey_ = std::move(clientToServer);
        receiveKey_ = std::move(serverToClient);
    } else {
        sendKey_ = std::move(serverToClient);
        receiveKey_ = std::move(clientToServer);
    }
    return true;
}

bool SecureChannel::handleHandshake() {
    const qsizetype available = in_.size() - consumed_;
    if (role_ == Role::Server) {
        if (available < kClientHello) {
            return false;
        }
        const QByteArray hello = in_.mid(consumed_, kClientHello);
        consumed_ += kClientHello;
        if (!hello.startsWith(QByteArray(kMagic, 4))) {
            fail(QStringLiteral("not a Tandem relay client"));
            return false;
        }
        const PublicKey clientEphemeral =
            publicKeyFrom(view(hello).subspan(4), "ephemeral").value();
        const X25519KeyPair serverEphemeral = X25519KeyPair::generate();
        auto es = x25519(serverStatic_->privateKey, clientEphemeral);
        auto ee = x25519(serverEphemeral.privateKey, clientEphemeral);
        if (!es || !ee) {
            fail(QStringLiteral("invalid handshake key"));
            return false;
        }
        QByteArray transcript = hello;
        transcript.append(reinterpret_cast<const char*>(serverEphemeral.publicKey.data()),
                          32);                                                       // NOLINT
        transcript.append(reinterpret_cast<const char*>(serverPublic_.data()), 32);  // NOLINT
        deriveKeys(*es, *ee, transcript);
        const Bytes tag = aeadSeal(sendKey_.span(), nonceFor(0), view(transcript), {});
        QByteArray reply(reinterpret_cast<const char*>(serverEphemeral.publicKey.data()),
                         32);  // NOLINT
        reply.append(reinterpret_cast<const char*>(tag.data()),
                     static_cast<qsizetype>(tag.size()));  // NOLINT
        if (QTcpSocket* s = socket_.data()) {
            s->write(reply);
        }
    } else {
        if (available < kServerHello) {
            return false;
        }
        const QByteArray hello = in_.mid(consumed_, kServerHello);
        consumed_ += kServerHello;
        const PublicKey serverEphemeral = publicKeyFrom(view(hello).first(32), "ephemeral").value();
        auto es = x25519(ephemeral_->privateKey, serverPublic_);
        auto ee = x25519(ephemeral_->privateKey, serverEphemeral);
        if (!es || !ee) {
            fail(QStringLiteral("invalid handshake key"));
            return false;
        }
        QByteArray transcript = firstMessage_;
        transcript.append(hello.left(32));
        transcript.append(reinterpret_cast<const char*>(serverPublic_.data()), 32);  // NOLINT
        deriveKeys(*es, *ee, transcript);
        if (!aeadOpen(receiveKey_.span(), nonceFor(0), view(transcript), view(hello).subspan(32))) {
            fail(QStringLiteral(
                "the relay could not prove its key (wrong relay or man in the middle)"));
            return false;
        }
        ephemeral_.reset();
    }
    established_ = true;
    handshakeTimer_.stop();
    if (idleTimer_.interval() > 0) {
        idleTimer_.start();
    }
    if (keepAliveTimer_.interval() > 0) {
        keepAliveTimer_.start();
    }
    emit established();
    return true;
}

void SecureChannel::onReadyRead() {
    QTcpSocket* socket = socket_.data();
    if (socket == nullptr || closedEmitted_) {
        return;
    }
    in_.append(socket->readAll());
    if (!established_ && role_ == Role::Server && in_.size() - consumed_ > kPreHandshakeBytes) {
        fail(QStringLiteral("too much sent before the handshake"));
        return;
    }
    if (!established_ && !handleHandshake()) {
        return;
    }
    while (!closedEmitted_) {
        const qsizetype available = in_.size() - consumed_;
        if (available < 4) {
            break;
        }
        const quint32 length = qFromBigEndian<quint32>(in_.constData() + consumed_);
        if (length > maxIncomingFrameBytes_ + kAeadTagSize || length < kAeadTagSize) {
            fail(QStringLiteral("frame of %1 bytes is over the limit").arg(length));
            return;
        }
        if (available < 4 + static_cast<qsizetype>(length)) {
            break;
        }
        const ByteView ciphertext =
            view(in_).subspan(static_cast<std::size_t>(consumed_) + 4, length);
        auto plain = aeadOpen(receiveKey_.span(), nonceFor(receiveCounter_), {}, ciphertext);
        consumed_ += 4 + static_cast<qsizetype>(length);
        if (!plain) {
            fail(QStringLiteral("a frame failed authentication"));
            return;
        }
        ++receiveCounter_;
        if (idleTimer_.interval() > 0) {
            idleTimer_.start();
        }
        if (plain->empty()) {
            continue;  // a keep-alive
        }
        emit frameReceived(QByteArray(reinterpret_cast<const char*>(plain->data()),  // NOLINT
                                      static_cast<qsizetype>(plain->size())));
    }
    // Part of a frame waits: the rest must come within the read deadline.
    if (!closedEmitted_ && in_.size() > consumed_) {
        if (!readTimer_.isActive()) {
            readTimer_.start();
        }
    } else {
        readTimer_.stop();
    }
    if (consumed_ > 0 && (consumed_ == in_.size() || consumed_ > 1024 * 1024)) {
        in_.remove(0, consumed_);
        consumed_ = 0;
    }
}

bool SecureChannel::send(const QByteArray& frame) {
    QTcpSocket* socket = socket_.data();
    if (!established_ || closedEmitted_ || socket == nullptr) {
        return false;
    }
    if (frame.size() > static_cast<qsizetype>(kMaxFrameBytes)) {
        // The peer would refuse it and close the channel: refused here, the channel stays.
        qCWarning(lcTransport) << "a frame of" << frame.size() << "bytes was not sent; the limit is"
                               << kMaxFrameBytes;
        return false;
    }
    const Bytes sealed = aeadSeal(sendKey_.span(), nonceFor(sendCounter_++), {}, view(frame));
    QByteArray out(4, Qt::Uninitialized);
    qToBigEndian(static_cast<quint32>(sealed.size()), out.data());
    out.append(reinterpret_cast<const char*>(sealed.data()),
               static_cast<qsizetype>(sealed.size()));  // NOLINT
    socket->write(out);
    if (keepAliveTimer_.interval() > 0) {
        keepAliveTimer_.start();  // silence counts from the last frame sent
    }
    return true;
}

void SecureChannel::flush() {
    if (QTcpSocket* socket = socket_.data()) {
        socket->flush();
    }
}

void SecureChannel::close(const QString& reason) {
    if (closedEmitted_) {
        return;
    }
    closedEmitted_ = true;
    handshakeTimer_.stop();
    idleTimer_.stop();
    readTimer_.stop();
    keepAliveTimer_.stop();
    if (QTcpSocket* s = socket_.data()) {
        // What is queued (a last error frame, say) goes to the kernel now: the owner may
        // delete the socket once closed() is out, before disconnectFromHost() has written it.
        s->flush();
        s->disconnectFromHost();
    }
    emit closed(reason);
}

void SecureChannel::fail(const QString& reason) {
    if (closedEmitted_) {
        return;
    }
    qCDebug(lcTransport) << "channel closed:" << reason;
    closedEmitted_ = true;
    handshakeTimer_.stop();
    idleTimer_.stop();
    readTimer_.stop();
    keepAliveTimer_.stop();
    if (QTcpSocket* s = socket_.data()) {
        s->abort();
    }
    emit closed(reason);
}

}  // namespace tandem::transport
