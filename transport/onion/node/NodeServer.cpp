#include "transport/onion/node/NodeServer.h"

#include <sodium.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTcpSocket>

#include "crypto/QtBytes.h"
#include "transport/SecureChannel.h"
#include "transport/Transport.h"
#include "transport/daemon/DaemonData.h"
#include "transport/onion/node/AuditLog.h"
#include "transport/onion/node/DirectoryFile.h"
#include "transport/onion/node/LongPolls.h"
#include "transport/onion/node/MemberProof.h"
#include "transport/onion/node/NodeStore.h"
#include "transport/onion/node/OnionHop.h"
#include "transport/onion/node/Replicator.h"
#include "transport/onion/node/SwarmBlobs.h"
#include "transport/onion/node/SwarmRecords.h"
#include "transport/onion/node/SwarmService.h"

namespace tandem::transport::onion {

using proto::node::NodeError;
using proto::node::NodeReply;
using proto::node::NodeRequest;

namespace {

// One connection to a node and what the node keeps for it.
struct NodeClient : daemon::ClientConnection {
    int malformed = 0;  // unreadable requests so far
};

}  // namespace

struct NodeServer::Parts {
    Parts(std::unique_ptr<NodeStore> nodeStore, const QString& directoryPath,
          const crypto::PublicKey& networkKey, const crypto::Ed25519KeyPair& identity,
          const crypto::X25519KeyPair& onionKey, NodeLinkPool& links, AuditLog* audit,
          const NodeLimits& limits)
        : store(std::move(nodeStore)),
          directory(directoryPath, networkKey, identity.publicKey),
          replicator(links, identity, limits.replicateTimeoutMs),
          polls(*store, limits.maxPollsPerRecipient, limits.maxPolls),
          blobs(*store, directory, replicator, audit),
          records(*store, directory, replicator, audit),
          swarm(*store, directory, replicator, polls, blobs, records, audit, limits),
          // Long enough for a long-poll held at the destination.
          hop(onionKey, directory, links, swarm, audit, limits.maxWaitMs + 5000) {}

    std::unique_ptr<NodeStore> store;
    DirectoryFile directory;
    Replicator replicator;
    LongPolls polls;
    SwarmBlobs blobs;
    SwarmRecords records;
    SwarmService swarm;
    OnionHop hop;
};

NodeServer::NodeServer(QString dataDir, QString directoryFile, const crypto::PublicKey& networkKey,
                       NodeLimits limits, QObject* parent)
    : QObject(parent),
      dataDir_(std::move(dataDir)),
      directoryPath_(std::move(directoryFile)),
      networkKey_(networkKey),
      limits_(limits),
      clients_(limits.clients, lcNode, QStringLiteral("the peer does not read its replies")) {
    daemon::ClientConnections::Handlers handlers;
    handlers.make = [] { return std::make_unique<NodeClient>(); };
    handlers.opened = [this](daemon::ClientConnection& c) {
        if (const QTcpSocket* socket = c.channel()->socket(); audit_ && socket != nullptr) {
            AuditLog::note(audit_.get(), "connection", peerOf(c),
                           {{QStringLiteral("port"), socket->peerPort()}});
        }
    };
    handlers.frame = [this](daemon::ClientConnection& c, const QByteArray& frame) {
        onFrame(c, frame);
    };
    handlers.overRate = [this](daemon::ClientConnection& c, const QByteArray& frame) {
        onOverRate(c, frame);
    };
    clients_.setHandlers(std::move(handlers));
    housekeeping_.setInterval(30 * 1000);
    connect(&housekeeping_, &QTimer::timeout, this, [this] {
        if (parts_) {
            const std::int64_t now = QDateTime::currentMSecsSinceEpoch();
            parts_->store->purgeExpired(now);
            parts_->records.purge(now);
            parts_->hop.purge();
        }
    });
}

NodeServer::~NodeServer() {
    links_.clear();  // their callbacks reach into this server: forgotten, not called
    if (parts_) {
        parts_->polls.clear();
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

QString NodeServer::peerOf(const daemon::ClientConnection& c) const {
    return audit_ ? c.address().toString() : QString();  // for the audit log only
}

Expected<crypto::Ed25519KeyPair, QString> NodeServer::loadIdentity(const QString& dataDir) {
    if (!QDir(dataDir).exists()) {
        if (!QDir().mkpath(dataDir)) {
            return unexpected(QStringLiteral("cannot create %1").arg(dataDir));
        }
        QFile::setPermissions(dataDir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }
    // The node's identity: a 32-byte Ed25519 seed. Its X25519 form is the onion key that
    // peels layers and authenticates the channel; the directory lists both.
    auto seed = daemon::loadOrCreateSecret(
        dataDir + QStringLiteral("/node.key"), 32,
        [] {
            SecretBytes fresh(32);
            randombytes_buf(fresh.data(), fresh.size());
            return fresh;
        },
        QStringLiteral("node key"));
    if (!seed) {
        return unexpected(std::move(seed).error());
    }
    return crypto::Ed25519KeyPair::fromSeed(seed->span());
}

bool NodeServer::start(const QHostAddress& host, quint16 port, QString* error) {
    if (!QDir().mkpath(dataDir_)) {
        *error = QStringLiteral("cannot create %1").arg(dataDir_);
        return false;
    }
    QFile::setPermissions(dataDir_, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    auto identity = loadIdentity(dataDir_);
    if (!identity) {
        *error = identity.error();
        return false;
    }
    identity_ = std::move(identity).value();
    onionKey_ = identity_.toX25519();
    auto store = NodeStore::open(dataDir_, limits_.store);
    if (!store) {
        *error = store.error();
        return false;
    }
    parts_ = std::make_unique<Parts>(std::move(store).value(), directoryPath_, networkKey_,
                                     identity_, onionKey_, links_, audit_.get(), limits_);
    parts_->store->purgeExpired(QDateTime::currentMSecsSinceEpoch());
    parts_->records.purge(QDateTime::currentMSecsSinceEpoch());
    if (!clients_.listen(host, port, onionKey_, error)) {
        return false;
    }
    links_.setLocalAddress(host);
    housekeeping_.start();
    // A directory that is there must be one the network key signed: a node that announced
    // itself ready over a forged or damaged one would route nothing. One not written yet is
    // fine (tandem-localnet signs it once it knows every node's key); it is read when it comes.
    if (parts_->directory.current() == nullptr && QFileInfo::exists(directoryPath_)) {
        *error = QStringLiteral("the directory %1 is not one the network key signed (%2)")
                     .arg(directoryPath_, parts_->directory.problem());
        clients_.stopListening();
        housekeeping_.stop();
        return false;
    }
    return true;
}

bool NodeServer::reconfigure(const NodeLimits& limits, const QString& directoryFile,
                             QString* error) {
    if (directoryFile != directoryPath_ && QFileInfo::exists(directoryFile)) {
        QFile file(directoryFile);
        if (!file.open(QIODevice::ReadOnly) ||
            file.size() > static_cast<qint64>(NodeDirectory::kMaxBytes)) {
            *error = QStringLiteral("cannot read the directory %1").arg(directoryFile);
            return false;
        }
        const QByteArray bytes = file.readAll();
        const auto verified = NodeDirectory::verify(
            crypto::ByteView(reinterpret_cast<const std::uint8_t*>(bytes.constData()),  // NOLINT
                             static_cast<std::size_t>(bytes.size())),
            networkKey_);
        if (!verified) {
            *error = QStringLiteral("the directory %1 is not one the network key signed (%2)")
                         .arg(directoryFile, verified.error());
            return false;
        }
    }
    const int linkDelayMs = limits_.clients.linkDelayMs;
    limits_ = limits;  // SwarmService reads it by reference
    limits_.clients.linkDelayMs = linkDelayMs;
    clients_.setLimits(limits.clients);
    directoryPath_ = directoryFile;
    if (parts_) {
        parts_->store->setLimits(limits.store);
        parts_->directory.setPath(directoryFile);
    }
    return true;
}

// ---- frames ---------------------------------------------------------------------------------

void NodeServer::send(const QPointer<SecureChannel>& channel, std::uint64_t requestId,
                      NodeReply reply) {
    reply.set_request_id(requestId);
    // To the kernel now: a long-poll's answer is sent just before a commit that holds the
    // event loop for an fsync, and must not wait behind it.
    clients_.send(channel, crypto::qbytes(reply.SerializeAsString()), true);
}

void NodeServer::onOverRate(daemon::ClientConnection& c, const QByteArray& bytes) {
    // Refused one by one, not by closing: a link from another node carries many clients'
    // requests, and one client over its rate must not break the others'.
    NodeRequest request;
    (void)request.ParseFromArray(bytes.constData(), static_cast<int>(bytes.size()));
    send(c.channel(), request.request_id(),
         errorReply(NodeError::RATE_LIMITED, QStringLiteral("too many requests")));
}

void NodeServer::onFrame(daemon::ClientConnection& c, const QByteArray& bytes) {
    const QPointer<SecureChannel> channel(c.channel());
    NodeRequest request;
    if (!request.ParseFromArray(bytes.constData(), static_cast<int>(bytes.size())) ||
        request.body_case() == NodeRequest::BODY_NOT_SET) {
        send(channel, request.request_id(),
             errorReply(NodeError::MALFORMED, QStringLiteral("the request cannot be read")));
        // Every connection is a NodeClient (the handlers' `make`).
        if (++static_cast<NodeClient&>(c).malformed >= limits_.maxMalformedBeforeClose) {
            clients_.close(c, QStringLiteral("too many unreadable requests"));
        }
        return;
    }
    const std::uint64_t id = request.request_id();
    NodeLink::Callback reply = [this, channel, id](const NodeReply& r) { send(channel, id, r); };
    switch (request.body_case()) {
        case NodeRequest::kOnion:
            return parts_->hop.handle(request.onion(), peerOf(c), std::move(reply));
        case NodeRequest::kReplicate:
        case NodeRequest::kReplicateBlob:
        case NodeRequest::kReplicateRecord:
        case NodeRequest::kReplicateDelete:
            break;
        default:
            return reply(errorReply(NodeError::MALFORMED, QStringLiteral("unknown request")));
    }
    // From another node: only a member of the swarm concerned, proven by its signature.
    const NodeDirectory* dir = parts_->directory.current();
    const auto member =
        dir != nullptr ? MemberProof::verify(request, *dir, QDateTime::currentMSecsSinceEpoch())
                       : std::nullopt;
    if (!member) {
        return reply(
            errorReply(NodeError::UNAUTHORIZED,
                       QStringLiteral("only a node of the directory, signing, replicates")));
    }
    // A replica confirms what is on its disk: the answers wait for the commit's sync (a
    // message's, in SwarmService::replicate itself).
    switch (request.body_case()) {
        case NodeRequest::kReplicate:
            return parts_->swarm.replicate(request.replicate(), *member, peerOf(c),
                                           std::move(reply));
        case NodeRequest::kReplicateBlob:
            return parts_->blobs.replicate(request.replicate_blob(), *member, peerOf(c),
                                           parts_->swarm.afterDurable(std::move(reply)));
        case NodeRequest::kReplicateRecord:
            return parts_->records.replicate(request.replicate_record(), *member, peerOf(c),
                                             parts_->swarm.afterDurable(std::move(reply)));
        default:
            return parts_->swarm.replicateDelete(request.replicate_delete(), *member, peerOf(c),
                                                 parts_->swarm.afterDurable(std::move(reply)));
    }
}

}  // namespace tandem::transport::onion
