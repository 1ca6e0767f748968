// Outbox: everything that leaves, the same in every mode. A message and its outbox row are
// written in one transaction; the item is sealed once by its mode's channel (in the
// transaction that advances the session) and the exact bytes are kept, so a retry or a replay
// after a crash sends the same; it is removed only when the network has accepted it.
//
// Order: the messages of a conversation leave in the order they were written; one waiting for
// its retry holds back those after it (receipts are not held). Retries back off 1 s, 2 s, 4 s …
// at most 30 s; a transport that (re)connects makes every waiting item due at once.
//
// Lives on the core thread; every store access is a future continued on that thread.
#pragma once

#include <set>
#include <variant>

#include <QFuture>
#include <QObject>
#include <QTimer>

#include "app/core/CoreError.h"
#include "app/core/ModeChannel.h"
#include "storage/Store.h"

namespace tandem::core {

class Outbox : public QObject {
    Q_OBJECT
public:
    static constexpr std::size_t kBatch = 200;  // items dispatched per round
    static constexpr int kPages = 50;           // at most 10 000 rows looked at per round
    static constexpr int kWatchMs = 10000;      // while anything waits, looked at this often
    static constexpr std::int64_t kMaxBackoffMs = 30 * 1000;

    Outbox(storage::Store& store, const Channels& channels, QObject* parent = nullptr);
    ~Outbox() override;

    // Wires a channel's transport and wake-ups to the outbox.
    void attach(ModeChannel& channel);
    // How many items the store holds (read at start).
    void setPending(std::int64_t count) { pending_ = count; }

    // Who a text goes to: a conversation, or a contact by mode and address (created if new).
    struct ByAddress {
        storage::Mode mode;
        QString address;
    };
    using Recipient = std::variant<std::int64_t, ByAddress>;
    // What a message carries: a (validated) text, or a sticker this profile holds.
    struct StickerChoice {
        QByteArray packId;
        std::int64_t stickerId = 0;
    };
    // A file sealed into the profile (AttachmentService::prepare) and its caption. Its message
    // is stored with the attachment, but queued only once the file is uploaded (release()).
    struct FileChoice {
        storage::Attachment attachment;
        QString caption;
    };
    using Draft = std::variant<QString, StickerChoice, FileChoice>;
    // Stores the draft as an outgoing message and queues it.
    QFuture<CoreResult<storage::Message>> queue(const Recipient& to, const Draft& draft);
    QFuture<CoreResult<storage::Message>> queueText(const Recipient& to, const QString& body) {
        return queue(to, Draft(body));
    }
    // Queues a message whose file is now uploaded (stored by queue() with a FileChoice).
    QFuture<CoreResult<void>> release(std::int64_t messageId);
    // Queues a failed message again (same uid: the recipient stores it once); false if it is
    // not an outgoing message that failed.
    QFuture<CoreResult<bool>> retry(std::int64_t messageId);

    // Looks at what is due and sends it.
    void process();
    // What waits out a backoff is due now.
    void retryNow();
    [[nodiscard]] bool isIdle() const;

    // Sends to a contact wait while the contact is blocked, or was verified and their
    // identity key changed since (Verification::Unverified), as Signal does.
    static bool isHeld(const storage::Contact& contact);

    static std::int64_t backoffMs(std::int64_t attempts);

signals:
    void messageUpdated(const tandem::storage::Message& message);
    void problem(const QString& message);
    // Writing to someone who wrote first accepted their request.
    void requestAccepted(tandem::storage::Mode mode);
    // Nothing more to do for now (isIdle() may have become true).
    void settled();

private:
    // Puts the item on its way (or gives it up); false when it has to wait.
    bool dispatch(const storage::OutboxItem& item, const storage::Contact& contact);
    void transmit(std::int64_t outboxId, ModeChannel& channel,
                  transport::OutgoingEnvelope envelope);
    void sealed(std::int64_t outboxId, storage::Mode mode, const SealResult& result);
    void onAccepted(const QByteArray& id);
    void onFailed(ModeChannel& channel, const QByteArray& id,
                  const transport::TransportError& error);
    void giveUp(std::int64_t outboxId, const QString& why);

    storage::Store& store_;
    const Channels& channels_;
    bool running_ = false;
    bool again_ = false;
    std::set<std::int64_t> inFlight_;  // being sealed, on the wire, or taken over by a channel
    std::set<std::int64_t> failing_;   // failed; the retry time is being written
    std::int64_t pending_ = 0;
    QTimer retryTimer_;
    QTimer watch_;
};

}  // namespace tandem::core
