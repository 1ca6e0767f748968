// Messenger: the core's facade, the same for the app and tandemctl (docs/architecture.md).
// It holds one channel per mode this profile has an account in (ModeChannel: Signal mode's
// over the relay, Session mode's over the onion network), made by a ChannelFactory, and three
// parts that never branch on the mode:
//   Outbox        — what leaves: queued with its message in one transaction, sealed once,
//                   removed when the network accepted it; ordered, retried with backoff.
//   Inbox         — what arrives: opened and stored in one transaction, then acknowledged;
//                   exactly once in the database.
//   LatencyProbes — the latency comparison's probes and the answers to contacts' probes.
//
// Lives on the core thread (every call is checked in debug builds); every store access is a
// future continued on that thread.
#pragma once

#include <optional>

#include <QFuture>
#include <QObject>

#include "app/core/Addresses.h"
#include "app/core/CoreError.h"
#include "app/core/Inbox.h"
#include "app/core/LatencyProbes.h"
#include "app/core/ModeChannel.h"
#include "app/core/Outbox.h"
#include "app/core/attachments/AttachmentService.h"
#include "app/core/people/PeopleService.h"
#include "app/core/people/ProfileService.h"
#include "app/core/stickers/StickerService.h"
#include "storage/Store.h"

namespace tandem::core {

class Messenger : public QObject {
    Q_OBJECT
public:
    // `factory` makes the channels (makeChannel when not given: the real relay and onion
    // network, as the profile's network settings name them).
    explicit Messenger(storage::Store& store, QObject* parent = nullptr,
                       ChannelFactory factory = {});
    ~Messenger() override;

    // Loads the network settings and accounts, and connects the channels.
    QFuture<CoreResult<void>> start();
    void stop();

    // Adds (or finds) the contact; `name` given: their name becomes it ("" clears it), after
    // ConversationService::validateName.
    QFuture<CoreResult<storage::Contact>> addContact(storage::Mode mode, const QString& address,
                                                     const std::optional<QString>& name);
    // Queues a text for a conversation and starts sending it.
    QFuture<CoreResult<storage::Message>> sendText(std::int64_t conversationId,
                                                   const QString& text);
    // The same for a contact by address (created if new).
    QFuture<CoreResult<storage::Message>> sendText(storage::Mode mode, const QString& address,
                                                   const QString& text);

    // Queues a sticker this profile holds (built in, created or installed) the same way.
    QFuture<CoreResult<storage::Message>> sendSticker(std::int64_t conversationId,
                                                      const QByteArray& packId,
                                                      std::int64_t stickerId);
    QFuture<CoreResult<storage::Message>> sendSticker(storage::Mode mode, const QString& address,
                                                      const QByteArray& packId,
                                                      std::int64_t stickerId);

    // Sends a file (docs/attachments.md) with an optional caption: checks and seals it into
    // the profile (a file over crypto::kMaxAttachmentBytes, empty or unreadable is refused
    // here), stores the message, uploads the file's chunks through the conversation's mode,
    // then queues the message. Its attachment's progress comes as attachments().progress().
    QFuture<CoreResult<storage::Message>> sendAttachment(std::int64_t conversationId,
                                                         const QString& path,
                                                         const QString& caption);
    QFuture<CoreResult<storage::Message>> sendAttachment(storage::Mode mode, const QString& address,
                                                         const QString& path,
                                                         const QString& caption);

    // Sends a failed message again (same uid, so the recipient stores it once); false if it
    // is not an outgoing message that failed.
    QFuture<CoreResult<bool>> retry(std::int64_t messageId);
    // Marks the conversation's incoming messages read and queues a read receipt for them
    // (in pieces of kReceiptUids), unless the user turned read receipts off
    // (UserSettings::readReceipts). Returns how many
    // moved.
    QFuture<CoreResult<int>> markRead(std::int64_t conversationId);
    static constexpr std::size_t kReceiptUids = 500;

    // Sends to a contact wait while the contact is blocked, or was verified and their
    // identity key changed since, as Signal does (Outbox::isHeld): until the user unblocks
    // them, accepts the new safety number or verifies it. Whoever changes either calls
    // resumeOutbox() after.
    static bool isHeld(const storage::Contact& contact) { return Outbox::isHeld(contact); }
    void resumeOutbox();

    // Nothing queued to send, nothing received left to store.
    [[nodiscard]] bool isIdle() const;
    [[nodiscard]] bool isConnected(storage::Mode mode) const;
    // Whether this profile has an account (and so a channel) in the mode.
    [[nodiscard]] bool hasAccount(storage::Mode mode) const;
    [[nodiscard]] transport::TransportStatus status(storage::Mode mode) const;
    // Sticker packs: built in, created, installed (StickerService.h).
    [[nodiscard]] StickerService& stickers() const { return *stickers_; }
    // Files sent and received (AttachmentService.h): download, save, progress.
    [[nodiscard]] AttachmentService& attachments() const { return *attachments_; }
    // The user's profile and contacts' profiles (ProfileService.h, docs/people.md).
    [[nodiscard]] ProfileService& profiles() const { return *profiles_; }
    // Message requests and blocking (PeopleService.h).
    [[nodiscard]] PeopleService& people() const { return *people_; }
    // The mode's channel (nullptr without an account in it).
    [[nodiscard]] ModeChannel* channel(storage::Mode mode) const { return channels_[mode]; }

    static std::optional<storage::Mode> modeOf(const QString& address) {
        return core::modeOf(address);
    }
    static std::optional<QString> unusableSessionId(const QString& address) {
        return core::unusableSessionId(address);
    }

    // Latency probes (LatencyProbes.h, docs/latency.md).
    using ProbeOptions = LatencyProbes::Options;
    using ProbeResult = LatencyProbes::Result;
    static constexpr int kMaxProbes = LatencyProbes::kMaxProbes;
    static constexpr int kMaxProbeBytes = LatencyProbes::kMaxProbeBytes;
    static constexpr std::int64_t kLatencyRetentionMs = 90LL * 24 * 3600 * 1000;  // 90 days
    QFuture<CoreResult<ProbeResult>> runProbes(const ProbeOptions& options);
    [[nodiscard]] bool probing() const { return probes_->running(); }
    // Session mode receives by long-poll; a positive interval (before start()) polls like
    // Session's own clients instead — for comparing the two (tandemctl latency --poll).
    void setSessionPollInterval(int ms) { options_.sessionPollMs = std::max(0, ms); }
    // Whether connecting looks for new versions of installed sticker packs (the app: yes;
    // a one-shot tandemctl command: no, it has `stickers refresh`).
    void setAutoRefreshStickers(bool on) { autoRefreshStickers_ = on; }

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
    // A contact's profile, request state or block changed (or the contact went: removed).
    void contactChanged(const tandem::storage::Contact& contact);
    void contactRemoved(qint64 contactId);
    void idle();
    // A probe run: probes answered or lost so far, of `total`.
    void probeProgress(qint64 run, int done, int total);
    // One probe's sample (live, before the run's samples are written).
    void latencySampled(const tandem::storage::LatencySample& sample);
    // Samples were written to the store (a probe run ended, a delivery receipt arrived).
    void latencySamplesChanged();

private:
    void checkThread() const;
    void checkIdle();
    void connectPeople();
    void adopt(std::unique_ptr<ModeChannel> channel);
    // The checks every text passes before it is queued.
    std::optional<CoreError> refuseText(storage::Mode mode, const QString& address) const;
    // Seals the file into the profile, stores its message and starts the upload.
    QFuture<CoreResult<storage::Message>> queueFile(const Outbox::Recipient& to,
                                                    const QString& path, const QString& caption);
    // The address normalized, or why nothing can be sent to it.
    CoreResult<QString> recipient(storage::Mode mode, const QString& given) const;

    storage::Store& store_;
    ChannelFactory factory_;
    ChannelOptions options_;
    Channels channels_;
    std::unique_ptr<Outbox> outbox_;
    std::unique_ptr<Inbox> inbox_;
    std::unique_ptr<LatencyProbes> probes_;
    std::unique_ptr<StickerService> stickers_;
    std::unique_ptr<AttachmentService> attachments_;
    std::unique_ptr<ProfileService> profiles_;
    std::unique_ptr<PeopleService> people_;
    bool autoRefreshStickers_ = true;
};

}  // namespace tandem::core
