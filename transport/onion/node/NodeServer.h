// NodeServer: Session mode's service node (tandem-node). One process per node, with its data
// folder: its Ed25519 identity (node.key; the X25519 form is its onion and channel key) and its
// swarm storage (node.db, NodeStore).
//
// - Onion hop: a client or the previous hop sends an onion layer (NodeRequest.onion). The node
//   peels it (crypto/Onion.h), refuses a layer whose ephemeral key it has seen (replay cache,
//   kReplayWindowMs), and either forwards the rest to the next hop — which must be in the
//   signed directory — or, as the destination, serves the SwarmRequest inside. Replies go
//   back the same way, sealed under each hop's layer key.
// - Destination: store (for a Session ID whose swarm this node is in; replicated to the
//   other members before it answers, and it says how many confirmed), retrieve and delete
//   (signed by the owner, OwnerAuth.h; a delete is passed on to the other members as the
//   owner's signed request, each checks the signature, before it answers), retrieve as a long-poll
//   (held until a message for the ID is stored here or wait_ms passes), and the signed directory.
// - The onion file store (Blob.h): a blob is stored by the members of the swarm nearest its
//   id, checked against its hash, replicated to the other members before it answers, and
//   handed out by any member.
// - The directory comes from a file (written by tandem-localnet or an operator) signed by the
//   network key; the node re-reads it when the file changes, and keeps the highest version.
// - Bad input: an unreadable frame or layer gets an error reply; a request over the
//   connection's rate is refused (not the connection: node-to-node links carry many clients);
//   a connection sending unreadable frames repeatedly is dropped; others are not disturbed.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QTimer>

#include "crypto/Primitives.h"
#include "tandem/node.pb.h"
#include "transport/SecureChannel.h"
#include "transport/daemon/ConnectionGate.h"
#include "transport/onion/Directory.h"
#include "transport/onion/NodeLink.h"
#include "transport/onion/node/AuditLog.h"
#include "transport/onion/node/NodeStore.h"

namespace tandem::transport {
class SecureChannel;
class DelayLine;
}  // namespace tandem::transport

namespace tandem::transport::onion {

struct NodeLimits {
    daemon::ConnectionGate::Limits connections;  // in all and per address (nodes and clients)
    // A connection that sent nothing, not even a keep-alive, for this long is closed.
    int idleTimeoutMs = SecureChannel::kIdleTimeoutMs;
    // A peer that does not read its replies is dropped once this much waits to be written.
    qint64 maxPendingWriteBytes = 32 * 1024 * 1024;
    double requestsPerSecond = 2000;  // per connection, token bucket
    double requestBurst = 4000;
    int maxMalformedBeforeClose = 5;
    int maxWaitMs = 25000;  // longest long-poll
    int maxPollsPerRecipient = 4;
    int maxPolls = 2000;
    int replicateTimeoutMs = 3000;
    int linkDelayMs = 0;    // emulated delay on every incoming frame and reply
    NodeStoreLimits store;  // what the node keeps: messages and bytes per Session ID and in all
    static constexpr qint64 kReplayWindowMs = 10 * 60 * 1000;
    static constexpr std::size_t kMaxReplayEntries = 200'000;
};

class NodeServer : public QObject {
    Q_OBJECT
public:
    NodeServer(QString dataDir, QString directoryFile, const crypto::PublicKey& networkKey,
               NodeLimits limits = {}, QObject* parent = nullptr);
    ~NodeServer() override;

    // Test instrumentation (AuditLog.h): records full Session IDs and peer addresses, never
    // to be on outside tests. Call before start().
    bool enableAudit(const QString& path, QString* error);
    // Listens on host:port; links to other nodes connect from `host` too (unless it is an
    // any-address), so a node's peers see the node's own address.
    bool start(const QHostAddress& host, quint16 port, QString* error);
    [[nodiscard]] quint16 port() const { return server_.serverPort(); }
    [[nodiscard]] const crypto::PublicKey& identityKey() const { return identity_.publicKey; }

private:
    struct Connection;
    struct Poll;
    using Reply = std::function<void(const proto::node::NodeReply&)>;

    void onNewConnection();
    void forget(Connection* c);
    void onFrame(Connection* c, const QByteArray& frame);
    void send(QPointer<SecureChannel> channel, std::uint64_t requestId,
              proto::node::NodeReply reply);
    void handleOnion(const std::string& layer, const QString& peer, Reply reply);
    void handleReplicate(const proto::node::Replicate& r, const NodeInfo& member,
                         const QString& peer, Reply reply);
    void serve(const proto::node::SwarmRequest& request, const QString& peer,
               std::function<void(proto::node::SwarmReply)> answer);
    void serveStore(const proto::node::StoreMessage& r, const QString& peer,
                    std::function<void(proto::node::SwarmReply)> answer);
    void serveRetrieve(const proto::node::RetrieveMessages& r,
                       std::function<void(proto::node::SwarmReply)> answer);
    void serveDelete(const proto::node::DeleteMessages& r, const QString& peer,
                     std::function<void(proto::node::SwarmReply)> answer);
    void handleReplicateDelete(const proto::node::DeleteMessages& r, const NodeInfo& member,
                               const QString& peer, Reply reply);
    Expected<int, proto::node::NodeError> deleteAsOwner(const proto::node::DeleteMessages& r);
    // `copy` to every one of `others`; `answer` gets `reply` once each has replied or timed
    // out, with the number that confirmed set by `setReplicas` (at once if there are none).
    void replicateThenAnswer(
        const std::vector<NodeInfo>& others, const proto::node::NodeRequest& copy,
        proto::node::SwarmReply reply,
        std::function<void(proto::node::SwarmReply&, std::uint32_t)> setReplicas,
        std::function<void(proto::node::SwarmReply)> answer);
    void wakePolls(const QString& recipient);
    const NodeDirectory* directory();
    bool inSwarmOf(const QString& sessionId, std::vector<NodeInfo>* others);
    bool inSwarmOfKey(const crypto::PublicKey& ringKey, std::vector<NodeInfo>* others);
    void serveStoreBlob(const proto::node::StoreBlob& r, const QString& peer,
                        std::function<void(proto::node::SwarmReply)> answer);
    void handleReplicateBlob(const proto::node::ReplicateBlob& r, const NodeInfo& member,
                             const QString& peer, Reply reply);
    void serveGetBlob(const proto::node::GetBlob& r,
                      std::function<void(proto::node::SwarmReply)> answer);
    bool seen(const crypto::PublicKey& ephemeral);
    void audit(const char* event, const QString& peer, QJsonObject fields = {});
    std::int64_t now() const { return QDateTime::currentMSecsSinceEpoch(); }

    QString dataDir_;
    QString directoryFile_;
    daemon::ConnectionGate gate_;
    crypto::PublicKey networkKey_{};
    NodeLimits limits_;
    QTcpServer server_;
    crypto::Ed25519KeyPair identity_;
    crypto::X25519KeyPair onionKey_;
    std::unique_ptr<NodeStore> store_;
    std::unique_ptr<AuditLog> audit_;  // null unless --audit (tests only)
    std::optional<NodeDirectory> directory_;
    QByteArray directoryBytes_;  // as signed, for GetDirectory
    QDateTime directoryModified_;
    QString directoryProblem_;  // why the file last read was not taken
    std::set<Connection*> connections_;
    NodeLinkPool links_{this};
    std::map<crypto::PublicKey, qint64> replay_;                    // ephemeral key → expiry
    std::deque<std::pair<qint64, crypto::PublicKey>> replayOrder_;  // in insertion order
    QElapsedTimer clock_;
    QTimer housekeeping_;
    std::multimap<QString, std::shared_ptr<Poll>> polls_;
    DelayLine* delay_;
};

}  // namespace tandem::transport::onion
