// RelayServer: Signal mode's relay (tandem-relayd). Accounts by phone number, prekeys,
// store-and-forward mailboxes pushed to connected recipients, sealed-sender delivery,
// sender certificates, and a blob store — over SecureChannel, on one event-loop thread.
//
// Durability: a send is acknowledged only after it is committed (synchronous=FULL). Sends
// and acknowledgements that arrive in one turn of the event loop are committed together
// (group commit), so the relay is both durable and fast. A queued envelope is deleted only
// when its recipient acknowledges it; delivery is at least once.
//
// Bad input: a frame that does not parse, a request over a limit, a flood or a client that
// does not read its deliveries gets an Error frame and its connection is closed; nothing
// else is disturbed. Every limit is in RelayLimits.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include <QElapsedTimer>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QTimer>

#include "crypto/Primitives.h"
#include "tandem/relay.pb.h"
#include "transport/SecureChannel.h"
#include "transport/daemon/ConnectionGate.h"
#include "transport/relay/server/BlobStore.h"
#include "transport/relay/server/CodeRequestLimiter.h"
#include "transport/relay/server/MailboxWriter.h"
#include "transport/relay/server/RegistrationLocks.h"
#include "transport/relay/server/RelayStore.h"

namespace tandem::transport {
class DelayLine;
class SecureChannel;
}  // namespace tandem::transport

namespace tandem::relay {

class CodeSender;

struct RelayLimits {
    daemon::ConnectionGate::Limits connections;  // in all and per client address
    // What a client that has not authenticated may send in one frame: a sealed send and its
    // framing (blobs and prekeys need an account).
    quint32 maxUnauthenticatedFrameBytes = 300 * 1024 + 16 * 1024;
    qint64 maxEnvelopeBytes = 300 * 1024;
    qint64 maxQueuedPerAccount = 50000;
    qint64 maxQueuedBytesPerAccount = 256LL * 1024 * 1024;  // a mailbox's envelopes, together
    qint64 maxBlobBytes = 8 * 1024 * 1024;
    qint64 maxBlobChunk = 512 * 1024;
    qint64 maxBlobBytesTotal = 4LL * 1024 * 1024 * 1024;  // every blob together (BlobStore.h)
    int maxPreKeysPerUpload = 100;
    int maxPreKeysStored = 200;
    // A bundle fetch that leaves an account fewer one-time prekeys than this tells its
    // connections (PreKeysLow), so a client being drained uploads more at once.
    int preKeysLowWater = 20;
    int maxAcksPerFrame = 1000;
    int maxLookupPerRequest = 50;
    int lookupsPerHour = 500;                 // per account, bundles included
    CodeRequestLimiter::Limits codeRequests;  // per number, per address, in all
    int authFailuresBeforeClose = 5;
    double requestsPerSecond = 20000;  // per connection, sustained
    double requestBurst = 40000;
    qint64 maxPendingWriteBytes = 32 * 1024 * 1024;  // a client that does not read is dropped
    qint64 defaultTtlMs = 14LL * 24 * 3600 * 1000;
    qint64 maxTtlMs = 30LL * 24 * 3600 * 1000;
    int deliveryBatch = 256;
    // A delivery frame's envelopes, in bytes: far below SecureChannel::kMaxFrameBytes (what a
    // client accepts), so any backlog of maximum-size envelopes drains.
    qint64 maxDeliveryBytes = 2 * 1024 * 1024;
    qint64 certificateLifetimeMs = 24LL * 3600 * 1000;
    qint64 codeLifetimeMs = 10LL * 60 * 1000;
    int linkDelayMs = 0;  // emulated delay on every client link, each direction (localnet)
    // A connection that sent nothing, not even a keep-alive, for this long is closed.
    int idleTimeoutMs = transport::SecureChannel::kIdleTimeoutMs;
};

class RelayServer : public QObject {
    Q_OBJECT
public:
    RelayServer(QString dataDir, CodeSender* codes, RelayLimits limits = {},
                QObject* parent = nullptr);
    ~RelayServer() override;

    // Loads (or creates) the relay key and the store, then listens.
    bool start(const QHostAddress& host, quint16 port, QString* error);
    [[nodiscard]] quint16 port() const { return server_.serverPort(); }
    [[nodiscard]] const crypto::PublicKey& identityKey() const { return identity_->publicKey; }
    [[nodiscard]] int connectionCount() const { return static_cast<int>(connections_.size()); }

private:
    struct Connection;
    struct PendingSend;

    void onNewConnection();
    void onFrame(Connection* c, const QByteArray& bytes);
    void reply(Connection* c, std::uint64_t requestId, proto::relay::ServerFrame& frame,
               bool flushNow = false);
    void push(Connection* recipient, const NewEnvelope& envelope);
    void replyError(Connection* c, std::uint64_t requestId, proto::relay::Error::Code code,
                    const QString& message);
    void dropConnection(Connection* c, proto::relay::Error::Code code, const QString& message);
    void forget(Connection* c);
    bool allow(Connection* c);

    void handleRequestCode(Connection* c, std::uint64_t id, const proto::relay::RequestCode& r);
    void handleRegister(Connection* c, std::uint64_t id, const proto::relay::Register& r);
    void handleAuthenticate(Connection* c, std::uint64_t id, const proto::relay::Authenticate& r);
    void handleSetRegistrationLock(Connection* c, std::uint64_t id,
                                   const proto::relay::SetRegistrationLock& r);
    void handleUploadPreKeys(Connection* c, std::uint64_t id, const proto::relay::UploadPreKeys& r);
    void handleFetchBundle(Connection* c, std::uint64_t id, const proto::relay::FetchBundle& r);
    void handleLookup(Connection* c, std::uint64_t id, const proto::relay::Lookup& r);
    void handleCertificate(Connection* c, std::uint64_t id);
    void handleSend(Connection* c, std::uint64_t id, const proto::relay::SendSealed& r);
    void handleAck(Connection* c, const proto::relay::Ack& r);
    void handlePutBlob(Connection* c, std::uint64_t id, const proto::relay::PutBlob& r);
    void handleGetBlob(Connection* c, std::uint64_t id, const proto::relay::GetBlob& r);

    bool spendLookup(std::int64_t account, int cost);
    void scheduleFlush();
    void flush();
    void onCommitted(bool ok, const std::map<std::int64_t, QueueSize>& deleted);
    void reloadQueueCounts();
    void drain(Connection* c);
    void purge();
    std::int64_t now() const;

    QString dataDir_;
    CodeSender* codes_;
    RelayLimits limits_;
    QTcpServer server_;
    daemon::ConnectionGate gate_;
    std::optional<crypto::Ed25519KeyPair> identity_;
    std::optional<crypto::X25519KeyPair> channelKey_;
    std::unique_ptr<RelayStore> store_;
    std::unique_ptr<RegistrationLocks> locks_;  // on store_'s database
    std::unique_ptr<BlobStore> blobs_;
    std::set<Connection*> connections_;
    std::map<const transport::SecureChannel*, Connection*> byChannel_;
    std::multimap<std::int64_t, Connection*> byAccount_;
    std::map<std::int64_t, QueueSize> queueCounts_;
    CodeRequestLimiter codeRequests_;
    std::map<std::int64_t, std::vector<std::int64_t>> lookups_;
    std::unique_ptr<MailboxWriter> writer_;
    std::vector<PendingSend> pendingSends_;  // the next batch
    std::vector<std::pair<std::int64_t, std::int64_t>> pendingAcks_;
    std::vector<PendingSend> committingSends_;  // the batch the writer is committing
    std::vector<std::pair<std::int64_t, std::int64_t>> committingAcks_;
    bool flushScheduled_ = false;
    bool storeFailing_ = false;  // the last commit failed: sends are refused until one works
    QTimer retryCommit_;
    QTimer purgeTimer_;
    transport::DelayLine* delay_;
};

}  // namespace tandem::relay
