// OnionTransport: Session mode's Transport over tandem-node.
//
// Every request goes through an onion path — a guard, a middle node and the destination —
// wrapped per hop (crypto/Onion.h); the reply comes back the same way. The client keeps two
// paths (guard + middle), alternates between them, and sends each request to a member of the
// destination's swarm at the end of one. This class is the facade; the parts are:
//  - NodeChooser: the directory held, our own swarm, suspects (a node found unreachable, for
//    NodeChooser::kSuspectMs or until a request through it is answered), random draws;
//  - OnionPaths: building, testing, choosing and striking the paths, and the requests through
//    them — the guard kept across restarts (`guard` in, guardChanged() out), relays kept out
//    of the swarms that could tie our address to a Session ID;
//  - OnionSender: send() answers accepted once a swarm member confirmed the store (after its
//    replication), or failed; a recipient's messages go one at a time, in order, each tried
//    on another path and member (OnionSender::kSendAttempts) before it is reported failed
//    with every message queued behind it, so nothing overtakes it;
//  - OnionPoller: receiving is a long-poll at a member of this ID's own swarm (signed by the
//    owner), so a message arrives as soon as it is stored; acknowledged messages are deleted
//    there. received() may repeat a message (another member, a restart): the core dedupes;
//  - OnionBlobClient: putBlob() and getBlob() (Blob.h), through a path to the swarm nearest
//    the blob's id;
//  - OnionRecordClient: putRecord() and getRecord() (crypto/SignedRecord.h), through a path to
//    the swarm nearest the record's address; a fetched record is verified before it is handed
//    on.
// A path that passes its test makes what waits go (sends, blobs, records) and starts the poll; a
// failed test or a failed poll is tried again shortly (the paths that are missing are built again).
//
// Directory refresh: given the network key (setNetworkKey), the transport adopts a directory a
// node hands out — at every path test, and every kDirectoryRefreshMs through a path — if its
// signature verifies with that key and its version is higher than its own, and emits
// directoryChanged() with the signed bytes for the core to keep. Paths through nodes no
// longer listed are rebuilt, routes are chosen again, and a member polled that is no longer
// listed in our swarm is left. Without the network key nothing is adopted.
#pragma once

#include <optional>

#include <QHash>
#include <QStringList>
#include <QTimer>

#include "crypto/Primitives.h"
#include "transport/Transport.h"
#include "transport/onion/Directory.h"
#include "transport/onion/NodeChooser.h"
#include "transport/onion/OnionBlobClient.h"
#include "transport/onion/OnionPaths.h"
#include "transport/onion/OnionPoller.h"
#include "transport/onion/OnionRecordClient.h"
#include "transport/onion/OnionSender.h"

namespace tandem::transport::onion {

class OnionTransport : public Transport {
    Q_OBJECT
public:
    static constexpr int kDirectoryRefreshMs = 10 * 60 * 1000;

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
    void putRecord(const QByteArray& requestId, const crypto::SignedRecord& record) override;
    void getRecord(const QByteArray& requestId, const QByteArray& address) override;

    // Receiving: 0 (the default) long-polls, so a message arrives as soon as our swarm has
    // it; a positive interval polls like Session's clients do (desktop 5 s, mobile 1.5–2 s)
    // — kept for comparing the two (onion_bench), not what Tandem uses.
    void setPollInterval(int ms) { poller_.setPollInterval(ms); }
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
        poller_.setLastSeen(hash, member);
    }
    [[nodiscard]] bool isReady() const { return paths_.ready() > 0; }
    // The guards of the paths built so far (tested or not), path order.
    [[nodiscard]] std::vector<NodeInfo> guards() const;

    // The key that signs directories: without it no fetched directory is adopted.
    void setNetworkKey(const crypto::PublicKey& networkKey) { networkKey_ = networkKey; }
    // How often the directory is fetched through a path (default kDirectoryRefreshMs).
    void setDirectoryRefreshInterval(int ms);
    // Fetches the directory now (through a path, from a random node).
    void refreshDirectory();
    [[nodiscard]] const NodeDirectory& directory() const { return nodes_.directory(); }

signals:
    void guardChanged(const crypto::PublicKey& guard);
    // The hash to resume from after this message once the core has committed it.
    void lastSeenChanged(const QByteArray& hash);
    // A newer directory, verified with the network key, was adopted: its signed bytes.
    void directoryChanged(const QByteArray& signedDirectory);

private:
    void onPathTested(const std::string& signedDirectory);
    void retry();
    void updateStatus();
    void adoptDirectory(const std::string& signedDirectory);

    OnionIdentity identity_;
    std::optional<crypto::PublicKey> networkKey_;
    NodeChooser nodes_;
    OnionPaths paths_;
    OnionSender sender_;
    OnionPoller poller_;
    OnionBlobClient blobs_;
    OnionRecordClient records_;
    bool running_ = false;
    TransportStatus status_;
    QTimer refreshTimer_;
    QTimer retryTimer_;
};

}  // namespace tandem::transport::onion
