#include "transport/onion/node/NodeServer.h"

#include <sodium.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSaveFile>
#include <QTcpSocket>

#include "crypto/Onion.h"
#include "crypto/session/SessionKeys.h"
#include "transport/DelayLine.h"
#include "transport/SecureChannel.h"
#include "transport/daemon/DaemonData.h"
#include "transport/onion/Blob.h"
#include "transport/onion/OwnerAuth.h"

Q_LOGGING_CATEGORY(lcNode, "tandem.transport.node", QtWarningMsg)

namespace tandem::transport::onion {

using proto::node::NodeError;
using proto::node::NodeReply;
using proto::node::NodeRequest;
using proto::node::SwarmReply;
using proto::node::SwarmRequest;
using Answer = std::function<void(SwarmReply)>;

namespace {

SwarmReply swarmError(NodeError::Code code, const QString& message) {
    SwarmReply reply;
    reply.mutable_error()->set_code(code);
    reply.mutable_error()->set_message(message.toStdString());
    return reply;
}

QByteArray qbytes(const std::string& s) {
    return {s.data(), static_cast<qsizetype>(s.size())};
}

SwarmReply messagesReply(const std::vector<StoredMessage>& found) {
    SwarmReply out;
    auto* list = out.mutable_messages();
    for (const StoredMessage& m : found) {
        auto* e = list->add_messages();
        e->set_hash(m.hash.toStdString());
        e->set_data(m.data.toStdString());
        e->set_stored_at_ms(static_cast<std::uint64_t>(m.storedAt));
        e->set_expires_at_ms(static_cast<std::uint64_t>(m.expiresAt));
    }
    return out;
}

std::optional<OwnerProof> proofOf(const proto::node::OwnerSignature& s) {
    if (s.ed25519().size() != 32 || s.signature().size() != crypto_sign_BYTES ||
        s.timestamp_ms() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return std::nullopt;
    }
    OwnerProof proof;
    std::copy(s.ed25519().begin(), s.ed25519().end(), proof.ed25519.begin());
    std::copy(s.signature().begin(), s.signature().end(), proof.signature.begin());
    proof.timestampMs = static_cast<std::int64_t>(s.timestamp_ms());
    return proof;
}

}  // namespace

struct NodeServer::Connection {
    SecureChannel* channel = nullptr;
    QString peer;  // the peer's IP, for the audit log only
    double tokens = 0;
    QElapsedTimer clock;
    int malformed = 0;
    bool closing = false;
};

struct NodeServer::Poll {
    QString recipient;
    QByteArray afterHash;
    Answer answer;
    QTimer timer;
};

NodeServer::NodeServer(QString dataDir, QString directoryFile, const crypto::PublicKey& networkKey,
                       NodeLimits limits, QObject* parent)
    : QObject(parent),
      dataDir_(std::move(dataDir)),
      directoryFile_(std::move(directoryFile)),
      networkKey_(networkKey),
      limits_(limits),
      delay_(new DelayLine(limits.linkDelayMs, this)) {
    clock_.start();
    connect(&server_, &QTcpServer::newConnection, this, &NodeServer::onNewConnection);
    housekeeping_.setInterval(30 * 1000);
    connect(&housekeeping_, &QTimer::timeout, this, [this] {
        if (store_) {
            store_->purgeExpired(now());
        }
        const qint64 t = clock_.elapsed();
        while (!replayOrder_.empty() && replayOrder_.front().first <= t) {
            const auto it = replay_.find(replayOrder_.front().second);
            if (it != replay_.end() && it->second == replayOrder_.front().first) {
                replay_.erase(it);
            }
            replayOrder_.pop_front();
        }
    });
}

NodeServer::~NodeServer() {
    links_.clear();  // their callbacks reach into this server: forgotten, not called
    polls_.clear();
    for (Connection* c : connections_) {
        delete c;
    }
}

bool NodeServer::enableAudit(const QString& path, QString* error) {
    auto log = AuditLog::open(path);
    if (!log) {
        *error = log.error();
        return false;
    }
    audit_ = std::move(log).value();
    qCWarning(lcNode) << "the audit log is on: it records full Session IDs (for tests only)";
    return true;
}

void NodeServer::audit(const char* event, const QString& peer, QJsonObject fields) {
    if (!audit_) {
        return;
    }
    fields.insert(QStringLiteral("event"), QLatin1String(event));
    fields.insert(QStringLiteral("peer"), peer);
    audit_->record(std::move(fields));
}

bool NodeServer::start(const QHostAddress& host, quint16 port, QString* error) {
    if (!QDir().mkpath(dataDir_)) {
        *error = QStringLiteral("cannot create %1").arg(dataDir_);
        return false;
    }
    QFile::setPermissions(dataDir_, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    // The node's identity: a 32-byte Ed25519 seed. Its X25519 form is the onion key that
    // peels layers and authenticates the channel; the directory lists both.
    auto seed = daemon::loadOrCreateSecret(
        dataDir_ + QStringLiteral("/node.key"), 32,
        [] {
            SecretBytes fresh(32);
            randombytes_buf(fresh.data(), fresh.size());
            return fresh;
        },
        QStringLiteral("node key"));
    if (!seed) {
        *error = seed.error();
        return false;
    }
    identity_ = crypto::Ed25519KeyPair::fromSeed(seed->span());
    onionKey_ = identity_.toX25519();
    auto store = NodeStore::open(dataDir_);
    if (!store) {
        *error = store.error();
        return false;
    }
    store_ = std::move(store).value();
    store_->purgeExpired(now());
    server_.setMaxPendingConnections(256);
    if (!server_.listen(host, port)) {
        *error = QStringLiteral("cannot listen on %1:%2: %3")
                     .arg(host.toString())
                     .arg(port)
                     .arg(server_.errorString());
        return false;
    }
    links_.setLocalAddress(host);
    housekeeping_.start();
    (void)directory();  // a damaged file is reported now, not at the first request
    return true;
}

// ---- connections ----------------------------------------------------------------------------

void NodeServer::onNewConnection() {
    while (QTcpSocket* socket = server_.nextPendingConnection()) {
        if (static_cast<int>(connections_.size()) >= limits_.maxConnections) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        auto* c = new Connection;
        if (audit_) {
            c->peer = socket->peerAddress().toString();
            audit("connection", c->peer, {{QStringLiteral("port"), socket->peerPort()}});
        }
        c->channel = SecureChannel::server(socket, onionKey_, this);
        c->tokens = limits_.requestBurst;
        c->clock.start();
        connections_.insert(c);
        connect(c->channel, &SecureChannel::frameReceived, this,
                [this, c, channel = QPointer<SecureChannel>(c->channel)](const QByteArray& frame) {
                    delay_->run([this, c, channel, frame] {
                        if (channel && connections_.count(c) != 0) {
                            onFrame(c, frame);
                        }
                    });
                });
        connect(c->channel, &SecureChannel::closed, this, [this, c](const QString&) { forget(c); });
    }
}

void NodeServer::forget(Connection* c) {
    if (connections_.erase(c) == 0) {
        return;
    }
    c->channel->deleteLater();
    delete c;
}

void NodeServer::send(QPointer<SecureChannel> channel, std::uint64_t requestId, NodeReply reply) {
    reply.set_request_id(requestId);
    delay_->run([channel, data = qbytes(reply.SerializeAsString())] {
        if (channel) {
            channel->send(data);
        }
    });
}

void NodeServer::onFrame(Connection* c, const QByteArray& bytes) {
    if (c->closing) {
        return;
    }
    const QPointer<SecureChannel> channel(c->channel);
    const double seconds = static_cast<double>(c->clock.restart()) / 1000.0;
    c->tokens = std::min(limits_.requestBurst, c->tokens + seconds * limits_.requestsPerSecond);
    NodeRequest request;
    if (c->tokens < 1) {
        // Refused one by one, not by closing: a link from another node carries many clients'
        // requests, and one client over its rate must not break the others'.
        (void)request.ParseFromArray(bytes.constData(), static_cast<int>(bytes.size()));
        send(channel, request.request_id(),
             errorReply(NodeError::RATE_LIMITED, QStringLiteral("too many requests")));
        return;
    }
    c->tokens -= 1;
    if (!request.ParseFromArray(bytes.constData(), static_cast<int>(bytes.size())) ||
        request.body_case() == NodeRequest::BODY_NOT_SET) {
        send(channel, request.request_id(),
             errorReply(NodeError::MALFORMED, QStringLiteral("the request cannot be read")));
        if (++c->malformed >= limits_.maxMalformedBeforeClose) {
            c->closing = true;
            delay_->run([channel] {
                if (channel) {
                    channel->close(QStringLiteral("too many unreadable requests"));
                }
            });
        }
        return;
    }
    const std::uint64_t id = request.request_id();
    Reply reply = [this, channel, id](const NodeReply& r) { send(channel, id, r); };
    switch (request.body_case()) {
        case NodeRequest::kOnion:
            return handleOnion(request.onion(), c->peer, std::move(reply));
        case NodeRequest::kReplicate:
            return handleReplicate(request.replicate(), c->peer, std::move(reply));
        case NodeRequest::kReplicateBlob:
            return handleReplicateBlob(request.replicate_blob(), c->peer, std::move(reply));
        case NodeRequest::kReplicateDelete:
            return handleReplicateDelete(request.replicate_delete(), c->peer, std::move(reply));
        default:
            return reply(errorReply(NodeError::MALFORMED, QStringLiteral("unknown request")));
    }
}

// ---- the onion hop ----------------------------------------------------------------------------

void NodeServer::handleOnion(const std::string& layer, const QString& peer, Reply reply) {
    if (layer.size() > crypto::kMaxOnionBytes) {
        reply(errorReply(NodeError::TOO_LARGE, QStringLiteral("the onion request is too large")));
        return;
    }
    auto peeled = crypto::peelOnion(onionKey_, crypto::view(layer));
    if (!peeled) {
        reply(errorReply(NodeError::MALFORMED, QStringLiteral("the onion layer cannot be opened")));
        return;
    }
    if (seen(peeled->ephemeral)) {
        reply(errorReply(NodeError::REPLAYED, QStringLiteral("this onion layer was seen before")));
        return;
    }
    auto layerKey = std::make_shared<SecretBytes>(std::move(peeled->layerKey));
    if (peeled->nextHop) {
        audit("peel", peer, {{QStringLiteral("next_hop"), *peeled->nextHop}});
        const NodeDirectory* dir = directory();
        const NodeInfo* next = nullptr;
        if (dir != nullptr) {
            for (const NodeInfo& n : dir->nodes) {
                if (n.address == *peeled->nextHop) {
                    next = &n;
                }
            }
        }
        if (next == nullptr) {
            reply(errorReply(NodeError::UNREACHABLE,
                             QStringLiteral("the next hop is not in the directory")));
            return;
        }
        NodeRequest forward;
        forward.set_onion(crypto::toString(peeled->payload));
        // Long enough for a long-poll held at the destination.
        links_.linkTo(*next)->request(
            std::move(forward),
            [reply = std::move(reply), layerKey](const NodeReply& answer) {
                if (answer.has_onion_reply()) {
                    NodeReply sealed;
                    sealed.set_onion_reply(crypto::toString(crypto::sealOnionReply(
                        layerKey->span(), crypto::view(answer.onion_reply()))));
                    reply(sealed);
                } else {
                    // An error further on: only its code goes back (the text may name the
                    // hop after ours, which the hops before us must not learn).
                    const auto code =
                        answer.has_error() ? answer.error().code() : NodeError::UNKNOWN;
                    reply(errorReply(code, QStringLiteral("a later hop failed")));
                }
            },
            limits_.maxWaitMs + 5000);
        return;
    }
    const auto answer = [reply = std::move(reply), layerKey](const SwarmReply& r) {
        NodeReply sealed;
        const std::string bytes = r.SerializeAsString();
        sealed.set_onion_reply(
            crypto::toString(crypto::sealOnionReply(layerKey->span(), crypto::view(bytes))));
        reply(sealed);
    };
    SwarmRequest request;
    if (!request.ParseFromArray(peeled->payload.data(), static_cast<int>(peeled->payload.size())) ||
        request.body_case() == SwarmRequest::BODY_NOT_SET) {
        audit("peel", peer, {{QStringLiteral("destination"), QStringLiteral("unreadable")}});
        answer(swarmError(NodeError::MALFORMED, QStringLiteral("the request cannot be read")));
        return;
    }
    serve(request, peer, answer);
}

bool NodeServer::seen(const crypto::PublicKey& ephemeral) {
    const qint64 t = clock_.elapsed();
    // Oldest first out: expired entries, then (when full) the oldest still in the window.
    while (!replayOrder_.empty() &&
           (replayOrder_.front().first <= t || replay_.size() >= NodeLimits::kMaxReplayEntries)) {
        const auto it = replay_.find(replayOrder_.front().second);
        if (it != replay_.end() && it->second == replayOrder_.front().first) {
            replay_.erase(it);
        }
        replayOrder_.pop_front();
    }
    const auto it = replay_.find(ephemeral);
    if (it != replay_.end() && it->second > t) {
        return true;
    }
    const qint64 expires = t + NodeLimits::kReplayWindowMs;
    replay_[ephemeral] = expires;
    replayOrder_.emplace_back(expires, ephemeral);
    return false;
}

const NodeDirectory* NodeServer::directory() {
    const QFileInfo info(directoryFile_);
    if (!info.exists()) {
        return directory_ ? &*directory_ : nullptr;
    }
    if (info.lastModified() != directoryModified_ || !directory_) {
        directoryModified_ = info.lastModified();
        QFile file(directoryFile_);
        if (file.open(QIODevice::ReadOnly) &&
            file.size() <= static_cast<qint64>(NodeDirectory::kMaxBytes)) {
            const QByteArray bytes = file.readAll();
            auto verified = NodeDirectory::verify(
                crypto::ByteView(
                    reinterpret_cast<const std::uint8_t*>(bytes.constData()),  // NOLINT
                    static_cast<std::size_t>(bytes.size())),
                networkKey_);
            if (!verified) {
                qCWarning(lcNode) << "ignoring the directory" << directoryFile_ << ":"
                                  << verified.error();
            } else if (!directory_ || verified->version >= directory_->version) {
                directory_ = std::move(verified).value();
                directoryBytes_ = bytes;
            }
        }
    }
    return directory_ ? &*directory_ : nullptr;
}

bool NodeServer::inSwarmOf(const QString& sessionId, std::vector<NodeInfo>* others) {
    const auto key = crypto::session::parseSessionId(sessionId);
    return key && inSwarmOfKey(*key, others);
}

bool NodeServer::inSwarmOfKey(const crypto::PublicKey& key, std::vector<NodeInfo>* others) {
    const NodeDirectory* dir = directory();
    if (dir == nullptr) {
        return false;
    }
    const auto swarm = dir->swarmOf(key);
    if (!swarm) {
        return false;
    }
    bool member = false;
    for (const NodeInfo& n : dir->members(*swarm)) {
        if (sodium_memcmp(n.ed25519.data(), identity_.publicKey.data(), 32) == 0) {
            member = true;
        } else if (others != nullptr) {
            others->push_back(n);
        }
    }
    return member;
}

// ---- the destination --------------------------------------------------------------------------

void NodeServer::serve(const SwarmRequest& request, const QString& peer, Answer answer) {
    if (audit_) {
        QJsonObject what;
        switch (request.body_case()) {
            case SwarmRequest::kStore:
                what = {{QStringLiteral("destination"), QStringLiteral("store")},
                        {QStringLiteral("session_id"),
                         QString::fromStdString(request.store().recipient())}};
                break;
            case SwarmRequest::kRetrieve:
                what = {{QStringLiteral("destination"), QStringLiteral("retrieve")},
                        {QStringLiteral("session_id"),
                         QString::fromStdString(request.retrieve().recipient())}};
                break;
            case SwarmRequest::kDelete:
                what = {{QStringLiteral("destination"), QStringLiteral("delete")},
                        {QStringLiteral("session_id"),
                         QString::fromStdString(request.delete_().recipient())}};
                break;
            case SwarmRequest::kGetDirectory:
                what = {{QStringLiteral("destination"), QStringLiteral("get_directory")}};
                break;
            case SwarmRequest::kStoreBlob:
                what = {{QStringLiteral("destination"), QStringLiteral("store_blob")},
                        {QStringLiteral("blob_id"),
                         QString::fromLatin1(qbytes(request.store_blob().id()).toHex())}};
                break;
            case SwarmRequest::kGetBlob:
                what = {{QStringLiteral("destination"), QStringLiteral("get_blob")},
                        {QStringLiteral("blob_id"),
                         QString::fromLatin1(qbytes(request.get_blob().id()).toHex())}};
                break;
            default:
                what = {{QStringLiteral("destination"), QStringLiteral("unknown")}};
                break;
        }
        audit("peel", peer, what);
    }
    switch (request.body_case()) {
        case SwarmRequest::kStore:
            return serveStore(request.store(), peer, std::move(answer));
        case SwarmRequest::kRetrieve:
            return serveRetrieve(request.retrieve(), std::move(answer));
        case SwarmRequest::kDelete:
            return serveDelete(request.delete_(), peer, std::move(answer));
        case SwarmRequest::kStoreBlob:
            return serveStoreBlob(request.store_blob(), peer, std::move(answer));
        case SwarmRequest::kGetBlob:
            return serveGetBlob(request.get_blob(), std::move(answer));
        case SwarmRequest::kGetDirectory: {
            SwarmReply reply;
            if (directory() == nullptr) {
                return answer(swarmError(NodeError::UNAVAILABLE,
                                         QStringLiteral("this node has no directory yet")));
            }
            reply.set_directory(directoryBytes_.toStdString());
            return answer(reply);
        }
        default:
            return answer(swarmError(NodeError::MALFORMED, QStringLiteral("unknown request")));
    }
}

void NodeServer::serveStore(const proto::node::StoreMessage& r, const QString& peer,
                            Answer answer) {
    const QString recipient = QString::fromStdString(r.recipient());
    std::vector<NodeInfo> others;
    if (!inSwarmOf(recipient, &others)) {
        return answer(swarmError(NodeError::WRONG_SWARM,
                                 QStringLiteral("this node does not keep that ID's messages")));
    }
    const auto stored = store_->store(
        recipient, qbytes(r.data()),
        static_cast<std::int64_t>(std::min<std::uint64_t>(r.ttl_ms(), NodeStoreLimits::kMaxTtlMs)),
        now());
    if (!stored) {
        return answer(swarmError(NodeError::REFUSED, stored.error()));
    }
    const StoredMessage message = stored->second;
    const bool duplicate = stored->first != StoreOutcome::Stored;
    audit("store", peer,
          {{QStringLiteral("via"), QStringLiteral("onion")},
           {QStringLiteral("recipient"), recipient},
           {QStringLiteral("hash"), QString::fromLatin1(message.hash.toHex())},
           {QStringLiteral("size"), message.data.size()},
           {QStringLiteral("duplicate"), duplicate}});
    if (!duplicate) {
        wakePolls(recipient);
    }
    // Every other member gets a copy before the sender hears "stored": a member that dies
    // right after loses nothing. A duplicate is replicated again (its first replication may
    // be what failed).
    struct Tally {
        std::size_t waiting = 0;
        std::uint32_t confirmed = 0;
        Answer answer;
        SwarmReply reply;
    };
    auto tally = std::make_shared<Tally>();
    tally->answer = std::move(answer);
    auto* s = tally->reply.mutable_stored();
    s->set_hash(message.hash.toStdString());
    s->set_duplicate(duplicate);
    s->set_expires_at_ms(static_cast<std::uint64_t>(message.expiresAt));
    tally->waiting = others.size();
    // Deleted by its owner here: not handed to members that may never have had it.
    if (others.empty() || stored->first == StoreOutcome::Deleted) {
        tally->answer(tally->reply);
        return;
    }
    for (const NodeInfo& other : others) {
        NodeRequest replicate;
        auto* rep = replicate.mutable_replicate();
        rep->set_recipient(r.recipient());
        rep->set_data(r.data());
        rep->set_expires_at_ms(static_cast<std::uint64_t>(message.expiresAt));
        links_.linkTo(other)->request(
            std::move(replicate),
            [tally](const NodeReply& reply) {
                if (reply.has_replicated() && reply.replicated()) {
                    ++tally->confirmed;
                }
                if (--tally->waiting == 0) {
                    tally->reply.mutable_stored()->set_replicas(tally->confirmed);
                    tally->answer(tally->reply);
                }
            },
            limits_.replicateTimeoutMs);
    }
}

void NodeServer::handleReplicate(const proto::node::Replicate& r, const QString& peer,
                                 Reply reply) {
    const QString recipient = QString::fromStdString(r.recipient());
    audit("replicate", peer, {{QStringLiteral("session_id"), recipient}});
    if (!inSwarmOf(recipient, nullptr)) {
        return reply(errorReply(NodeError::WRONG_SWARM,
                                QStringLiteral("this node does not keep that ID's messages")));
    }
    const std::int64_t t = now();
    const auto expires = static_cast<std::int64_t>(std::min<std::uint64_t>(
        r.expires_at_ms(), static_cast<std::uint64_t>(t) + NodeStoreLimits::kMaxTtlMs));
    NodeReply ok;
    ok.set_replicated(true);
    if (expires - t < NodeStoreLimits::kMinTtlMs) {
        return reply(ok);  // about to expire anyway
    }
    const auto stored = store_->store(recipient, qbytes(r.data()), expires - t, t);
    if (!stored) {
        return reply(errorReply(NodeError::REFUSED, stored.error()));
    }
    audit("store", peer,
          {{QStringLiteral("via"), QStringLiteral("replicate")},
           {QStringLiteral("recipient"), recipient},
           {QStringLiteral("hash"), QString::fromLatin1(stored->second.hash.toHex())},
           {QStringLiteral("size"), stored->second.data.size()},
           {QStringLiteral("duplicate"), stored->first == StoreOutcome::Duplicate}});
    if (stored->first == StoreOutcome::Stored) {
        wakePolls(recipient);
    }
    reply(ok);
}

void NodeServer::serveRetrieve(const proto::node::RetrieveMessages& r, Answer answer) {
    const QString recipient = QString::fromStdString(r.recipient());
    if (!inSwarmOf(recipient, nullptr)) {
        return answer(swarmError(NodeError::WRONG_SWARM,
                                 QStringLiteral("this node does not keep that ID's messages")));
    }
    const auto proof = proofOf(r.owner());
    const QByteArray after = qbytes(r.after_hash());
    if (!proof) {
        return answer(swarmError(NodeError::UNAUTHORIZED, QStringLiteral("the owner must sign")));
    }
    if (const auto ok =
            checkOwner(*proof, "retrieve", recipient, now(), crypto::view(r.after_hash()));
        !ok) {
        return answer(swarmError(NodeError::UNAUTHORIZED, ok.error()));
    }
    const auto messages = store_->retrieve(recipient, after, store_->limits().maxRetrieve, now());
    if (!messages) {
        return answer(swarmError(NodeError::UNAVAILABLE, messages.error()));
    }
    const int wait = std::min<int>(static_cast<int>(std::min<std::uint32_t>(r.wait_ms(), 1u << 30)),
                                   limits_.maxWaitMs);
    if (!messages->empty() || wait <= 0 ||
        static_cast<int>(polls_.count(recipient)) >= limits_.maxPollsPerRecipient ||
        static_cast<int>(polls_.size()) >= limits_.maxPolls) {
        return answer(messagesReply(*messages));
    }
    // Held until a message for this ID is stored here, or the wait is over.
    auto poll = std::make_shared<Poll>();
    poll->recipient = recipient;
    poll->afterHash = after;
    poll->answer = std::move(answer);
    poll->timer.setSingleShot(true);
    const auto it = polls_.emplace(recipient, poll);
    connect(&poll->timer, &QTimer::timeout, this, [this, it] {
        const std::shared_ptr<Poll> p = it->second;
        polls_.erase(it);
        const auto found =
            store_->retrieve(p->recipient, p->afterHash, store_->limits().maxRetrieve, now());
        p->answer(messagesReply(found ? *found : std::vector<StoredMessage>{}));
    });
    poll->timer.start(wait);
}

void NodeServer::wakePolls(const QString& recipient) {
    const auto range = polls_.equal_range(recipient);
    std::vector<std::shared_ptr<Poll>> woken;
    for (auto it = range.first; it != range.second;) {
        woken.push_back(it->second);
        it = polls_.erase(it);
    }
    for (const auto& p : woken) {
        p->timer.stop();
        const auto found =
            store_->retrieve(p->recipient, p->afterHash, store_->limits().maxRetrieve, now());
        p->answer(messagesReply(found ? *found : std::vector<StoredMessage>{}));
    }
}

// The owner's signed request, checked here, and also by every other member it is passed on
// to: no member deletes on another's word alone.
Expected<int, NodeError> NodeServer::deleteAsOwner(const proto::node::DeleteMessages& r) {
    const QString recipient = QString::fromStdString(r.recipient());
    NodeError error;
    if (!inSwarmOf(recipient, nullptr)) {
        error.set_code(NodeError::WRONG_SWARM);
        error.set_message("this node does not keep that ID's messages");
        return unexpected(error);
    }
    const auto proof = proofOf(r.owner());
    if (!proof) {
        error.set_code(NodeError::UNAUTHORIZED);
        error.set_message("the owner must sign");
        return unexpected(error);
    }
    std::string joined;
    std::vector<QByteArray> hashes;
    for (const std::string& h : r.hashes()) {
        joined += h;
        hashes.push_back(qbytes(h));
    }
    if (const auto ok = checkOwner(*proof, "delete", recipient, now(), crypto::view(joined)); !ok) {
        error.set_code(NodeError::UNAUTHORIZED);
        error.set_message(ok.error().toStdString());
        return unexpected(error);
    }
    const auto removed = store_->remove(recipient, hashes);
    if (!removed) {
        error.set_code(NodeError::REFUSED);
        error.set_message(removed.error().toStdString());
        return unexpected(error);
    }
    return *removed;
}

void NodeServer::serveDelete(const proto::node::DeleteMessages& r, const QString& peer,
                             Answer answer) {
    const auto removed = deleteAsOwner(r);
    if (!removed) {
        SwarmReply out;
        *out.mutable_error() = removed.error();
        return answer(out);
    }
    const QString recipient = QString::fromStdString(r.recipient());
    audit("delete", peer,
          {{QStringLiteral("via"), QStringLiteral("onion")},
           {QStringLiteral("recipient"), recipient},
           {QStringLiteral("count"), *removed}});
    // Passed on to every other member before the owner hears "deleted" (as a store is), so a
    // deleted message does not come back from another member.
    struct Tally {
        std::size_t waiting = 0;
        std::uint32_t confirmed = 0;
        Answer answer;
        SwarmReply reply;
    };
    auto tally = std::make_shared<Tally>();
    tally->answer = std::move(answer);
    tally->reply.mutable_deleted()->set_count(static_cast<std::uint32_t>(*removed));
    std::vector<NodeInfo> others;
    (void)inSwarmOf(recipient, &others);
    tally->waiting = others.size();
    if (others.empty()) {
        tally->answer(tally->reply);
        return;
    }
    for (const NodeInfo& other : others) {
        NodeRequest replicate;
        *replicate.mutable_replicate_delete() = r;
        links_.linkTo(other)->request(
            std::move(replicate),
            [tally](const NodeReply& reply) {
                if (reply.has_replicated() && reply.replicated()) {
                    ++tally->confirmed;
                }
                if (--tally->waiting == 0) {
                    tally->reply.mutable_deleted()->set_replicas(tally->confirmed);
                    tally->answer(tally->reply);
                }
            },
            limits_.replicateTimeoutMs);
    }
}

void NodeServer::handleReplicateDelete(const proto::node::DeleteMessages& r, const QString& peer,
                                       Reply reply) {
    const auto removed = deleteAsOwner(r);
    if (!removed) {
        NodeReply out;
        *out.mutable_error() = removed.error();
        return reply(out);
    }
    audit("delete", peer,
          {{QStringLiteral("via"), QStringLiteral("replicate")},
           {QStringLiteral("recipient"), QString::fromStdString(r.recipient())},
           {QStringLiteral("count"), *removed}});
    NodeReply ok;
    ok.set_replicated(true);
    reply(ok);
}

// ---- the onion file store ---------------------------------------------------------------------

void NodeServer::serveStoreBlob(const proto::node::StoreBlob& r, const QString& peer,
                                Answer answer) {
    const QByteArray id = qbytes(r.id());
    if (r.data().size() > static_cast<std::size_t>(kMaxBlobBytes)) {
        return answer(
            swarmError(NodeError::TOO_LARGE,
                       QStringLiteral("a blob holds at most %1 bytes").arg(kMaxBlobBytes)));
    }
    const QByteArray data = qbytes(r.data());
    if (!blobIdMatches(id, data)) {
        return answer(
            swarmError(NodeError::MALFORMED,
                       QStringLiteral("the blob's id is not the BLAKE2b-256 of its bytes")));
    }
    std::vector<NodeInfo> others;
    if (!inSwarmOfKey(blobRingKey(id), &others)) {
        return answer(swarmError(NodeError::WRONG_SWARM,
                                 QStringLiteral("this node does not keep that blob")));
    }
    const std::int64_t t = now();
    const auto stored = store_->storeBlob(id, data, t + kBlobTtlMs, t);
    if (!stored) {
        return answer(swarmError(NodeError::REFUSED, stored.error()));
    }
    audit("blob_store", peer,
          {{QStringLiteral("via"), QStringLiteral("onion")},
           {QStringLiteral("blob_id"), QString::fromLatin1(id.toHex())},
           {QStringLiteral("size"), data.size()}});
    // Every other member gets a copy before the uploader hears "stored", as for messages.
    struct Tally {
        std::size_t waiting = 0;
        std::uint32_t confirmed = 0;
        Answer answer;
        SwarmReply reply;
    };
    auto tally = std::make_shared<Tally>();
    tally->answer = std::move(answer);
    auto* b = tally->reply.mutable_blob_stored();
    b->set_id(r.id());
    b->set_size(static_cast<std::uint64_t>(data.size()));
    b->set_expires_at_ms(static_cast<std::uint64_t>(stored->second));
    b->set_duplicate(stored->first != StoreOutcome::Stored);
    tally->waiting = others.size();
    if (others.empty()) {
        tally->answer(tally->reply);
        return;
    }
    for (const NodeInfo& other : others) {
        NodeRequest replicate;
        auto* rep = replicate.mutable_replicate_blob();
        rep->set_id(r.id());
        rep->set_data(r.data());
        rep->set_expires_at_ms(static_cast<std::uint64_t>(stored->second));
        links_.linkTo(other)->request(
            std::move(replicate),
            [tally](const NodeReply& reply) {
                if (reply.has_replicated() && reply.replicated()) {
                    ++tally->confirmed;
                }
                if (--tally->waiting == 0) {
                    tally->reply.mutable_blob_stored()->set_replicas(tally->confirmed);
                    tally->answer(tally->reply);
                }
            },
            limits_.replicateTimeoutMs);
    }
}

void NodeServer::handleReplicateBlob(const proto::node::ReplicateBlob& r, const QString& peer,
                                     Reply reply) {
    const QByteArray id = qbytes(r.id());
    if (id.size() != kBlobIdBytes || !inSwarmOfKey(blobRingKey(id), nullptr)) {
        return reply(errorReply(NodeError::WRONG_SWARM,
                                QStringLiteral("this node does not keep that blob")));
    }
    const std::int64_t t = now();
    const auto expires = static_cast<std::int64_t>(
        std::min<std::uint64_t>(r.expires_at_ms(), static_cast<std::uint64_t>(t + kBlobTtlMs)));
    // Checked again here (the hash, the size, this node's quota): a member's word is not taken.
    const auto stored = store_->storeBlob(id, qbytes(r.data()), expires, t);
    if (!stored) {
        return reply(errorReply(NodeError::REFUSED, stored.error()));
    }
    audit("blob_store", peer,
          {{QStringLiteral("via"), QStringLiteral("replicate")},
           {QStringLiteral("blob_id"), QString::fromLatin1(id.toHex())},
           {QStringLiteral("size"), static_cast<qint64>(r.data().size())}});
    NodeReply ok;
    ok.set_replicated(true);
    reply(ok);
}

void NodeServer::serveGetBlob(const proto::node::GetBlob& r, Answer answer) {
    const QByteArray id = qbytes(r.id());
    if (id.size() != kBlobIdBytes) {
        return answer(swarmError(NodeError::MALFORMED,
                                 QStringLiteral("a blob id has %1 bytes").arg(kBlobIdBytes)));
    }
    if (!inSwarmOfKey(blobRingKey(id), nullptr)) {
        return answer(swarmError(NodeError::WRONG_SWARM,
                                 QStringLiteral("this node does not keep that blob")));
    }
    const auto found = store_->blob(id, now());
    if (!found) {
        return answer(swarmError(NodeError::UNAVAILABLE, found.error()));
    }
    if (!*found) {
        return answer(swarmError(NodeError::NOT_FOUND, QStringLiteral("no such blob here")));
    }
    SwarmReply out;
    out.set_blob(found->value().toStdString());
    answer(out);
}

}  // namespace tandem::transport::onion
