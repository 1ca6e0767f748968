#include "transport/relay/RelayTransport.h"

#include <algorithm>
#include <sodium.h>

#include <QtEndian>

namespace tandem::transport {

using proto::relay::ClientFrame;
using proto::relay::ServerFrame;

namespace {

int backoffMs(int attempt) {
    const int base = std::min(30000, 200 << std::min(attempt, 8));
    return base / 2 +
           static_cast<int>(randombytes_uniform(static_cast<std::uint32_t>(base / 2 + 1)));
}

}  // namespace

RelayTransport::RelayTransport(RelayEndpoint endpoint, RelayCredentials credentials,
                               QObject* parent)
    : Transport(parent), endpoint_(std::move(endpoint)), credentials_(std::move(credentials)) {}

RelayTransport::~RelayTransport() {
    stop();
}

QByteArray RelayTransport::serverIdOf(std::uint64_t id) {
    QByteArray out(8, Qt::Uninitialized);
    qToBigEndian(id, out.data());
    return out;
}

std::optional<std::uint64_t> RelayTransport::idOfServerId(const QByteArray& serverId) {
    if (serverId.size() != 8) {
        return std::nullopt;
    }
    return qFromBigEndian<std::uint64_t>(serverId.constData());
}

void RelayTransport::setStatus(TransportStatus::State state, const QString& detail) {
    status_.state = state;
    status_.detail = detail;
    emit statusChanged(status_);
}

void RelayTransport::start() {
    if (running_) {
        return;
    }
    running_ = true;
    setStatus(TransportStatus::State::Connecting, QStringLiteral("Connecting to the relay"));
    openReceiving();
    openSending();
}

void RelayTransport::stop() {
    running_ = false;
    authenticated_ = false;
    flushAcks();
    for (RelayConnection* c : {receiving_.data(), sending_.data()}) {
        if (c != nullptr) {
            c->disconnect(this);
            c->abandon(QStringLiteral("the transport stopped"));
            c->close();
            c->deleteLater();
        }
    }
    receiving_ = nullptr;
    sending_ = nullptr;
    auto waiting = std::move(waiting_);
    waiting_.clear();
    for (const QueuedSend& s : waiting) {
        emit failed(s.envelope.id,
                    {TransportError::Code::Network, QStringLiteral("stopped"), true});
    }
}

void RelayTransport::moveOn(std::size_t used) {
    if (used == address_ && endpoint_.addressCount() > 1) {
        address_ = (address_ + 1) % endpoint_.addressCount();
        qCInfo(lcRelay) << "moving to the relay's address" << endpoint_.at(address_).host
                        << endpoint_.at(address_).port;
    }
}

void RelayTransport::openReceiving() {
    const std::size_t used = address_;
    receiving_ = new RelayConnection(endpoint_.at(used), this);
    connect(receiving_, &RelayConnection::ready, this, [this] {
        ClientFrame frame;
        frame.mutable_authenticate()->set_phone(credentials_.phone.toStdString());
        frame.mutable_authenticate()->set_password(credentials_.password.toStdString());
        receiving_->request(frame).then(this, [this](RelayReply reply) {
            if (!reply || RelayConnection::errorOf(*reply)) {
                const TransportError error =
                    reply ? *RelayConnection::errorOf(*reply) : reply.error();
                setStatus(TransportStatus::State::Failing, error.message);
                if (receiving_) {
                    receiving_->close();
                }
                return;
            }
            receiveAttempts_ = 0;
            authenticated_ = true;
            setStatus(TransportStatus::State::Online, QStringLiteral("Connected to the relay"));
            emit authenticated();
            flushSends();  // identified sends wait for this connection
        });
    });
    connect(receiving_, &RelayConnection::preKeysLow, this, &RelayTransport::preKeysLow);
    connect(receiving_, &RelayConnection::delivered, this,
            [this](const proto::relay::Delivery& delivery) {
                for (const auto& e : delivery.envelopes()) {
                    emit received({serverIdOf(e.id()),
                                   QByteArray(e.envelope().data(),
                                              static_cast<qsizetype>(e.envelope().size())),
                                   static_cast<std::int64_t>(e.server_time_ms()), QString()});
                }
            });
    connect(receiving_, &RelayConnection::closed, this, [this, used](const QString& reason) {
        authenticated_ = false;
        moveOn(used);
        acks_.clear();  // unacknowledged envelopes come again on the next connection
        if (receiving_) {
            receiving_->deleteLater();
        }
        receiving_ = nullptr;
        if (running_) {
            setStatus(TransportStatus::State::Connecting,
                      QStringLiteral("Reconnecting (%1)").arg(reason));
            scheduleReconnect(true);
        }
    });
    receiving_->open();
}

void RelayTransport::openSending() {
    const std::size_t used = address_;
    sending_ = new RelayConnection(endpoint_.at(used), this);
    connect(sending_, &RelayConnection::ready, this, [this] {
        sendAttempts_ = 0;
        flushSends();
    });
    connect(sending_, &RelayConnection::closed, this, [this, used](const QString&) {
        moveOn(used);
        if (sending_) {
            sending_->deleteLater();
        }
        sending_ = nullptr;
        if (running_) {
            scheduleReconnect(false);
        }
    });
    sending_->open();
}

void RelayTransport::scheduleReconnect(bool receiving) {
    int& attempts = receiving ? receiveAttempts_ : sendAttempts_;
    QTimer::singleShot(backoffMs(attempts++), this, [this, receiving] {
        if (!running_) {
            return;
        }
        if (receiving && !receiving_) {
            openReceiving();
        } else if (!receiving && !sending_) {
            openSending();
        }
    });
}

RelayConnection* RelayTransport::control() const {
    return authenticated_ ? receiving_.data() : nullptr;
}

void RelayTransport::send(const OutgoingEnvelope& envelope) {
    if (static_cast<int>(waiting_.size()) >= kMaxQueuedSends) {
        emit failed(envelope.id, {TransportError::Code::Network,
                                  QStringLiteral("too many messages waiting"), true});
        return;
    }
    const auto refused = refusedKeys_.find(envelope.recipient);
    const bool identified = envelope.accessKey.isEmpty() || (refused != refusedKeys_.end() &&
                                                             refused->second == envelope.accessKey);
    waiting_.push_back({nextOrder_++, 0, identified, envelope});
    flushSends();
}

void RelayTransport::requeue(QueuedSend send) {
    // Before everything given after it: the sends that were behind it on the lost connection
    // come back in their order too, and those given meanwhile wait behind them.
    const auto at = std::upper_bound(
        waiting_.begin(), waiting_.end(), send.order,
        [](std::uint64_t order, const QueuedSend& queued) { return order < queued.order; });
    waiting_.insert(at, std::move(send));
    flushSends();
}

RelayConnection* RelayTransport::connectionFor(bool identified) const {
    RelayConnection* c = identified ? control() : sending_.data();
    return c != nullptr && c->isReady() ? c : nullptr;
}

void RelayTransport::flushSends() {
    while (!waiting_.empty()) {
        const bool identified = waiting_.front().identified;
        RelayConnection* c = connectionFor(identified);
        // The relay reads the two connections independently: a send goes on one only once
        // everything before it on the other was answered, so the relay takes them in order.
        const int otherUnanswered = identified ? unansweredSealed_ : unansweredIdentified_;
        if (c == nullptr || otherUnanswered > 0) {
            return;  // the connection's ready(), authenticated() or an answer calls again
        }
        QueuedSend next = std::move(waiting_.front());
        waiting_.pop_front();
        sendNow(std::move(next), c);
    }
}

void RelayTransport::sendNow(QueuedSend queued, RelayConnection* connection) {
    ClientFrame frame;
    auto* send = frame.mutable_send();
    const OutgoingEnvelope& envelope = queued.envelope;
    send->set_recipient(envelope.recipient.toStdString());
    if (!queued.identified) {
        send->set_access_key(envelope.accessKey.toStdString());
    }
    send->set_recipient_identity(envelope.recipientIdentity.toStdString());
    send->set_envelope(envelope.ciphertext.toStdString());
    send->set_ttl_ms(static_cast<std::uint64_t>(envelope.ttlMs));
    ++(queued.identified ? unansweredIdentified_ : unansweredSealed_);
    connection->request(frame).then(
        this, [this, queued = std::move(queued)](const RelayReply& reply) mutable {
            --(queued.identified ? unansweredIdentified_ : unansweredSealed_);
            onSendAnswered(std::move(queued), reply);
            flushSends();  // the last answer on one connection lets the other go on
        });
}

void RelayTransport::onSendAnswered(QueuedSend queued, const RelayReply& reply) {
    const QByteArray id = queued.envelope.id;
    if (!reply) {
        // The connection was lost before the relay answered: it goes again on the next.
        if (running_ && reply.error().code == TransportError::Code::Network &&
            ++queued.attempts < kMaxSendAttempts) {
            requeue(std::move(queued));
        } else {
            emit failed(id, reply.error());
        }
    } else if (const auto error = RelayConnection::errorOf(*reply)) {
        if (running_ && error->code == TransportError::Code::Unauthorized && !queued.identified &&
            !queued.envelope.accessKey.isEmpty()) {
            // The recipient no longer has this key (or never had it): once more, identified,
            // in its place.
            if (noteRefused(queued.envelope.recipient, queued.envelope.accessKey)) {
                emit accessKeyRefused(queued.envelope.recipient);
            }
            queued.identified = true;
            requeue(std::move(queued));
        } else {
            emit failed(id, *error);
        }
    } else if (reply->has_accepted()) {
        emit accepted(id, static_cast<qint64>(reply->accepted().server_time_ms()));
    } else {
        emit failed(id,
                    {TransportError::Code::Rejected, QStringLiteral("unexpected answer"), true});
    }
}

bool RelayTransport::noteRefused(const QString& recipient, const QByteArray& key) {
    const auto it = refusedKeys_.find(recipient);
    if (it != refusedKeys_.end() && it->second == key) {
        return false;  // a send that was already on the wire with it
    }
    if (it == refusedKeys_.end() && refusedKeys_.size() >= kMaxRefusedKeys) {
        refusedKeys_.clear();  // at worst one more refusal each
    }
    refusedKeys_[recipient] = key;
    // Sends still waiting with it go identified at once.
    for (QueuedSend& waiting : waiting_) {
        if (!waiting.identified && waiting.envelope.recipient == recipient &&
            waiting.envelope.accessKey == key) {
            waiting.identified = true;
        }
    }
    return true;
}

void RelayTransport::acknowledge(const QByteArray& serverId) {
    const auto id = idOfServerId(serverId);
    if (!id) {
        return;
    }
    acks_.push_back(*id);
    if (!ackScheduled_) {
        ackScheduled_ = true;
        QMetaObject::invokeMethod(this, &RelayTransport::flushAcks, Qt::QueuedConnection);
    }
}

void RelayTransport::flushAcks() {
    ackScheduled_ = false;
    if (acks_.empty() || !receiving_ || !authenticated_) {
        return;
    }
    constexpr std::size_t kPerFrame = 1000;
    for (std::size_t i = 0; i < acks_.size(); i += kPerFrame) {
        ClientFrame frame;
        for (std::size_t j = i; j < std::min(acks_.size(), i + kPerFrame); ++j) {
            frame.mutable_ack()->add_ids(acks_[j]);
        }
        receiving_->post(frame);
    }
    acks_.clear();
}

void RelayTransport::putBlob(const QByteArray& requestId, const QByteArray& ciphertext) {
    RelayConnection* c = control();
    if (c == nullptr) {
        emit blobFailed(requestId,
                        {TransportError::Code::Network, QStringLiteral("not connected"), true});
        return;
    }
    ClientFrame frame;
    frame.mutable_put_blob()->set_data(ciphertext.toStdString());
    c->request(frame, 120000).then(this, [this, requestId](RelayReply reply) {
        if (!reply) {
            emit blobFailed(requestId, reply.error());
        } else if (const auto error = RelayConnection::errorOf(*reply)) {
            emit blobFailed(requestId, *error);
        } else {
            emit blobStored(requestId, {QByteArray::fromStdString(reply->blob_stored().id()),
                                        static_cast<std::int64_t>(reply->blob_stored().size())});
        }
    });
}

void RelayTransport::getBlob(const QByteArray& requestId, const BlobRef& ref) {
    fetchBlobChunk(requestId, QString::fromLatin1(ref.id), 0, std::make_shared<QByteArray>(),
                   ref.size);
}

void RelayTransport::fetchBlobChunk(const QByteArray& requestId, const QString& blobId,
                                    std::uint64_t offset, std::shared_ptr<QByteArray> data,
                                    std::int64_t expected) {
    RelayConnection* c = control();
    if (c == nullptr) {
        emit blobFailed(requestId,
                        {TransportError::Code::Network, QStringLiteral("not connected"), true});
        return;
    }
    ClientFrame frame;
    frame.mutable_get_blob()->set_id(blobId.toStdString());
    frame.mutable_get_blob()->set_offset(offset);
    c->request(frame).then(this, [this, requestId, blobId, data, expected](RelayReply reply) {
        if (!reply) {
            emit blobFailed(requestId, reply.error());
            return;
        }
        if (const auto error = RelayConnection::errorOf(*reply)) {
            emit blobFailed(requestId, *error);
            return;
        }
        const auto& chunk = reply->blob_data();
        // The relay's word on the size is not taken: the total must be the one the caller
        // was told (when told) and within what a relay blob may be, and no chunk may go past it.
        const bool badTotal =
            chunk.total() > static_cast<std::uint64_t>(kMaxBlobDownloadBytes) ||
            (expected > 0 && chunk.total() != static_cast<std::uint64_t>(expected));
        if (badTotal ||
            static_cast<std::uint64_t>(data->size()) + chunk.data().size() > chunk.total()) {
            emit blobFailed(
                requestId,
                {TransportError::Code::Rejected,
                 QStringLiteral("the relay sent a blob of another size than expected"), false});
            return;
        }
        data->append(chunk.data().data(), static_cast<qsizetype>(chunk.data().size()));
        emit blobProgress(requestId, data->size(), static_cast<qint64>(chunk.total()));
        if (static_cast<std::uint64_t>(data->size()) >= chunk.total() || chunk.data().empty()) {
            emit blobFetched(requestId, *data);
        } else {
            fetchBlobChunk(requestId, blobId, static_cast<std::uint64_t>(data->size()), data,
                           expected);
        }
    });
}

void RelayTransport::putRecord(const QByteArray& requestId, const crypto::SignedRecord& record) {
    RelayConnection* c = control();
    if (c == nullptr) {
        emit recordFailed(requestId,
                          {TransportError::Code::Network, QStringLiteral("not connected"), true});
        return;
    }
    ClientFrame frame;
    *frame.mutable_put_record()->mutable_record() = crypto::toProto(record);
    c->request(frame).then(this, [this, requestId](RelayReply reply) {
        if (!reply) {
            emit recordFailed(requestId, reply.error());
        } else if (const auto error = RelayConnection::errorOf(*reply)) {
            emit recordFailed(requestId, *error);
        } else if (!reply->has_record_stored()) {
            emit recordFailed(requestId, {TransportError::Code::Rejected,
                                          QStringLiteral("unexpected answer"), true});
        } else {
            emit recordStored(requestId, reply->record_stored().version());
        }
    });
}

void RelayTransport::getRecord(const QByteArray& requestId, const QByteArray& address) {
    RelayConnection* c = control();
    if (c == nullptr) {
        emit recordFailed(requestId,
                          {TransportError::Code::Network, QStringLiteral("not connected"), true});
        return;
    }
    ClientFrame frame;
    frame.mutable_get_record()->set_address(address.toStdString());
    c->request(frame).then(this, [this, requestId, address](RelayReply reply) {
        if (!reply) {
            emit recordFailed(requestId, reply.error());
            return;
        }
        if (const auto error = RelayConnection::errorOf(*reply)) {
            emit recordFailed(requestId, *error);
            return;
        }
        // The relay's word is not taken: the record must be the owner's, at this address.
        const crypto::SignedRecord record = crypto::fromProto(reply->record_data().record());
        if (const auto valid = crypto::verifyRecord(record); !valid) {
            emit recordFailed(requestId,
                              {TransportError::Code::Rejected,
                               QStringLiteral("the relay answered with a record that does not "
                                              "verify: %1")
                                   .arg(valid.error().message),
                               false});
        } else if (record.address != address) {
            emit recordFailed(requestId,
                              {TransportError::Code::Rejected,
                               QStringLiteral("the relay answered with another record"), false});
        } else {
            emit recordFetched(requestId, record);
        }
    });
}

}  // namespace tandem::transport
