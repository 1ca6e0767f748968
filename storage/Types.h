// Row types of the store. Plain values, copyable so they travel through QFuture; secrets
// are held as SharedSecret, wiped when the last copy goes away.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>

#include <QByteArray>
#include <QString>

#include <tandem/common/SecretBytes.h>

namespace tandem::storage {

using SharedSecret = std::shared_ptr<const SecretBytes>;
inline SharedSecret makeSecret(SecretBytes bytes) {
    return std::make_shared<const SecretBytes>(std::move(bytes));
}

enum class Mode : int { Signal = 1, Session = 2 };
// "Signal" or "Session", as the user reads it.
QString modeName(Mode mode);
enum class ConversationKind : int { Direct = 1, NoteToSelf = 2 };
enum class Direction : int { Outgoing = 0, Incoming = 1 };
enum class MessageKind : int { Text = 1, Sticker = 2, Notice = 3 };
// Outgoing: Pending → Sent → Delivered → Read, or Failed (→ Pending on retry).
// Incoming: Received → Read.
enum class MessageStatus : int {
    Pending = 0,
    Sent = 1,
    Delivered = 2,
    Read = 3,
    Failed = 4,
    Received = 5
};
// A status in words, as tandemctl prints it and the app's models hand it to QML: "pending",
// "sent", "delivered", "read", "failed", "received".
QString statusName(MessageStatus status);

// Signal's verified states: Unverified means "was verified, then the identity key changed".
enum class Verification : int { Default = 0, Verified = 1, Unverified = 2 };
// When the recipient's copy of a message with a timer starts counting down (the sender's
// copy always counts from the send).
enum class ExpireRule : int { AfterRead = 0, AfterSend = 1 };
enum class OutboxKind : int { Message = 1, DeliveryReceipt = 2, ReadReceipt = 3, Control = 4 };
enum class PrekeyKind : int { Signed = 1, OneTime = 2 };
enum class StickerOrigin : int { Created = 1, Installed = 2 };

// 16 random bytes chosen by the sender; the same on every device and on the wire, so a
// message delivered twice is stored once.
struct MessageUid {
    std::array<std::uint8_t, 16> bytes{};
    static MessageUid random();
    // Time-ordered: 48-bit milliseconds (big-endian) then 80 random bits, like UUIDv7. New
    // uids land at the end of the unique index instead of on random pages, which keeps
    // inserts fast as the database grows. The peer learns nothing new: the content carries
    // the send time anyway.
    static MessageUid generate(std::int64_t nowMs);
    static std::optional<MessageUid> fromBytes(const QByteArray& raw);
    [[nodiscard]] QByteArray toByteArray() const;
    [[nodiscard]] QString toHex() const;
    friend bool operator==(const MessageUid&, const MessageUid&) = default;
};

struct Account {
    Mode mode = Mode::Signal;
    QString address;  // +E164 phone number, or Session ID
    QByteArray identityPublic;
    SharedSecret identitySecret;
    QByteArray signingPublic;
    SharedSecret signingSecret;  // may be null
    SharedSecret credentials;    // transport credentials, opaque here; may be null
    std::int64_t createdAt = 0;
};

struct Contact {
    std::int64_t id = 0;
    Mode mode = Mode::Signal;
    QString address;
    QString displayName;
    QByteArray identityKey;  // empty until known
    Verification verification = Verification::Default;
    std::optional<std::int64_t> identityChangedAt;
    bool blocked = false;
    std::int64_t createdAt = 0;
    QByteArray accessKey;  // Signal mode: presented to the relay when sending to them
    QString serviceId;     // Signal mode: "aci:…", their relay account id, once known
    // False: a message request — they wrote first and the user has not accepted them yet
    // (docs/people.md). Until then nothing of ours (profile, read receipts, access key) goes
    // to them.
    bool accepted = true;
    // The profile they share (docs/people.md): the name they chose (displayName, the name the
    // user gave them, wins: shownName()), whether they have an avatar (read it with
    // ContactRepository::avatar), and where their record is: its name, its key, the version
    // they announced and the one fetched.
    QString profileName;
    bool hasAvatar = false;
    QByteArray profileRecord;  // 16 bytes, or empty
    SharedSecret profileKey;   // 32 bytes, or null
    std::int64_t profileWanted = 0;
    std::int64_t profileVersion = 0;

    // What to call them: the user's name for them, else the name they chose, else "".
    [[nodiscard]] QString shownName() const {
        return displayName.isEmpty() ? profileName : displayName;
    }
};

enum class IdentityChange { First, Unchanged, Changed };

struct Conversation {
    std::int64_t id = 0;
    ConversationKind kind = ConversationKind::Direct;
    std::optional<Mode> mode;               // empty for Note to Self
    std::optional<std::int64_t> contactId;  // empty for Note to Self
    std::int64_t expireTimer = 0;           // seconds, 0 = off
    std::int64_t expireTimerVersion = 0;
    ExpireRule expireRule = ExpireRule::AfterRead;
    QString draft;
    bool archived = false;
    std::int64_t mutedUntil = 0;
    std::int64_t createdAt = 0;
};

// A file sent or received with a message (docs/attachments.md).
// Outgoing: Uploading → Uploaded (then the message is queued), or Failed.
// Incoming: Remote → Downloading → Downloaded, or Failed (started again by download()).
enum class TransferState : int {
    Uploading = 0,
    Uploaded = 1,
    Remote = 2,
    Downloading = 3,
    Downloaded = 4,
    Failed = 5
};

struct Attachment {
    QString fileName;  // a plain name, checked (no path)
    QString mimeType;
    std::int64_t size = 0;  // the file's bytes
    int width = 0;          // an image's, else 0
    int height = 0;
    QByteArray thumbnail;  // JPEG, at most 320 px a side; may be empty
    TransferState state = TransferState::Remote;
    std::int64_t transferred = 0;  // bytes uploaded or downloaded so far
    QString error;                 // why the last transfer failed ("" when it did not)
    // Not for display: the file's own key, the pointer sent with the message (the blobs of
    // its sealed chunks; proto AttachmentPointer without the key and thumbnail), and the
    // encrypted local copy's name under <profile>/attachments/ ("" until there is one).
    SharedSecret key;
    QByteArray chunks;
    QString localFile;
    bool complete = false;  // the local copy holds the whole file (ours; theirs once downloaded)

    [[nodiscard]] bool isImage() const { return width > 0 && height > 0; }
};

struct Message {
    std::int64_t id = 0;
    std::int64_t conversationId = 0;
    MessageUid uid;
    Direction direction = Direction::Outgoing;
    MessageKind kind = MessageKind::Text;
    QString body;
    QByteArray stickerPackId;
    std::optional<std::int64_t> stickerId;
    MessageStatus status = MessageStatus::Pending;
    std::int64_t sentAt = 0;  // the sender's clock
    std::optional<std::int64_t> acceptedAt;
    std::optional<std::int64_t> receivedAt;
    std::optional<std::int64_t> deliveredAt;
    std::optional<std::int64_t> readAt;
    std::optional<std::int64_t> failedAt;
    std::int64_t expireTimer = 0;  // seconds
    std::optional<std::int64_t> expireStart;
    std::optional<std::int64_t> expiresAt;
    std::optional<Attachment> attachment;  // a file sent with the message (body: its caption)
};

struct ConversationSummary {
    Conversation conversation;
    std::optional<Contact> contact;
    std::optional<Message> lastMessage;
    std::int64_t unread = 0;
};

struct OutboxItem {
    std::int64_t id = 0;
    std::int64_t conversationId = 0;
    std::optional<std::int64_t> messageId;
    OutboxKind kind = OutboxKind::Message;
    QByteArray payload;
    std::int64_t attempts = 0;
    std::int64_t nextAttemptAt = 0;
    QString lastError;
    std::int64_t createdAt = 0;
};

struct Prekey {
    PrekeyKind kind = PrekeyKind::OneTime;
    std::int64_t keyId = 0;
    QByteArray publicKey;
    SharedSecret secretKey;
    QByteArray signature;  // signed prekeys only
    bool uploaded = false;
    std::int64_t createdAt = 0;
};

struct StickerPack {
    QByteArray packId;  // 16..32 bytes
    SharedSecret packKey;
    QString title;
    QString author;
    std::optional<std::int64_t> coverStickerId;
    StickerOrigin origin = StickerOrigin::Installed;
    bool installed = false;
    std::optional<std::int64_t> publishedAt;
    std::int64_t createdAt = 0;
    bool builtin = false;      // shipped with the app: hidden, never removed
    bool hidden = false;       // a built-in pack the user took out of the picker
    std::int64_t version = 0;  // of its signed record (created: published; installed: fetched)
    SharedSecret ownerSecret;  // created packs: the Ed25519 key that signs new versions
    std::optional<std::int64_t> checkedAt;  // when a newer version was last looked for
};

struct Sticker {
    QByteArray packId;
    std::int64_t stickerId = 0;
    QString emoji;
    QString contentType;
    QByteArray image;  // empty until downloaded (or when listed without images)
    bool hasImage = false;
    std::optional<std::int64_t> usedAt;  // last sent (the picker's recents)
};

struct LatencySample {
    std::int64_t id = 0;
    Mode transport = Mode::Signal;  // the mode whose transport carried it
    QByteArray messageUid;
    std::optional<std::int64_t> probeRun;
    std::int64_t sentAt = 0;
    std::optional<std::int64_t> oneWayUs;
    std::optional<std::int64_t> roundTripUs;
    std::int64_t size = 0;
    QString path;
    bool lost = false;
};

}  // namespace tandem::storage
