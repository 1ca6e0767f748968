// OnionTransport: Session mode's Transport over tandem-node.
//
// Every request goes through an onion path — a guard, a middle node and the destination —
// wrapped per hop (crypto/Onion.h); the reply comes back the same way. The client keeps two
// paths (guard + middle), alternates between them, and sends each request to a member of the
// destination's swarm at the end of one:
//  - the guard is kept across restarts (`guard` in, guardChanged() out) unless it stops
//    answering or is a member of our own swarm; middles and destinations are chosen at
//    random, never the guard's address;
//  - relays are kept out of the swarms that could tie our address to a Session ID: no guard
//    or middle in our own swarm (it stores our messages and would see our polls come in);
//    each path's two relays from one swarm, the two paths from two different swarms; and a
//    request goes through a path none of whose relays is a member of its destination's
//    swarm — with three swarms or more there always is one. Each is a preference: a network
//    too small for it (dead nodes) still gets paths, and with fewer than
//    kSwarmsToSpreadPaths swarms relays are drawn from every node (kept out of one swarm,
//    they would all be in the other, with the destinations);
//  - a path is tested before use (the directory is fetched through it);
//  - a failure through a path is a strike; three strikes, or a failed test, and the path is
//    rebuilt (the guard too if it was the guard that did not answer);
//  - a node found unreachable is a suspect for kSuspectMs, or until a request through it is
//    answered: the guard whose link failed, or both the middle and the destination when a
//    hop beyond the guard was unreachable (the error does not say which: a hop's text never
//    goes back to the hops before it). Paths, routes and members are chosen around suspects
//    where another will do, so a dead member of a recipient's swarm is not tried again and
//    again. (A hop that only stops answering is a timeout: a strike, not a suspect.);
//  - receiving is a long-poll at a member of this ID's own swarm (signed by the owner), so a
//    message arrives as soon as it is stored; acknowledged messages are deleted there. That
//    member is kept while it answers: polls and deletes go through a path around it.
// send() answers accepted once a swarm member confirmed the store (after its replication),
// or failed. A recipient's messages go one at a time, in order: one that fails through a path
// is tried on another path and member (kSendAttempts), and if it still fails it is reported
// with every message queued behind it, so nothing overtakes it. received() may repeat a
// message (another member, a restart): the core dedupes.
//
// Blobs (Blob.h): putBlob() refuses more than kMaxBlobBytes with TooLarge before anything is
// sent; otherwise the blob goes through a path to a member of the swarm nearest its id, which
// replicates it to the rest of the swarm before blobStored(BlobRef{id, size}). getBlob() asks
// a member of that swarm and checks the bytes against the id; a member without it (NOT_FOUND)
// or with other bytes is passed over for another, up to kSendAttempts; then NotFound.
// blobProgress() comes at the start (0) and the end (size) of each.
//
// Directory refresh: given the network key (setNetworkKey), the transport adopts a directory a
// node hands out — at every path test, and every kDirectoryRefreshMs through a path — if its
// signature verifies with that key and its version is higher than its own, and emits
// directoryChanged() with the signed bytes for the core to keep. Paths through nodes no
// longer listed are rebuilt. Without the network key nothing is adopted.
#pragma once

#include <deque>
#include <functional>
#include <optional>
#include <set>

#include <QElapsedTimer>
#include <QHash>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include "crypto/Primitives.h"
#include "tandem/node.pb.h"
#include "transport/Transport.h"
#include "transport/onion/Directory.h"
#include "transport/onion/NodeLink.h"

namespace tandem::transport::onion {

struct OnionIdentity {
    QString sessionId;
    crypto::Ed25519KeyPair ed25519;  // signs retrieve and delete
};

class OnionTransport : public Transport {
    Q_OBJECT
public:
    static constexpr int kPaths = 2;
    static constexpr std::size_t kSwarmsToSpreadPaths = 3;  // see "relays are kept out"
    static constexpr int kStrikesBeforeRebuild = 3;
    static constexpr int kPollWaitMs = 20000;
    static constexpr int kMaxQueuedSends = 20000;
    // Acknowledged messages waiting to be deleted at the swarm (a member, a path around it).
    static constexpr std::size_t kMaxPendingAcks = 20000;
    static constexpr int kSendAttempts = 3;
    static constexpr int kDirectoryRefreshMs = 10 * 60 * 1000;
    static constexpr std::int64_t kSuspectMs = 60 * 1000;

    OnionTransport(NodeDirectory directory, OnionIdentity identity,
                   std::optional<crypto::PublicKey> guard = std::nullopt,
                   QObject* parent = nullptr);
    ~OnionTransport() override;

    [[nodiscard]] TransportStatus status() const override { return status_; }
    void start() override;
    void stop() override;
    void send(const OutgoingEnvelope& envelope) override;
    void acknowledge(const QByteArray& serverId) override;
    void putBlob(const QByteArray& requestId, const QByteArray& ciphertext) override;
    void getBlob(const QByteArray& requestId, const BlobRef& ref) override;

    // Receiving: 0 (the default) long-polls, so a message arrives as soon as our swarm has
    // it; a positive interval polls like Session's clients do (desktop 5 s, mobile 1.5–2 s)
    // — kept for comparing the two (onion_bench), not what Tandem uses.
    void setPollInterval(int ms) { pollIntervalMs_ = std::max(0, ms); }
    // Where things go now: the member of our swarm we receive from, and the member a
    // recipient's messages are stored at (nullopt before the first poll or send).
    [[nodiscard]] std::optional<QString> pollAddress() const;
    [[nodiscard]] std::optional<QString> routeAddress(const QString& recipient) const;
    // The hops a recipient's messages take now: guard, middle, swarm member (empty before the
    // first send to them). Latency samples record it (docs/latency.md).
    [[nodiscard]] QStringList routeHops(const QString& recipient) const;
    // For diagnostics (tests): paths ready, sends queued and in flight, whether a poll is out.
    [[nodiscard]] QString stateForDiagnostics() const;
    // Every recipient's route, as "guard>middle>member".
    [[nodiscard]] QHash<QString, QString> routes() const;

    // Resume receiving after this hash (the last one the core committed), e.g. after a
    // restart, at the member it came from (`IncomingEnvelope::source`): each member orders
    // messages its own way, so a hash is a bookmark only there; another member is read from
    // its beginning (the core drops what it already has).
    void setLastSeen(const QByteArray& hash, const QString& member) {
        lastSeen_ = hash;
        lastSeenAt_ = member;
    }
    [[nodiscard]] bool isReady() const { return readyPaths() > 0; }
    // The guards of the paths built so far (tested or not), path order.
    [[nodiscard]] std::vector<NodeInfo> guards() const;

    // The key that signs directories: without it no fetched directory is adopted.
    void setNetworkKey(const crypto::PublicKey& networkKey) { networkKey_ = networkKey; }
    // How often the directory is fetched through a path (default kDirectoryRefreshMs).
    void setDirectoryRefreshInterval(int ms);
    // Fetches the directory now (through a path, from a random node).
    void refreshDirectory();
    [[nodiscard]] const NodeDirectory& directory() const { return directory_; }

signals:
    void guardChanged(const crypto::PublicKey& guard);
    // The hash to resume from after this message once the core has committed it.
    void lastSeenChanged(const QByteArray& hash);
    // A newer directory, verified with the network key, was adopted: its signed bytes.
    void directoryChanged(const QByteArray& signedDirectory);

private:
    struct Path {
        NodeInfo guard;
        NodeInfo middle;
        std::uint64_t generation = 0;  // callbacks for an older path in this slot are ignored
        bool tested = false;
        bool testing = false;
        int strikes = 0;
    };
    std::uint64_t nextGeneration_ = 1;
    using Answer = std::function<void(Expected<proto::node::SwarmReply, TransportError>)>;

    void buildPath(int index, bool newGuard);
    void testPath(int index);
    int readyPaths() const;
    // The next tested path in turn, none of whose relays (guard, middle) is `avoidRelay`;
    // one with no suspect relay first, then (given `awayFrom`, the destination's swarm) one
    // whose relays are not members of that swarm.
    std::optional<int> pickPath(const QString& avoidRelay = {},
                                std::optional<std::uint64_t> awayFrom = std::nullopt);
    // The swarm that keeps our own Session ID's messages.
    [[nodiscard]] std::optional<std::uint64_t> ownSwarm() const;
    [[nodiscard]] bool isSuspect(const QString& address) const;
    enum class Failure { Strike, Unreachable, Guard };
    void strike(int index, Failure failure);
    // Through path `index` to `destination`.
    void request(int index, const NodeInfo& destination, const proto::node::SwarmRequest& request,
                 int timeoutMs, Answer answer);
    void flushSends();
    void pump(const QString& recipient);
    void sendNow(const OutgoingEnvelope& envelope, int attempt);
    void finishFront(const QString& recipient, std::optional<TransportError> error);
    void poll();
    void flushAcks();
    void scheduleAckFlush();
    void updateStatus();
    void adoptDirectory(const std::string& signedDirectory);
    struct BlobOp {
        QByteArray requestId;
        bool put = false;
        QByteArray id;
        QByteArray data;  // put: the ciphertext
        std::int64_t size = 0;
        int attempt = 0;          // requests made
        int reroutes = 0;         // paths rebuilt because their hops were the members left to ask
        std::set<QString> tried;  // members that did not have it, or did not answer
        std::optional<TransportError> lastError;
    };
    void runBlob(BlobOp op);
    void blobDone(const BlobOp& op, Expected<proto::node::SwarmReply, TransportError> reply);
    // A node at random, none of `avoidAddresses`, in `inSwarm` if given; not a suspect
    // unless only suspects are left. `preferences`, strongest first: the first that some
    // node passes is required (none passed: any node will do).
    using NodeFilter = std::function<bool(const NodeInfo&)>;
    std::optional<NodeInfo> randomNode(const std::set<QString>& avoidAddresses,
                                       std::optional<std::uint64_t> inSwarm,
                                       const std::vector<NodeFilter>& preferences = {}) const;

    NodeDirectory directory_;
    std::optional<crypto::PublicKey> networkKey_;
    QTimer refreshTimer_;
    OnionIdentity identity_;
    std::optional<crypto::PublicKey> preferredGuard_;
    std::vector<std::optional<Path>> paths_;
    int nextPath_ = 0;
    bool running_ = false;
    bool polling_ = false;
    QByteArray lastSeen_;
    QString lastSeenAt_;                  // the member lastSeen_ belongs to
    QByteArray keptCursor_;               // acknowledged, not deleted: the bookmark at the member
    std::optional<NodeInfo> pollTarget_;  // the member of our swarm we receive from
    int pollIntervalMs_ = 0;              // 0: long-poll
    QTimer pollTimer_;
    QHash<QString, std::deque<OutgoingEnvelope>> outbox_;  // per recipient, in order
    QSet<QString> sending_;                                // recipients with one in flight
    int queued_ = 0;
    std::deque<BlobOp> blobsWaiting_;  // for a path
    QSet<QByteArray> blobsInFlight_;   // request ids on the wire (stop() fails them)
    std::vector<QByteArray> acks_;
    bool ackScheduled_ = false;
    NodeLinkPool links_{this};
    struct Route {
        int path = 0;
        crypto::PublicKey guard{};  // the route holds while its path keeps this guard
        NodeInfo destination;
    };
    QHash<QString, Route> routes_;
    void suspect(const QString& address);
    QHash<QString, qint64> suspects_;  // address → until (suspectClock_ ms)
    QElapsedTimer suspectClock_;       // monotonic: a clock set back does not prolong them
    TransportStatus status_;
    QTimer retryTimer_;
};

}  // namespace tandem::transport::onion
