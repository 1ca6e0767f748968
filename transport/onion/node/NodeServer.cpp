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
#include "transport/onion/node/MemberProof.h"
#include "transport/onion/node/NodeServerUtil.h"

Q_LOGGING_CATEGORY(lcNode, "tandem.transport.node", QtWarningMsg)

namespace tandem::transport::onion {

using namespace nodedetail;  // NodeServerUtil.h

struct NodeServer::Connection {
    SecureChannel* channel = nullptr;
    QHostAddress address;  // its slot in the gate
    QString peer;          // the peer's IP, for the audit log only
    double tokens = 0;
    QElapsedTimer clock;
    int malformed = 0;
    bool closing = false;
};

NodeServer::NodeServer(QString dataDir, QString directoryFile, const crypto::PublicKey& networkKey,
                       NodeLimits limits, QObject* parent)
    : QObject(parent),
      dataDir_(std::move(dataDir)),
      directoryFile_(std::move(directoryFile)),
      gate_(limits.connections),
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
    auto store = NodeStore::open(dataDir_, limits_.store);
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
    // A directory that is there must be one the network key signed: a node that announced
    // itself ready over a forged or damaged one would route nothing. One not written yet is
    // fine (tandem-localnet signs it once it knows every node's key); it is read when it comes.
    if (directory() == nullptr && QFileInfo::exists(directoryFile_)) {
        *error = QStringLiteral("the directory %1 is not one the network key signed (%2)")
                     .arg(directoryFile_, directoryProblem_);
        server_.close();
        housekeeping_.stop();
        return false;
    }
    return true;
}

// ---- connections ----------------------------------------------------------------------------

void NodeServer::onNewConnection() {
    while (QTcpSocket* socket = server_.nextPendingConnection()) {
        const QHostAddress address = socket->peerAddress();
        if (!gate_.admit(address)) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        auto* c = new Connection;
        c->address = address;
        if (audit_) {
            c->peer = socket->peerAddress().toString();
            audit("connection", c->peer, {{QStringLiteral("port"), socket->peerPort()}});
        }
        c->channel = SecureChannel::server(socket, onionKey_, this);
        if (limits_.idleTimeoutMs != SecureChannel::kIdleTimeoutMs) {
            c->channel->setIdleTimeout(limits_.idleTimeoutMs);
        }
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
    gate_.release(c->address);
    c->channel->deleteLater();
    delete c;
}

void NodeServer::send(QPointer<SecureChannel> channel, std::uint64_t requestId, NodeReply reply) {
    reply.set_request_id(requestId);
    delay_->run(
        [channel, data = qbytes(reply.SerializeAsString()), limit = limits_.maxPendingWriteBytes] {
            if (channel && channel->pendingWriteBytes() > limit) {
                channel->close(QStringLiteral("the peer does not read its replies"));
                return;
            }
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
        case NodeRequest::kReplicateBlob:
        case NodeRequest::kReplicateDelete:
            break;
        default:
            return reply(errorReply(NodeError::MALFORMED, QStringLiteral("unknown request")));
    }
    // From another node: only a member of the swarm concerned, proven by its signature.
    const NodeDirectory* dir = directory();
    const auto member = dir != nullptr ? MemberProof::verify(request, *dir, now()) : std::nullopt;
    if (!member) {
        return reply(
            errorReply(NodeError::UNAUTHORIZED,
                       QStringLiteral("only a node of the directory, signing, replicates")));
    }
    switch (request.body_case()) {
        case NodeRequest::kReplicate:
            return handleReplicate(request.replicate(), *member, c->peer, std::move(reply));
        case NodeRequest::kReplicateBlob:
            return handleReplicateBlob(request.replicate_blob(), *member, c->peer,
                                       std::move(reply));
        default:
            return handleReplicateDelete(request.replicate_delete(), *member, c->peer,
                                         std::move(reply));
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
        directoryProblem_ = QStringLiteral("it cannot be read, or is too large");
        if (file.open(QIODevice::ReadOnly) &&
            file.size() <= static_cast<qint64>(NodeDirectory::kMaxBytes)) {
            const QByteArray bytes = file.readAll();
            auto verified = NodeDirectory::verify(
                crypto::ByteView(
                    reinterpret_cast<const std::uint8_t*>(bytes.constData()),  // NOLINT
                    static_cast<std::size_t>(bytes.size())),
                networkKey_);
            if (!verified) {
                directoryProblem_ = verified.error();
                qCWarning(lcNode) << "ignoring the directory" << directoryFile_ << ":"
                                  << verified.error();
            } else {
                directoryProblem_.clear();
                if (!directory_ || verified->version >= directory_->version) {
                    directory_ = std::move(verified).value();
                    directoryBytes_ = bytes;
                }
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

}  // namespace tandem::transport::onion
