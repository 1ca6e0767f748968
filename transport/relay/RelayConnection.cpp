#include "transport/relay/RelayConnection.h"

#include <QElapsedTimer>
#include <QTcpSocket>

#include "transport/SecureChannel.h"

namespace tandem::transport {

using proto::relay::Error;

namespace {

TransportError networkError(const QString& message) {
    return {TransportError::Code::Network, message, true};
}

}  // namespace

namespace {
constexpr int kExpiryTickMs = 250;

qint64 monotonicMs() {
    static const QElapsedTimer clock = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return clock.elapsed();
}
}  // namespace

RelayConnection::RelayConnection(RelayEndpoint endpoint, QObject* parent)
    : QObject(parent), endpoint_(std::move(endpoint)) {
    expiry_.setInterval(kExpiryTickMs);
    connect(&expiry_, &QTimer::timeout, this, &RelayConnection::expire);
}

RelayConnection::~RelayConnection() {
    failAll(QStringLiteral("the connection was closed"));
}

void RelayConnection::open() {
    if (channel_) {
        return;
    }
    auto* socket = new QTcpSocket;
    const auto relayX25519 = crypto::ed25519ToX25519(endpoint_.relayKey);
    if (!relayX25519) {
        delete socket;
        QMetaObject::invokeMethod(
            this, [this] { emit closed(QStringLiteral("the relay key is invalid")); },
            Qt::QueuedConnection);
        return;
    }
    channel_ = SecureChannel::client(socket, *relayX25519, this);
    connect(channel_, &SecureChannel::established, this, &RelayConnection::ready);
    connect(channel_, &SecureChannel::frameReceived, this, &RelayConnection::onFrame);
    relayReason_.clear();
    connect(channel_, &SecureChannel::closed, this, [this](const QString& closedBecause) {
        if (SecureChannel* channel = channel_.data()) {
            channel->deleteLater();
        }
        channel_ = nullptr;
        // The relay says why before it closes; that beats "the remote host closed".
        const QString reason = relayReason_.isEmpty() ? closedBecause : relayReason_;
        failAll(reason);
        emit closed(reason);
    });
    socket->connectToHost(endpoint_.host, endpoint_.port);
}

void RelayConnection::close() {
    if (SecureChannel* channel = channel_.data()) {
        channel->close(QStringLiteral("closed by the client"));
    }
}

void RelayConnection::abandon(const QString& reason) {
    failAll(reason);
}

bool RelayConnection::isReady() const {
    const SecureChannel* channel = channel_.data();
    return channel != nullptr && channel->isEstablished();
}

qint64 RelayConnection::pendingWriteBytes() const {
    const SecureChannel* channel = channel_.data();
    return channel != nullptr ? channel->pendingWriteBytes() : 0;
}

QFuture<RelayReply> RelayConnection::request(proto::relay::ClientFrame frame, int timeoutMs) {
    auto promise = std::make_shared<QPromise<RelayReply>>();
    promise->start();
    QFuture<RelayReply> future = promise->future();
    if (!isReady()) {
        promise->addResult(
            RelayReply(unexpected(networkError(QStringLiteral("not connected to the relay")))));
        promise->finish();
        return future;
    }
    const std::uint64_t id = nextId_++;
    frame.set_request_id(id);
    pending_[id] = {promise, monotonicMs() + timeoutMs};
    if (!expiry_.isActive()) {
        expiry_.start();
    }
    const std::string bytes = frame.SerializeAsString();
    SecureChannel* channel = channel_.data();
    if (channel != nullptr &&
        !channel->send(QByteArray(bytes.data(), static_cast<qsizetype>(bytes.size())))) {
        pending_.erase(id);
        promise->addResult(RelayReply(unexpected(TransportError{
            bytes.size() > SecureChannel::kMaxFrameBytes ? TransportError::Code::TooLarge
                                                         : TransportError::Code::Network,
            bytes.size() > SecureChannel::kMaxFrameBytes
                ? QStringLiteral("the request is larger than the relay accepts")
                : QStringLiteral("not connected to the relay"),
            bytes.size() <= SecureChannel::kMaxFrameBytes})));
        promise->finish();
    }
    return future;
}

void RelayConnection::post(proto::relay::ClientFrame frame) {
    if (!isReady()) {
        return;
    }
    frame.set_request_id(0);
    const std::string bytes = frame.SerializeAsString();
    if (SecureChannel* channel = channel_.data()) {
        channel->send(QByteArray(bytes.data(), static_cast<qsizetype>(bytes.size())));
    }
}

void RelayConnection::onFrame(const QByteArray& bytes) {
    proto::relay::ServerFrame frame;
    if (!frame.ParseFromArray(bytes.constData(), static_cast<int>(bytes.size()))) {
        close();
        return;
    }
    if (frame.request_id() == 0) {
        if (frame.has_delivery()) {
            emit delivered(frame.delivery());
        } else if (frame.has_prekeys_low()) {
            emit preKeysLow();
        } else if (frame.has_error()) {
            relayReason_ = QStringLiteral("the relay closed the connection: %1")
                               .arg(QString::fromStdString(frame.error().message()));
            qCWarning(lcRelay) << relayReason_;
        }
        return;
    }
    const auto it = pending_.find(frame.request_id());
    if (it == pending_.end()) {
        return;  // answered after its timeout
    }
    auto promise = std::move(it->second.promise);
    pending_.erase(it);
    promise->addResult(RelayReply(std::move(frame)));
    promise->finish();
}

void RelayConnection::expire() {
    const qint64 now = monotonicMs();
    for (auto it = pending_.begin(); it != pending_.end();) {
        if (it->second.deadline > now) {
            ++it;
            continue;
        }
        auto p = std::move(it->second.promise);
        it = pending_.erase(it);
        p->addResult(RelayReply(unexpected(TransportError{
            TransportError::Code::Timeout, QStringLiteral("the relay did not answer"), true})));
        p->finish();
    }
    if (pending_.empty()) {
        expiry_.stop();
    }
}

void RelayConnection::failAll(const QString& reason) {
    auto pending = std::move(pending_);
    pending_.clear();
    for (auto& [id, p] : pending) {
        p.promise->addResult(RelayReply(unexpected(networkError(reason))));
        p.promise->finish();
    }
}

std::optional<TransportError> RelayConnection::errorOf(const proto::relay::ServerFrame& frame) {
    if (!frame.has_error()) {
        return std::nullopt;
    }
    const QString message = QString::fromStdString(frame.error().message());
    switch (frame.error().code()) {
        case Error::RATE_LIMITED:
            return TransportError{TransportError::Code::RateLimited, message, true};
        case Error::UNAVAILABLE:
            return TransportError{TransportError::Code::Network, message, true};
        case Error::UNAUTHORIZED:
            return TransportError{TransportError::Code::Unauthorized, message, false};
        case Error::NOT_FOUND:
            return TransportError{TransportError::Code::NotFound, message, false};
        case Error::TOO_LARGE:
            return TransportError{TransportError::Code::TooLarge, message, false};
        case Error::STALE_IDENTITY:
            return TransportError{TransportError::Code::StaleIdentity, message, false};
        case Error::MAILBOX_FULL:
            return TransportError{TransportError::Code::Full, message, true};
        case Error::REGISTRATION_LOCKED:
            return TransportError{TransportError::Code::Locked, message, false};
        case Error::STALE_VERSION:
            return TransportError{TransportError::Code::StaleVersion, message, false,
                                  frame.error().stored_version()};
        default:
            return TransportError{TransportError::Code::Rejected, message, false};
    }
}

}  // namespace tandem::transport
