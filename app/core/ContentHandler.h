// What to do with a decrypted message's content, the same for both modes (storage thread,
// inside the transaction that decrypted it): texts are stored once (by uid) and answered with
// a delivery receipt; receipts move outgoing messages' status and leave latency samples.
#pragma once

#include <vector>

#include "storage/Repositories.h"
#include "tandem/content.pb.h"

namespace tandem::core {

struct HandledContent {
    std::optional<storage::Message> stored;  // a new incoming message, or a setting line
    bool duplicate = false;                  // its uid was already stored
    std::vector<storage::Message> updated;   // outgoing messages a receipt moved
    bool profileAnnounced = false;           // the sender's profile is new to us: fetch it
};

// The contact an address names. An "aci:…" address (Signal mode) is found as the service id
// of a contact first (one added by number whose id we learned), then as an address.
storage::StoreResult<std::optional<storage::Contact>> findContact(storage::Repositories& r,
                                                                  storage::Mode mode,
                                                                  const QString& address);
// The same, created if new; a new "aci:…" contact holds its address as its service id.
// `accepted`: how a new contact is made — false for someone whose message came first (a
// message request, docs/people.md); an existing contact is returned as it is.
storage::StoreResult<storage::Contact> contactForAddress(storage::Repositories& r,
                                                         storage::Mode mode, const QString& address,
                                                         std::int64_t now, bool accepted = true);

// Builds content for the wire.
// `afterSend`: with a timer, the recipient's copy counts down from the send (Session mode).
QByteArray textContent(const storage::MessageUid& uid, std::int64_t sentAt, const QString& text,
                       std::int64_t expireTimer, bool afterSend = false);
// A sticker from a pack this profile holds (built in, created or installed), with the pack's
// key so that a recipient without the pack can fetch it; `emoji` is set to the sticker's.
// NotFound when the pack or the sticker is not here, or its image was never downloaded.
storage::StoreResult<QByteArray> stickerContent(storage::Repositories& r,
                                                const storage::MessageUid& uid, std::int64_t sentAt,
                                                const QByteArray& packId, std::int64_t stickerId,
                                                std::int64_t expireTimer, bool afterSend,
                                                QString* emoji = nullptr);
// A message whose file is uploaded (its attachment's every chunk stored), with its caption.
storage::StoreResult<QByteArray> fileContent(const storage::Message& message, bool afterSend);
// What a stored outgoing message carries, built again to send it again (a retry): nullopt when
// there is nothing to send — a notice that cannot be read, a file not uploaded yet (the
// attachment service uploads it first), a sticker whose pack went away.
storage::StoreResult<std::optional<QByteArray>> resendContent(
    storage::Repositories& r, const storage::Message& m, const storage::Conversation& conversation);
// Nothing to show: carries our profile reference (attached when sealed) to a contact.
QByteArray profileUpdateContent(std::int64_t now);
QByteArray receiptContent(proto::Receipt::Type type, const std::vector<storage::MessageUid>& uids,
                          std::int64_t receivedAt);

// Queues content for sending in the conversation (plaintext until the outbox encrypts it).
storage::StoreResult<std::int64_t> enqueueContent(storage::Repositories& r,
                                                  std::int64_t conversationId,
                                                  std::optional<std::int64_t> messageId,
                                                  storage::OutboxKind kind,
                                                  const QByteArray& content, std::int64_t now);
// Whether an outbox payload holds the exact bytes already (sealed), not content to be sealed.
bool isSealedPayload(const QByteArray& payload);
// Queues an item whose payload (an OutboxPayload, sealed already) is given whole.
storage::StoreResult<std::int64_t> enqueuePayload(storage::Repositories& r,
                                                  std::int64_t conversationId,
                                                  std::optional<std::int64_t> messageId,
                                                  storage::OutboxKind kind,
                                                  const QByteArray& payload, std::int64_t now);

// A latency probe or a contact's answer to one (docs/latency.md): nothing is stored for it
// when it is opened; the Messenger answers it or makes a sample of it.
struct ProbeSeen {
    bool reply = false;  // a ProbeReply (else a Probe)
    std::uint32_t run = 0;
    std::uint32_t sequence = 0;
    std::int64_t sentAtUs = 0;      // the probe's sender's wall clock
    std::int64_t receivedAtUs = 0;  // reply: the answering side's wall clock
    std::int64_t size = 0;          // the content's bytes
    bool fromSelf = false;          // sent by this account (a probe to ourselves)
    bool fromContact = false;       // sent by a contact we have (only they get answers)
    QString replyTo;                // where an answer goes: an aci:… address or a Session ID
    QByteArray accessKey;           // Signal mode: the sender's, to answer through the relay
    QByteArray identityKey;         // Signal mode: the sender's Ed25519 identity key
};

// Fills `out` when `content` is a probe or a probe reply.
bool probeOf(const proto::Content& content, std::int64_t contentBytes, ProbeSeen& out);

// What opening a received envelope came to, in either mode.
struct Opened {
    enum class Outcome { Stored, Duplicate, Receipt, Undecryptable, Ignored, Probe };
    Outcome outcome = Outcome::Ignored;
    QString from;                             // the sender's contact address
    std::optional<storage::Message> message;  // Stored
    std::vector<storage::Message> updated;    // Receipt: the messages whose status moved
    bool usedOneTimePreKey = false;           // Signal mode
    bool identityChanged = false;
    bool profileAnnounced = false;   // the sender's profile is new to us: fetch it
    QString problem;                 // Undecryptable: why
    std::optional<ProbeSeen> probe;  // Probe
};

// The outcome of handled content (stored, duplicate, a receipt, or nothing to do).
void takeHandled(Opened& out, HandledContent handled);

// `path`: Session mode, the route the latency sample of a delivery receipt records
// (docs/latency.md).
storage::StoreResult<HandledContent> handleContent(storage::Repositories& r, storage::Mode mode,
                                                   const storage::Contact& from,
                                                   const proto::Content& content, std::int64_t now,
                                                   const QString& path = {});

}  // namespace tandem::core
