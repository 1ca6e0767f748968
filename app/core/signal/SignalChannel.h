// SignalChannel: Signal mode as a ModeChannel. It owns the RelayTransport and everything the
// relay protocol needs around sending and receiving: the sender certificate (fetched on
// connect, renewed an hour before it expires), prekeys (PreKeyPublisher: topped up on connect,
// when the relay says they run low, and when a PreKey message used one), contacts' account ids
// (AccountIdLookup), prekey bundles for new sessions, and sealing
// again what the relay refused or what would reach it with an expired certificate.
#pragma once

#include <map>
#include <set>

#include <QPointer>

#include "app/core/ModeChannel.h"
#include "app/core/signal/AccountIdLookup.h"
#include "app/core/signal/PreKeyPublisher.h"
#include "app/core/signal/SignalCodec.h"
#include "transport/relay/RelayAccountClient.h"
#include "transport/relay/RelayTransport.h"

namespace tandem::core {

class SignalChannel final : public ModeChannel {
    Q_OBJECT
public:
    static constexpr std::int64_t kCertificateMarginMs = 3600 * 1000;  // renewed this early
    // A sealed item goes out only while its certificate has this long left (it reaches the
    // relay well within it).
    static constexpr std::int64_t kCertificateSendMarginMs = 60 * 1000;
    static constexpr int kMaxReseals = 3;  // sealed again for new keys, then given up

    SignalChannel(storage::Store& store, std::optional<NetworkConfig> network,
                  QObject* parent = nullptr);
    ~SignalChannel() override;

    [[nodiscard]] storage::Mode mode() const override { return storage::Mode::Signal; }
    QFuture<CoreResult<bool>> start() override;
    void stop() override;
    [[nodiscard]] transport::Transport* transport() const override { return relay_; }
    [[nodiscard]] bool isConnected() const override;
    [[nodiscard]] bool isOwnAddress(const QString& address) const override;

    [[nodiscard]] std::optional<InlineSeal> inlineSeal() const override;
    QFuture<SealResult> seal(std::int64_t outboxId, const storage::Contact& contact,
                             const QByteArray& content) override;
    bool sealedStillGood(std::int64_t outboxId, std::int64_t sealedExpiresMs) override;
    bool mendRefused(std::int64_t outboxId, const transport::TransportError& error) override;

    [[nodiscard]] OpenTask opener(const transport::IncomingEnvelope& envelope) const override;
    void afterOpened(const Opened& opened) override;
    void contactAdded() override;
    void blockedSomeone() override;

    [[nodiscard]] std::optional<ProbePeer> self(QString* why) override;
    [[nodiscard]] std::optional<ProbePeer> probePeer(const QString& address,
                                                     const std::optional<storage::Contact>& contact,
                                                     QString* why) const override;
    void stamp(proto::Content& content) const override;
    [[nodiscard]] std::optional<QByteArray> sealProbe(const ProbePeer& peer,
                                                      const QByteArray& content,
                                                      QString* problem) const override;

private:
    using Promise = std::shared_ptr<QPromise<SealResult>>;
    [[nodiscard]] bool certificateFresh(std::int64_t marginMs) const;
    [[nodiscard]] transport::RelayAccountClient account() const;
    void connectTransport();
    void sealWith(const Promise& promise, std::int64_t outboxId, const storage::Contact& contact,
                  const QByteArray& content,
                  const std::optional<crypto::signal::PreKeyBundle>& bundle);
    void fetchBundleThenSeal(const Promise& promise, std::int64_t outboxId,
                             const storage::Contact& contact, const QByteArray& content);
    void resealExpired(std::int64_t outboxId);
    void resealForNewIdentity(std::int64_t outboxId, const QString& why);
    void ensureCertificate();
    void refillPreKeys();
    // Learns the account ids of saved numbers (one rate-limited lookup).
    void resolveContacts();
    // Tells the relay a new access key (blockedSomeone) until it confirmed it; then the key is
    // ours and goes to the people we accepted (keyAccepted).
    void sendAccessKey();
    void keyAccepted(const QByteArray& key);

    storage::Store& store_;
    std::optional<NetworkConfig> network_;
    std::optional<signalmode::Identity> me_;
    QPointer<transport::RelayTransport> relay_;
    signalmode::PreKeyPublisher* preKeys_;
    signalmode::AccountIdLookup* accountIds_;
    QByteArray certificate_;
    std::int64_t certificateExpires_ = 0;
    bool certificateRequested_ = false;
    std::set<QString> bundlesInFlight_;  // contacts whose session is being set up
};

}  // namespace tandem::core
