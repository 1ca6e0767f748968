// RelayTransport: Signal mode's Transport over tandem-relayd.
//
// Two channels, as Signal uses two sockets: an authenticated one that receives the account's
// mailbox and carries account requests, and an unauthenticated one for sealed-sender sends,
// so the relay cannot tie a send to the account that made it (a network observer can still
// correlate by address; see docs/relay.md). Both reconnect with exponential backoff (0.2 s
// doubling to 30 s, with jitter). Acknowledgements are batched per event-loop turn.
#pragma once

#include <deque>

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

    RelayTransport(RelayEndpoint endpoint, RelayCredentials credentials, QObject* parent = nullptr);
    ~RelayTransport() override;

    [[nodiscard]] Kind kind() const override { return Kind::Relay; }
    [[nodiscard]] TransportStatus status() const override { return status_; }
    void start() override;
    void stop() override;
    void send(const OutgoingEnvelope& envelope) override;
    void acknowledge(const QByteArray& serverId) override;
    void putBlob(const QByteArray& requestId, const QByteArray& ciphertext) override;
    void getBlob(const QByteArray& requestId, const BlobRef& ref) override;

    // The authenticated connection, for account requests (prekeys, bundles, certificates);
    // nullptr until authenticated.
    [[nodiscard]] RelayConnection* control() const;
    [[nodiscard]] bool isAuthenticated() const { return authenticated_; }

    static QByteArray serverIdOf(std::uint64_t id);
    static std::optional<std::uint64_t> idOfServerId(const QByteArray& serverId);

signals:
    void authenticated();

private:
    void openReceiving();
    void openSending();
    void scheduleReconnect(bool receiving);
    void setStatus(TransportStatus::State state, const QString& detail);
    void flushAcks();
    void flushSends();
    void sendNow(const OutgoingEnvelope& envelope);
    void fetchBlobChunk(const QByteArray& requestId, const QString& blobId, std::uint64_t offset,
                        std::shared_ptr<QByteArray> data);

    RelayEndpoint endpoint_;
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
    std::deque<OutgoingEnvelope> waiting_;
};

}  // namespace tandem::transport
