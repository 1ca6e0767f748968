// Messenger: the core's facade, the same for the app and tandemctl. It owns the transports of
// the modes this profile has accounts for, sends through the outbox (message and outbox row
// in one transaction; encrypted once, in the transaction that advances the session; removed
// only when the network has accepted it), and stores what arrives before acknowledging it.
// Delivery is at least once on the wire and exactly once in the database (dedupe by uid).
//
// Lives on the core thread; every store access is a future continued on that thread.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <set>

#include <QElapsedTimer>
#include <QFuture>
#include <QObject>
#include <QPointer>
#include <QPromise>
#include <QTimer>

#include "app/core/CoreError.h"
#include "app/core/NetworkConfig.h"
#include "app/core/session/SessionCodec.h"
#include "app/core/signal/SignalCodec.h"
#include "storage/Store.h"
#include "transport/onion/OnionTransport.h"
#include "transport/relay/RelayTransport.h"

namespace tandem::core {

class Messenger : public QObject {
    Q_OBJECT
public:
    explicit Messenger(storage::Store& store, QObject* parent = nullptr);
    ~Messenger() override;

    // Loads the network settings and accounts, and connects the transports.
    QFuture<CoreResult<void>> start();
    void stop();

    // Adds (or finds) the contact; `name` given: their name becomes it ("" clears it), after
    // ConversationService::validateName.
    QFuture<CoreResult<storage::Contact>> addContact(storage::Mode mode, const QString& address,
                                                     const std::optional<QString>& name);
    // Queues a text for a contact (created if new) and starts sending it.
    QFuture<CoreResult<storage::Message>> sendText(storage::Mode mode, const QString& address,
                                                   const QString& text);

    // Sends a failed message again (same uid, so the recipient stores it once); false if it
    // is not an outgoing message that failed.
    QFuture<CoreResult<bool>> retry(std::int64_t messageId);
    // Marks the conversation's incoming messages read and queues a read receipt for them
    // (in pieces of kReceiptUids), unless the user turned read receipts off
    // (kReadReceiptsSetting "0" in the store's settings; on when not set). Returns how many
    // moved.
    QFuture<CoreResult<int>> markRead(std::int64_t conversationId);
    static constexpr const char* kReadReceiptsSetting = "privacy.read_receipts";
    static constexpr std::size_t kReceiptUids = 500;

    // Sends to a contact wait while the contact is blocked, or (Signal mode) was verified and
    // their identity key changed since (Verification::Unverified), as Signal does: until the
    // user unblocks them, accepts the new safety number or verifies it. Whoever changes either
    // calls resumeOutbox() after.
    static bool isHeld(const storage::Contact& contact);
    void resumeOutbox();

    // Nothing queued to send, nothing received left to store.
    [[nodiscard]] bool isIdle() const;
    [[nodiscard]] bool isConnected(storage::Mode mode) const;
    // Whether this profile has an account (and so a transport) in the mode.
    [[nodiscard]] bool hasAccount(storage::Mode mode) const;
    [[nodiscard]] transport::RelayTransport* relay() const { return relay_; }
    [[nodiscard]] transport::onion::OnionTransport* onion() const { return onion_; }
    [[nodiscard]] transport::TransportStatus status(storage::Mode mode) const;

    // The mode an address belongs to: +E164 or aci:… → Signal, 05… → Session.
    static std::optional<storage::Mode> modeOf(const QString& address);
    // For a Session ID whose key nobody can hold (of small order: all zeros, say), which
    // modeOf refuses, the sentence that says so; nullopt for any other address.
    static std::optional<QString> unusableSessionId(const QString& address);

    // Latency probes (MessengerProbe.cpp, docs/latency.md): `count` probes through each mode's
    // transport, interleaved (ABBA) so both meet the same conditions, to our own account in
    // that mode ("self") or to a contact, who answers each. A round leaves `intervalMs` after
    // the one before, and not before the network took every probe of it (else a transport
    // that sends one at a time would measure its own queue). Never stored as messages; every
    // probe leaves a sample (lost when no answer came within `timeoutMs` of the last send),
    // all written to the store when the run ends. Only contacts' probes are answered.
    struct ProbeOptions {
        std::vector<storage::Mode> modes;
        QString to = QStringLiteral("self");  // "self", or a contact's address (its mode only)
        int count = 20;
        int size = 0;           // padding bytes per probe
        int intervalMs = 200;   // between rounds (one probe per mode a round)
        int timeoutMs = 15000;  // after the last send
    };
    static constexpr int kMaxProbes = 10000;
    static constexpr int kMaxProbeBytes = 64 * 1024;
    static constexpr int kMaxProbeReplyRate = 200;  // answers to contacts' probes, per second
    static constexpr std::int64_t kProbeReplyTtlMs = 60 * 1000;
    static constexpr std::int64_t kLatencyRetentionMs = 90LL * 24 * 3600 * 1000;  // 90 days
    struct ProbeResult {
        std::int64_t run = 0;
        std::vector<storage::LatencySample> samples;  // sent order; lost ones included
    };
    QFuture<CoreResult<ProbeResult>> runProbes(const ProbeOptions& options);
    [[nodiscard]] bool probing() const { return probe_ != nullptr; }
    // Session mode receives by long-poll; a positive interval (before start()) polls like
    // Session's own clients instead — for comparing the two (tandemctl latency --poll).
    void setSessionPollInterval(int ms) { sessionPollMs_ = std::max(0, ms); }

signals:
    void messageReceived(const tandem::storage::Message& message, const QString& from,
                         tandem::storage::Mode mode);
    void messageUpdated(const tandem::storage::Message& message);
    void connectionChanged(tandem::storage::Mode mode,
                           const tandem::transport::TransportStatus& status);
    void problem(const QString& message);
    // A message arrived that could not be read (decrypted) or not stored: from whom, when the
    // envelope names them ("" when even the sender is sealed away), and why. One that was not
    // stored is not acknowledged: the network delivers it again.
    void receiveFailed(tandem::storage::Mode mode, const QString& from, const QString& why);
    // A contact's identity key is not the one we knew (they registered again, reinstalled, or
    // someone is in between): their safety number changed. `address` as the contact is saved.
    void identityChanged(tandem::storage::Mode mode, const QString& address);
    void idle();
    // A probe run: probes answered or lost so far, of `total`.
    void probeProgress(qint64 run, int done, int total);
    // One probe's sample (live, before the run's samples are written).
    void latencySampled(const tandem::storage::LatencySample& sample);
    // Samples were written to the store (a probe run ended, a delivery receipt arrived).
    void latencySamplesChanged();

private:
    // outbox (MessengerOutbox.cpp)
    void processOutbox();
    // Puts the item on its way (or gives it up); false when it has to wait.
    bool dispatch(const storage::OutboxItem& item, const storage::Contact& contact);
    void sealSessionAndSend(std::int64_t outboxId, const storage::Contact& contact,
                            const QByteArray& content);
    void sealAndSend(std::int64_t outboxId, const storage::Contact& contact,
                     const QByteArray& content, std::optional<crypto::signal::PreKeyBundle> bundle);
    void fetchBundleThenSend(std::int64_t outboxId, const storage::Contact& contact,
                             const QByteArray& content);
    void transmit(std::int64_t outboxId, storage::Mode mode, const QString& recipient,
                  const QByteArray& accessKey, const QByteArray& envelope,
                  const QByteArray& recipientIdentity = {});
    // The relay refused the item as sealed for an identity its recipient no longer has.
    void resealForNewIdentity(std::int64_t outboxId, const QString& why);
    [[nodiscard]] transport::Transport* transportFor(storage::Mode mode) const;
    void startSession(const std::optional<QByteArray>& guard,
                      const std::optional<QByteArray>& lastSeen,
                      const std::optional<QByteArray>& lastSeenAt,
                      const std::optional<QByteArray>& savedDirectory);
    void saveSetting(const char* key, const QByteArray& value);
    // A transport (re)connected: what waits out a backoff goes now.
    void retryWaitingNow();
    void onAccepted(const QByteArray& id);
    void onFailed(const QByteArray& id, const transport::TransportError& error);
    void giveUp(std::int64_t outboxId, const QString& why);
    void ensureCertificate();
    void resealExpired(std::int64_t outboxId);
    void refillPreKeys();
    // Learns the account ids of saved numbers (one rate-limited lookup).
    void resolveContacts();

    // latency probes (MessengerProbe.cpp); their transport ids start with this (outbox ids
    // are numbers)
    static constexpr const char* kProbeIdPrefix = "probe:";
    struct ProbeTarget {
        storage::Mode mode = storage::Mode::Signal;
        QString address;         // where the transport sends it
        QByteArray accessKey;    // Signal mode
        QByteArray identityKey;  // Signal mode: the recipient's Ed25519 identity key
        bool self = false;
    };
    struct PendingProbe {
        storage::LatencySample sample;
        std::int64_t sentNs = 0;  // on the run's steady clock
        bool taken = false;       // accepted (or refused) by the network
        bool done = false;
        // Session mode: the hops it was sent through, and the member it came back from
        // (either may be learned first: the swarm's answer and the delivery race).
        QString sentVia;
        QString cameFrom;
    };
    struct ProbeRun {
        std::uint32_t run = 0;
        ProbeOptions options;
        std::vector<ProbeTarget> targets;
        std::map<QByteArray, PendingProbe> pending;  // by transport id
        int round = 0;
        int done = 0;
        std::int64_t ttlMs = 0;  // how long the network keeps a probe of this run
        int total = 0;
        QElapsedTimer clock;
        QTimer tick;
        QTimer deadline;
        std::shared_ptr<QPromise<CoreResult<ProbeResult>>> promise;
    };
    void startProbeRun(ProbeOptions options, std::vector<ProbeTarget> targets,
                       std::shared_ptr<QPromise<CoreResult<ProbeResult>>> promise);
    void sendProbeRound();
    std::optional<QByteArray> sealProbe(const ProbeTarget& target, const QByteArray& content,
                                        QString* problem);
    void onProbeAccepted(const QByteArray& id);
    void onProbeFailed(const QByteArray& id, const transport::TransportError& error);
    void onProbeSeen(storage::Mode mode, const ProbeSeen& probe, const QString& source);
    void probeDone(PendingProbe& p);
    void finishProbeRun(std::optional<CoreError> error);

    // inbound (Messenger.cpp)
    void onReceived(storage::Mode mode, const transport::IncomingEnvelope& envelope);
    void openedOne(storage::Mode mode, const QByteArray& serverId, const QString& source,
                   storage::StoreResult<Opened> opened);
    void processInbound();
    void checkIdle();

    storage::Store& store_;
    std::optional<NetworkConfig> network_;
    std::optional<signalmode::Identity> signal_;
    QPointer<transport::RelayTransport> relay_;
    std::optional<sessionmode::Identity> session_;
    QPointer<transport::onion::OnionTransport> onion_;
    bool onionOnline_ = false;
    QByteArray certificate_;
    std::int64_t certificateExpires_ = 0;
    bool certificateRequested_ = false;
    bool refilling_ = false;
    bool resolving_ = false;
    std::map<QString, std::int64_t> lookedUp_;  // number → when we last looked it up

    bool outboxRunning_ = false;
    bool outboxAgain_ = false;
    std::set<std::int64_t> inFlight_;
    std::set<std::int64_t> failing_;  // failed; the retry time is being written
    std::set<QString> bundlesInFlight_;
    std::int64_t outboxPending_ = 0;
    QTimer retryTimer_;
    QTimer outboxWatch_;
    static constexpr int kOutboxWatchMs = 10000;

    std::unique_ptr<ProbeRun> probe_;
    int sessionPollMs_ = 0;
    QElapsedTimer replyWindow_;  // answers to others' probes: kMaxProbeReplyRate a second
    int repliesInWindow_ = 0;

    std::deque<std::pair<storage::Mode, transport::IncomingEnvelope>> inbound_;
    bool inboundBusy_ = false;
};

}  // namespace tandem::core
