// NodeServer: Session mode's service node (tandem-node). One process per node, with its data
// folder: its Ed25519 identity (node.key; the X25519 form is its onion and channel key) and its
// swarm storage (node.db, NodeStore).
//
// It loads the key, the store and the directory file, then wires the parts: connections (the
// daemons' daemon::ClientConnections), the onion hop (OnionHop: peel a layer, forward it or
// serve it), the destination (SwarmService: store, retrieve and long-polls, delete, the
// directory; SwarmBlobs: the onion file store; SwarmRecords: signed records), replication to the
// other members of a swarm (Replicator) and the signed directory (DirectoryFile). What it does
// itself is read each frame and hand it to the part that serves it.
//
// Bad input: an unreadable frame or layer gets an error reply; a request over the
// connection's rate is refused (not the connection: node-to-node links carry many clients);
// a connection sending unreadable frames repeatedly is dropped; others are not disturbed.
// A replicate (a message, a delete, a blob, a record) is taken only from a node of the directory
// that signs it (MemberProof) and is a member of the swarm concerned.
#pragma once

#include <memory>

#include <QDateTime>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <tandem/common/Expected.h>

#include "crypto/Primitives.h"
#include "tandem/node.pb.h"
#include "transport/daemon/ClientConnections.h"
#include "transport/onion/NodeLink.h"
#include "transport/onion/node/NodeLimits.h"

namespace tandem::transport::onion {

class AuditLog;

class NodeServer : public QObject {
    Q_OBJECT
public:
    NodeServer(QString dataDir, QString directoryFile, const crypto::PublicKey& networkKey,
               NodeLimits limits = {}, QObject* parent = nullptr);
    ~NodeServer() override;

    // The identity in DIR/node.key, made there (0600) if there is none: what start() uses, and
    // what an operator puts in the directory (tandem-node --print-identity).
    static Expected<crypto::Ed25519KeyPair, QString> loadIdentity(const QString& dataDir);

    // Test instrumentation (AuditLog.h): records full Session IDs and peer addresses, never
    // to be on outside tests. Call before start().
    bool enableAudit(const QString& path, QString* error);
    // Listens on host:port; links to other nodes connect from `host` too (unless it is an
    // any-address), so a node's peers see the node's own address.
    bool start(const QHostAddress& host, quint16 port, QString* error);
    [[nodiscard]] quint16 port() const { return clients_.port(); }
    [[nodiscard]] const crypto::PublicKey& identityKey() const { return identity_.publicKey; }
    // New limits and directory file (tandem-node's reload): the store's quotas apply to the
    // next message, the connection limits to the next connection. A directory file that exists
    // but is not one the network key signed is refused (false, nothing changed), as at start.
    bool reconfigure(const NodeLimits& limits, const QString& directoryFile, QString* error);

private:
    void onFrame(daemon::ClientConnection& c, const QByteArray& frame);
    void onOverRate(daemon::ClientConnection& c, const QByteArray& frame);
    void send(const QPointer<SecureChannel>& channel, std::uint64_t requestId,
              proto::node::NodeReply reply);
    [[nodiscard]] QString peerOf(const daemon::ClientConnection& c) const;

    QString dataDir_;
    QString directoryPath_;
    crypto::PublicKey networkKey_{};
    NodeLimits limits_;
    crypto::Ed25519KeyPair identity_;
    crypto::X25519KeyPair onionKey_;
    daemon::ClientConnections clients_;
    NodeLinkPool links_{this};
    std::unique_ptr<AuditLog> audit_;  // null unless --audit (tests only)
    struct Parts;  // the store and what serves requests, once start() has the key and store
    std::unique_ptr<Parts> parts_;
    QTimer housekeeping_;
};

}  // namespace tandem::transport::onion
