// RelayTransport: Signal mode's Transport over tandem-relayd.
//
// Two channels, as Signal uses two sockets: an authenticated one that receives the account's
// mailbox and carries account requests, and an unauthenticated one for sealed-sender sends,
// so the relay cannot tie a send to the account that made it (a network observer can still
// correlate by address; see docs/relay.md). Both reconnect with exponential backoff (0.2 s
// doubling to 30 s, with jitter). Acknowledgements are batched per event-loop turn.
//
// A send with the recipient's access key goes sealed, on the unauthenticated connection. One
// without a key goes identified, on the authenticated connection (the relay then knows the
// sender and limits such sends per account). A sealed send the relay refuses as UNAUTHORIZED
// (the recipient rotated the key — blocked us, say — or we only had an old one) goes again
// once, identified, in its place; accessKeyRefused() says so once per recipient and key, and
// later sends with that key go identified at once.
//
// Sends leave in the order they were given, across both connections: a send goes on one
// connection only when no earlier send is still unanswered on the other (the relay reads the
// two independently); on one connection they are pipelined. So a send waiting for its
// connection holds back every later one. One that was on a connection when it was lost goes
// again, in its place, on the next connection (the recipient drops a second copy by its
// message uid); `failed` reports it only after kMaxSendAttempts lost connections, on a
// timeout, or when the relay refuses it. A refusal can still reorder two pipelined sends: a
// refused one goes again after a later one already on the wire was accepted (to another
// recipient, or to the same one with another key).
#pragma once

#include <deque>
#include <map>

#include <QPointer>
#include <QTimer>

#include "transport/Transport.h"
#include "transport/relay/RelayConnection.h"

namespace tandem::transport {

struct RelayCredentials {
    QString phone;
    QByteArray password;  // 32 bytes, from registration
};

class RelayTransport : public Transport {
    Q_OBJECT
public:
    static constexpr int kMaxQueuedSends = 20000;
    static constexpr int kMaxSendAttempts = 5;
    // The most a downloaded blob may hold (the relay stores at most 8 MiB a blob).
    static constexpr qint64 kMaxBlobDownloadBytes = 8 * 1024 * 1024;

    RelayTransport(RelayEndpoint endpoint, RelayCredentials credentials, QObject* parent = nullptr);
    ~RelayTransport() override;

    [[nodiscard]] TransportStatus status() const override { return status_; }
    void start() override;
    void stop() override;
    void send(const OutgoingEnvelope& envelope) override;
    void acknowledge(const QByteArray& serverId) override;
    void putBlob(const QByteArray& requestId, const QByteArray& ciphertext) override;
    void getBlob(const QByteArray& requestId, const BlobRef& ref) override;
    void putRecord(const QByteArray& requestId, const crypto::SignedRecord& record) override;
    void getRecord(const QByteArray& requestId, const QByteArray& address) override;

    // The authenticated connection, for account requests (prekeys, bundles, certificates);
    // nullptr until authenticated.
    [[nodiscard]] RelayConnection* control() const;
    [[nodiscard]] bool isAuthenticated() const { return authenticated_; }

    static QByteArray serverIdOf(std::uint64_t id);
    static std::optional<std::uint64_t> idOfServerId(const QByteArray& serverId);

signals:
    void authenticated();
    // The relay says the account's one-time prekeys are running out: upload more.
    void preKeysLow();
    // The relay refused the access key a send to `recipient` carried (the recipient rotated
    // it, or it was never theirs): the send went again identified; forget the key. Once per
    // recipient and key.
    void accessKeyRefused(const QString& recipient);

private:
    void openReceiving();
    void openSending();
    void scheduleReconnect(bool receiving);
    void setStatus(TransportStatus::State state, const QString& detail);
    void flushAcks();
    void flushSends();
    struct QueuedSend {
        std::uint64_t order = 0;  // the order send() was called in
        int attempts = 0;         // connections it was lost with
        bool identified = false;  // without the key, on the authenticated connection
        OutgoingEnvelope envelope;
    };
    // The connection a send of that kind goes on now, or nullptr.
    [[nodiscard]] RelayConnection* connectionFor(bool identified) const;
    void sendNow(QueuedSend send, RelayConnection* connection);
    void requeue(QueuedSend send);
    void onSendAnswered(QueuedSend send, const RelayReply& reply);
    // True the first time `key` is refused for `recipient`.
    bool noteRefused(const QString& recipient, const QByteArray& key);
    // `expected`: the size the caller was told (0: unknown); a relay that sends more, or
    // names another total, is refused before it can fill memory.
    void fetchBlobChunk(const QByteArray& requestId, const QString& blobId, std::uint64_t offset,
                        std::shared_ptr<QByteArray> data, std::int64_t expected);

    // A connection that closed on address `used`: the next one goes to the relay's next
    // address (once, however many of our connections failed there).
    void moveOn(std::size_t used);

    RelayEndpoint endpoint_;
    std::size_t address_ = 0;  // which of endpoint_'s addresses new connections use
    RelayCredentials credentials_;
    QPointer<RelayConnection> receiving_;
    QPointer<RelayConnection> sending_;
    bool running_ = false;
    bool authenticated_ = false;
    int receiveAttempts_ = 0;
    int sendAttempts_ = 0;
    TransportStatus status_;
    std::vector<std::uint64_t> acks_;
    bool ackScheduled_ = false;
    std::deque<QueuedSend> waiting_;  // by `order`
    std::uint64_t nextOrder_ = 0;
    int unansweredSealed_ = 0;      // sends on sending_ the relay has not answered
    int unansweredIdentified_ = 0;  // … on receiving_
    // The access key last refused per recipient: a send that carries it goes identified.
    std::map<QString, QByteArray> refusedKeys_;
    static constexpr std::size_t kMaxRefusedKeys = 10000;
};

}  // namespace tandem::transport
