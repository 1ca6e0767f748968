#include "transport/relay/server/RelayServer.h"

#include <sodium.h>

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QSaveFile>
#include <QTcpSocket>

#include <tandem/common/Ascii.h>

#include "crypto/signal/Identity.h"
#include "transport/DelayLine.h"
#include "transport/SecureChannel.h"
#include "transport/Transport.h"
#include "transport/daemon/DaemonData.h"
#include "transport/relay/Address.h"
#include "transport/relay/server/CodeSender.h"
#include "transport/relay/server/RelayServerParts.h"

namespace tandem::relay {

using namespace tandem::crypto;
using proto::relay::ClientFrame;
using proto::relay::Error;
using proto::relay::ServerFrame;
using transport::SecureChannel;
using namespace relaydetail;  // RelayServerParts.h

struct RelayServer::PendingSend {
    QPointer<SecureChannel> channel;
    std::uint64_t requestId = 0;
    NewEnvelope envelope;
};

RelayServer::RelayServer(QString dataDir, CodeSender* codes, RelayLimits limits, QObject* parent)
    : QObject(parent),
      dataDir_(std::move(dataDir)),
      codes_(codes),
      limits_(limits),
      gate_(limits.connections),
      codeRequests_(limits.codeRequests),
      delay_(new transport::DelayLine(limits.linkDelayMs, this)) {
    connect(&server_, &QTcpServer::newConnection, this, &RelayServer::onNewConnection);
    purgeTimer_.setInterval(60 * 1000);
    connect(&purgeTimer_, &QTimer::timeout, this, &RelayServer::purge);
}

RelayServer::~RelayServer() {
    // A clean stop stores what was received, including a batch the writer may or may not have
    // reached (committing it twice stores it once).
    writer_.reset();
    if (store_) {
        std::vector<NewEnvelope> envelopes;
        for (const auto* batch : {&committingSends_, &pendingSends_}) {
            for (const PendingSend& s : *batch) {
                envelopes.push_back(s.envelope);
            }
        }
        auto acks = committingAcks_;
        acks.insert(acks.end(), pendingAcks_.begin(), pendingAcks_.end());
        if (!envelopes.empty() || !acks.empty()) {
            (void)store_->commitBatch(envelopes, acks, /*replay=*/true);
        }
    }
    for (Connection* c : connections_) {
        delete c;
    }
}

std::int64_t RelayServer::now() const {
    return QDateTime::currentMSecsSinceEpoch();
}

bool RelayServer::start(const QHostAddress& host, quint16 port, QString* error) {
    // A delivery frame holds at least one envelope and must stay under what clients accept.
    if (limits_.maxEnvelopeBytes > limits_.maxDeliveryBytes ||
        limits_.maxDeliveryBytes + 64 * 1024 > transport::SecureChannel::kMaxFrameBytes) {
        *error = QStringLiteral("the relay's envelope and delivery limits do not fit a frame");
        return false;
    }
    if (!QDir().mkpath(dataDir_)) {
        *error = QStringLiteral("cannot create %1").arg(dataDir_);
        return false;
    }
    QFile::setPermissions(dataDir_, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    // The relay's long-term Ed25519 key: signs sender certificates; its X25519 form
    // authenticates the channel. Clients pin the public half (network.json).
    const QString keyPath = dataDir_ + QStringLiteral("/relay.key");
    auto secret = daemon::loadOrCreateSecret(
        keyPath, crypto_sign_SECRETKEYBYTES,
        [] { return signal::IdentityKeyPair::generate().signing().secretKey.clone(); },
        QStringLiteral("relay key"));
    if (!secret) {
        *error = secret.error();
        return false;
    }
    auto pair = signal::IdentityKeyPair::fromSecret(secret->span());
    if (!pair) {
        *error = QStringLiteral("the relay key %1 is damaged").arg(keyPath);
        return false;
    }
    identity_ = pair->signing().clone();
    channelKey_ = pair->agreement().clone();
    blobs_ =
        std::make_unique<BlobStore>(dataDir_ + QStringLiteral("/blobs"), limits_.maxBlobBytesTotal);
    auto store = RelayStore::open(dataDir_);
    if (!store) {
        *error = store.error();
        return false;
    }
    store_ = std::move(store).value();
    locks_ = std::make_unique<RegistrationLocks>(store_->database());
    auto writer = MailboxWriter::start(*store_);
    if (!writer) {
        *error = writer.error();
        return false;
    }
    writer_ = std::move(writer).value();
    connect(writer_.get(), &MailboxWriter::committed, this, &RelayServer::onCommitted);
    connect(writer_.get(), &MailboxWriter::purged, this, [this](int count) {
        if (count > 0) {
            reloadQueueCounts();
        }
    });
    retryCommit_.setSingleShot(true);
    retryCommit_.setInterval(1000);
    connect(&retryCommit_, &QTimer::timeout, this, &RelayServer::flush);
    queueCounts_ = store_->queueCounts();
    purge();
    server_.setMaxPendingConnections(256);
    if (!server_.listen(host, port)) {
        *error = QStringLiteral("cannot listen on %1:%2: %3")
                     .arg(host.toString())
                     .arg(port)
                     .arg(server_.errorString());
        return false;
    }
    purgeTimer_.start();
    return true;
}

// ---- connections ----------------------------------------------------------------------------

void RelayServer::onNewConnection() {
    while (QTcpSocket* socket = server_.nextPendingConnection()) {
        const QHostAddress peer = socket->peerAddress();
        if (!gate_.admit(peer)) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        auto* c = new Connection;
        c->peer = peer;
        c->channel = SecureChannel::server(socket, *channelKey_, this);
        c->channel->setMaxIncomingFrameBytes(limits_.maxUnauthenticatedFrameBytes);
        if (limits_.idleTimeoutMs != transport::SecureChannel::kIdleTimeoutMs) {
            c->channel->setIdleTimeout(limits_.idleTimeoutMs);
        }
        c->tokens = limits_.requestBurst;
        c->clock.start();
        connections_.insert(c);
        byChannel_[c->channel] = c;
        connect(
            c->channel, &SecureChannel::frameReceived, this, [this, c](const QByteArray& frame) {
                // Emulated link delay (localnet): the frame arrives `linkDelayMs` later.
                delay_->run([this, channel = QPointer<SecureChannel>(c->channel), frame] {
                    const auto it = channel ? byChannel_.find(channel.data()) : byChannel_.end();
                    if (it != byChannel_.end()) {
                        onFrame(it->second, frame);
                    }
                });
            });
        connect(c->channel, &SecureChannel::closed, this, [this, c](const QString&) { forget(c); });
        connect(socket, &QTcpSocket::bytesWritten, this, [this, c](qint64) {
            if (c->drainPending && connections_.count(c) != 0) {
                drain(c);
            }
        });
    }
}

void RelayServer::forget(Connection* c) {
    if (connections_.erase(c) == 0) {
        return;
    }
    byChannel_.erase(c->channel);
    gate_.release(c->peer);
    if (c->account) {
        locks_->seen(*c->account, now());
        const auto range = byAccount_.equal_range(*c->account);
        for (auto it = range.first; it != range.second; ++it) {
            if (it->second == c) {
                byAccount_.erase(it);
                break;
            }
        }
    }
    c->channel->deleteLater();
    delete c;
}

bool RelayServer::allow(Connection* c) {
    const double seconds = static_cast<double>(c->clock.restart()) / 1000.0;
    c->tokens = std::min(limits_.requestBurst, c->tokens + seconds * limits_.requestsPerSecond);
    if (c->tokens < 1) {
        return false;
    }
    c->tokens -= 1;
    return true;
}

void RelayServer::reply(Connection* c, std::uint64_t requestId, ServerFrame& frame, bool flushNow) {
    frame.set_request_id(requestId);
    // Through the delay line: at once, or `linkDelayMs` later under an emulated link delay.
    delay_->run([channel = QPointer<SecureChannel>(c->channel),
                 data = qbytes(frame.SerializeAsString()), limit = limits_.maxPendingWriteBytes,
                 flushNow] {
        if (!channel) {
            return;
        }
        channel->send(data);
        if (flushNow) {
            channel->flush();
        }
        if (channel->pendingWriteBytes() > limit) {
            qCInfo(lcRelay) << "dropping a client that does not read its deliveries";
            channel->close(QStringLiteral("slow consumer"));
        }
    });
}

void RelayServer::replyError(Connection* c, std::uint64_t requestId, Error::Code code,
                             const QString& message) {
    ServerFrame frame;
    frame.mutable_error()->set_code(code);
    frame.mutable_error()->set_message(message.toStdString());
    reply(c, requestId, frame);
}

void RelayServer::dropConnection(Connection* c, Error::Code code, const QString& message) {
    qCInfo(lcRelay) << "closing a connection:" << message;
    replyError(c, 0, code, message);
    // After the error frame, also under an emulated link delay (which delays that frame).
    c->closing = true;
    delay_->run([channel = QPointer<SecureChannel>(c->channel), message] {
        if (channel) {
            channel->close(message);
        }
    });
}

void RelayServer::onFrame(Connection* c, const QByteArray& bytes) {
    if (connections_.count(c) == 0 || c->closing) {
        return;
    }
    if (!allow(c)) {
        dropConnection(c, Error::RATE_LIMITED, QStringLiteral("too many requests"));
        return;
    }
    ClientFrame frame;
    if (!frame.ParseFromArray(bytes.constData(), static_cast<int>(bytes.size()))) {
        dropConnection(c, Error::MALFORMED, QStringLiteral("the frame does not parse"));
        return;
    }
    const std::uint64_t id = frame.request_id();
    const bool needsAccount = frame.has_upload_prekeys() || frame.has_fetch_bundle() ||
                              frame.has_lookup() || frame.has_get_certificate() ||
                              frame.has_ack() || frame.has_put_blob() ||
                              frame.has_prekey_status() || frame.has_set_registration_lock();
    if (needsAccount && !c->account) {
        replyError(c, id, Error::UNAUTHORIZED, QStringLiteral("authenticate first"));
        return;
    }
    switch (frame.body_case()) {
        case ClientFrame::kRequestCode:
            return handleRequestCode(c, id, frame.request_code());
        case ClientFrame::kRegister:
            return handleRegister(c, id, frame.register_());
        case ClientFrame::kAuthenticate:
            return handleAuthenticate(c, id, frame.authenticate());
        case ClientFrame::kUploadPrekeys:
            return handleUploadPreKeys(c, id, frame.upload_prekeys());
        case ClientFrame::kFetchBundle:
            return handleFetchBundle(c, id, frame.fetch_bundle());
        case ClientFrame::kLookup:
            return handleLookup(c, id, frame.lookup());
        case ClientFrame::kGetCertificate:
            return handleCertificate(c, id);
        case ClientFrame::kSend:
            return handleSend(c, id, frame.send());
        case ClientFrame::kAck:
            return handleAck(c, frame.ack());
        case ClientFrame::kPutBlob:
            return handlePutBlob(c, id, frame.put_blob());
        case ClientFrame::kGetBlob:
            return handleGetBlob(c, id, frame.get_blob());
        case ClientFrame::kPrekeyStatus: {
            ServerFrame out;
            out.mutable_prekey_status()->set_one_time_remaining(
                static_cast<std::uint32_t>(store_->oneTimePreKeyCount(*c->account)));
            return reply(c, id, out);
        }
        case ClientFrame::kSetRegistrationLock:
            return handleSetRegistrationLock(c, id, frame.set_registration_lock());
        case ClientFrame::BODY_NOT_SET:
            break;
    }
    dropConnection(c, Error::MALFORMED, QStringLiteral("the frame has no known request"));
}

// ---- messages -------------------------------------------------------------------------------

void RelayServer::handleSend(Connection* c, std::uint64_t id, const proto::relay::SendSealed& r) {
    if (static_cast<qint64>(r.envelope().size()) > limits_.maxEnvelopeBytes ||
        r.envelope().empty()) {
        return replyError(c, id, Error::TOO_LARGE,
                          QStringLiteral("the envelope is empty or too large"));
    }
    const QString address = QString::fromStdString(r.recipient());
    if (!isRelayAddress(address)) {
        return replyError(c, id, Error::INVALID_NUMBER,
                          QStringLiteral("not an E.164 phone number or account id"));
    }
    // Abuse control without identity: the sender must know the recipient's access key. An
    // unknown recipient gets the very answer a wrong key gets, after the same comparison
    // (against a key no account has), so a sealed sender cannot tell who is registered.
    static const std::string kNobodysKey(16, '\0');
    const auto recipient = store_->accountByAddress(address);
    const bool keyMatches =
        sameBytes(recipient ? recipient->accessKey : qbytes(kNobodysKey), r.access_key());
    if (!recipient || !keyMatches) {
        return replyError(c, id, Error::UNAUTHORIZED,
                          QStringLiteral("no such recipient, or the wrong access key for them"));
    }
    // Sealed for a key the account no longer has (it registered again): stored, it could
    // never be opened, and the sender would believe it delivered. Asked only of a sender who
    // knows the access key; identity keys are public (every bundle carries one).
    if (!r.recipient_identity().empty() &&
        !sameBytes(recipient->identityKey, r.recipient_identity())) {
        return replyError(c, id, Error::STALE_IDENTITY,
                          QStringLiteral("the recipient has registered again with a new "
                                         "identity key; fetch their keys"));
    }
    QueueSize& queued = queueCounts_[recipient->id];
    if (queued.count >= limits_.maxQueuedPerAccount ||
        queued.bytes + static_cast<std::int64_t>(r.envelope().size()) >
            limits_.maxQueuedBytesPerAccount) {
        return replyError(c, id, Error::MAILBOX_FULL,
                          QStringLiteral("the recipient's mailbox is full; they have not been "
                                         "online to receive for a while"));
    }
    const auto messageId = storeFailing_ ? std::nullopt : store_->nextMessageId();
    if (!messageId) {
        return replyError(c, id, Error::UNAVAILABLE,
                          QStringLiteral("the relay cannot store messages right now; try again"));
    }
    queued.count += 1;
    queued.bytes += static_cast<std::int64_t>(r.envelope().size());
    const std::int64_t t = now();
    const qint64 ttl = r.ttl_ms() == 0
                           ? limits_.defaultTtlMs
                           : std::min<qint64>(static_cast<qint64>(r.ttl_ms()), limits_.maxTtlMs);
    NewEnvelope envelope{*messageId, recipient->id, qbytes(r.envelope()), t, t + ttl};
    // Pushed at once, while its commit is still to come: the recipient need not wait for our
    // disk. The sender hears `accepted` only once the commit is durable; if that fails, the
    // sender sends again and the recipient drops the copy by its message uid.
    const auto range = byAccount_.equal_range(recipient->id);
    for (auto it = range.first; it != range.second; ++it) {
        if (it->second->caughtUp) {
            push(it->second, envelope);
        }
    }
    pendingSends_.push_back({c->channel, id, std::move(envelope)});
    scheduleFlush();
}

void RelayServer::push(Connection* recipient, const NewEnvelope& envelope) {
    ServerFrame out;
    auto* e = out.mutable_delivery()->add_envelopes();
    e->set_id(static_cast<std::uint64_t>(envelope.id));
    e->set_envelope(envelope.envelope.data(), static_cast<std::size_t>(envelope.envelope.size()));
    e->set_server_time_ms(static_cast<std::uint64_t>(envelope.serverTime));
    recipient->lastSentId = std::max(recipient->lastSentId, envelope.id);
    reply(recipient, 0, out, true);
}

void RelayServer::handleAck(Connection* c, const proto::relay::Ack& r) {
    if (r.ids_size() > limits_.maxAcksPerFrame) {
        return dropConnection(c, Error::TOO_LARGE,
                              QStringLiteral("too many acknowledgements in one frame"));
    }
    for (const std::uint64_t messageId : r.ids()) {
        pendingAcks_.emplace_back(*c->account, static_cast<std::int64_t>(messageId));
    }
    scheduleFlush();
}

void RelayServer::scheduleFlush() {
    if (!flushScheduled_) {
        flushScheduled_ = true;
        // After the event loop has read everything that is waiting: one commit for all of it.
        QMetaObject::invokeMethod(this, &RelayServer::flush, Qt::QueuedConnection);
    }
}

void RelayServer::flush() {
    flushScheduled_ = false;
    if (writer_->busy() || retryCommit_.isActive()) {
        return;  // onCommitted() or the retry timer calls again
    }
    // While failing, an empty batch probes whether the store works again.
    if (pendingSends_.empty() && pendingAcks_.empty() && !storeFailing_) {
        return;
    }
    committingSends_ = std::move(pendingSends_);
    committingAcks_ = std::move(pendingAcks_);
    pendingSends_.clear();
    pendingAcks_.clear();
    std::vector<NewEnvelope> envelopes;
    envelopes.reserve(committingSends_.size());
    for (const PendingSend& s : committingSends_) {
        envelopes.push_back(s.envelope);
    }
    writer_->submit(std::move(envelopes), committingAcks_);
}

void RelayServer::onCommitted(bool committed, const std::map<std::int64_t, QueueSize>& deleted) {
    const std::vector<PendingSend> sends = std::move(committingSends_);
    const auto acks = std::move(committingAcks_);
    committingSends_.clear();
    committingAcks_.clear();
    if (committed) {
        if (storeFailing_) {
            qCInfo(lcRelay) << "mailbox commits work again";
        }
        storeFailing_ = false;
        for (const auto& [account, gone] : deleted) {
            QueueSize& queued = queueCounts_[account];
            queued.count = std::max<std::int64_t>(0, queued.count - gone.count);
            queued.bytes = std::max<std::int64_t>(0, queued.bytes - gone.bytes);
        }
    } else {
        // Its senders are told to try again; new sends are refused (not pushed) until a
        // commit works; the acknowledgements are kept for that commit. Tried again in 1 s,
        // not at once: a failing disk is not hammered.
        if (!storeFailing_) {
            qCWarning(lcRelay) << "a mailbox commit failed; refusing sends until one works";
        }
        storeFailing_ = true;
        pendingAcks_.insert(pendingAcks_.end(), acks.begin(), acks.end());
        retryCommit_.start();
    }
    for (const PendingSend& s : sends) {
        ServerFrame out;
        if (committed) {
            out.mutable_accepted()->set_server_time_ms(
                static_cast<std::uint64_t>(s.envelope.serverTime));
        } else {
            QueueSize& queued = queueCounts_[s.envelope.account];
            queued.count = std::max<std::int64_t>(0, queued.count - 1);
            queued.bytes = std::max<std::int64_t>(0, queued.bytes - s.envelope.envelope.size());
            out.mutable_error()->set_code(Error::UNAVAILABLE);
            out.mutable_error()->set_message("the relay could not store the message; try again");
        }
        if (s.channel) {
            if (const auto it = byChannel_.find(s.channel.data()); it != byChannel_.end()) {
                reply(it->second, s.requestId, out);
            }
        }
    }
    flush();  // what arrived meanwhile: the next batch
}

void RelayServer::drain(Connection* c) {
    c->drainPending = false;
    if (!c->account || c->caughtUp) {
        return;
    }
    const auto queued =
        store_->queued(*c->account, c->lastSentId, limits_.deliveryBatch, limits_.maxDeliveryBytes);
    if (queued.empty()) {
        // Stored mail is all out; what is accepted but not yet committed follows, then pushes.
        c->caughtUp = true;
        for (const auto* batch : {&committingSends_, &pendingSends_}) {
            for (const PendingSend& s : *batch) {
                if (s.envelope.account == *c->account && s.envelope.id > c->lastSentId) {
                    push(c, s.envelope);
                }
            }
        }
        return;
    }
    ServerFrame out;
    for (const StoredEnvelope& s : queued) {
        auto* e = out.mutable_delivery()->add_envelopes();
        e->set_id(static_cast<std::uint64_t>(s.id));
        e->set_envelope(s.envelope.toStdString());
        e->set_server_time_ms(static_cast<std::uint64_t>(s.serverTime));
    }
    c->lastSentId = queued.back().id;
    reply(c, 0, out);
    // Continue once the socket has room: a large backlog never floods memory.
    if (c->channel->pendingWriteBytes() < 4 * 1024 * 1024) {
        QMetaObject::invokeMethod(
            this,
            [this, c] {
                if (connections_.count(c) != 0) {
                    drain(c);
                }
            },
            Qt::QueuedConnection);
    } else {
        c->drainPending = true;
    }
}

void RelayServer::purge() {
    if (writer_) {
        writer_->purge(now());
    }
    if (blobs_) {
        blobs_->purge(now());
    }
}

void RelayServer::reloadQueueCounts() {
    queueCounts_ = store_->queueCounts();  // what is stored …
    for (const auto* batch : {&committingSends_, &pendingSends_}) {
        for (const PendingSend& s : *batch) {  // … and what is accepted but not yet committed
            QueueSize& queued = queueCounts_[s.envelope.account];
            queued.count += 1;
            queued.bytes += s.envelope.envelope.size();
        }
    }
}

// ---- blobs --------------------------------------------------------------------------------

void RelayServer::handlePutBlob(Connection* c, std::uint64_t id, const proto::relay::PutBlob& r) {
    if (r.data().empty() || static_cast<qint64>(r.data().size()) > limits_.maxBlobBytes) {
        return replyError(c, id, Error::TOO_LARGE, QStringLiteral("a blob holds 1 byte to 8 MiB"));
    }
    const auto stored = blobs_->put(qbytes(r.data()));
    if (!stored) {
        return replyError(c, id, Error::UNAVAILABLE, stored.error());
    }
    ServerFrame out;
    out.mutable_blob_stored()->set_id(stored->toStdString());
    out.mutable_blob_stored()->set_size(r.data().size());
    reply(c, id, out);
}

void RelayServer::handleGetBlob(Connection* c, std::uint64_t id, const proto::relay::GetBlob& r) {
    const QString blobId = QString::fromStdString(r.id());
    if (!isLowerHex(blobId, 32)) {
        return replyError(c, id, Error::MALFORMED,
                          QStringLiteral("a blob id is 32 hexadecimal digits"));
    }
    const qint64 want = std::min<qint64>(r.max_bytes() == 0 ? limits_.maxBlobChunk : r.max_bytes(),
                                         limits_.maxBlobChunk);
    const auto offset = static_cast<qint64>(std::min<std::uint64_t>(r.offset(), 1ULL << 62));
    const auto chunk = blobs_->read(blobId, offset, want);
    if (!chunk) {
        return replyError(c, id, Error::NOT_FOUND, QStringLiteral("no such blob"));
    }
    if (offset > chunk->total) {
        return replyError(c, id, Error::MALFORMED, QStringLiteral("the offset is past the end"));
    }
    ServerFrame out;
    out.mutable_blob_data()->set_data(chunk->data.toStdString());
    out.mutable_blob_data()->set_offset(r.offset());
    out.mutable_blob_data()->set_total(static_cast<std::uint64_t>(chunk->total));
    reply(c, id, out);
}

}  // namespace tandem::relay
