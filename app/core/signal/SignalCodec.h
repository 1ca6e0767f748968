// Signal mode inside store transactions (these run on the storage thread, in Store::write):
// sealing a message for a contact advances the ratchet and records the new session state and
// the exact ciphertext in one transaction; opening an envelope decrypts, stores the message,
// the session state and the delivery receipt in one transaction. Either all of it is kept or
// none of it.
#pragma once

#include <map>
#include <memory>
#include <optional>

#include <QString>

#include "app/core/ContentHandler.h"
#include "crypto/signal/Identity.h"
#include "crypto/signal/SealedSender.h"
#include "storage/Repositories.h"
#include "tandem/content.pb.h"

namespace tandem::core::signalmode {

struct Identity {
    std::shared_ptr<const crypto::signal::IdentityKeyPair> keys;
    QString phone;
    QByteArray password;
    QByteArray accessKey;
    QByteArray aci;  // our account id at the relay (16 bytes)
    bool sharePhone = false;
    // Used on the store's thread only (every codec call runs there).
    std::shared_ptr<crypto::signal::SealedSenderCache> sealedCache;
};

// This profile's Signal identity, if it has registered one.
storage::StoreResult<std::optional<Identity>> loadIdentity(storage::Repositories& r);

struct Sealed {
    QByteArray envelope;  // empty when `needBundle` or `problem`
    bool needBundle = false;
    QString problem;               // a crypto failure, in words
    QByteArray recipientIdentity;  // the Ed25519 identity key it was sealed for
    bool identityChanged = false;  // a new session, with a key other than the one we knew
    bool held = false;  // that key replaced one the user had verified: nothing was sealed
};

// Encrypts `content` for `contact` (session from the store, or a new one from `bundle`),
// seals it with `certificate`, and saves the advanced session.
storage::StoreResult<Sealed> seal(storage::Repositories& r, const Identity& me,
                                  const storage::Contact& contact, const QByteArray& content,
                                  const QByteArray& certificate,
                                  const std::optional<crypto::signal::PreKeyBundle>& bundle,
                                  std::int64_t now);

// seal(), then the exact bytes become the outbox item's payload (what a retry or a replay
// after a crash sends again), addressed as the relay knows the contact.
// A message is sealed only after every message queued before it in its conversation: the
// ratchet numbers them in the order they leave, and a session that appears between two seals
// (theirs, from an incoming PreKey message) must not carry a later message out first.
// `waiting` then says so, and nothing is sealed.
// The relay's sender certificate as the outbox uses it: the bytes and when it expires. An item
// sealed with it records the expiry, and is sealed again with a new certificate when it would
// reach the relay after that (an envelope is judged by the relay's receive time).
struct Certificate {
    QByteArray bytes;
    std::int64_t expiresMs = 0;
};

struct SealedItem {
    Sealed sealed;
    bool waiting = false;  // an earlier message of the conversation is not sealed yet
    QString recipient;     // the contact's relay address: aci:… once known, else the number
    QByteArray accessKey;
    QByteArray stored;  // the item's payload with the exact bytes (empty: nothing sealed)
};
storage::StoreResult<SealedItem> sealQueued(
    storage::Repositories& r, const Identity& me, std::int64_t outboxId,
    const storage::Contact& contact, const QByteArray& content, const Certificate& certificate,
    const std::optional<crypto::signal::PreKeyBundle>& bundle, std::int64_t now);
// The sealing itself, for a contact already checked (neither blocked nor held for a changed
// identity) and an item whose turn it is: nothing is read from or written to the outbox, so
// the outbox can store `stored` as the row it inserts.
storage::StoreResult<SealedItem> sealItem(storage::Repositories& r, const Identity& me,
                                          const storage::Contact& contact,
                                          const QByteArray& content, const Certificate& certificate,
                                          const std::optional<crypto::signal::PreKeyBundle>& bundle,
                                          std::int64_t now);

// What opening an envelope came to (ContentHandler.h), the same in both modes.
using Opened = core::Opened;

// Records that `contact` is the relay account `aci` (an "aci:…" address), learned from their
// prekey bundle or a lookup. A contact known only by that id (they wrote to us before we knew
// the id belongs to this number) is merged in: its messages, queued sends and ratchet states
// join `contact`'s. Two contacts that both have a number are left apart.
storage::StoreResult<storage::Contact> learnServiceId(storage::Repositories& r,
                                                      const storage::Contact& contact,
                                                      const QString& aci, std::int64_t now);

// The relay refused outbox item `outboxId` as sealed for an identity its recipient no longer
// has. The session with that identity goes (unless it was replaced already) and the item
// holds its content again, to be sealed for the identity in the recipient's new bundle.
// False: the item was sealed before outbox payloads kept their content, and cannot be.
storage::StoreResult<bool> unsealStale(storage::Repositories& r, std::int64_t outboxId,
                                       const storage::Contact& contact);

// Outbox item `outboxId` was sealed with a sender certificate that expires before it can reach
// the relay: it holds its content again, to be sealed anew (the ratchet moves on; the
// recipient keeps the unused key as skipped). False: nothing to unseal.
storage::StoreResult<bool> unsealExpired(storage::Repositories& r, std::int64_t outboxId);

// Our own identity was replaced (registered again): every Signal-mode item sealed with the old
// one and not sent yet holds its content again, to be sealed with the new. Items sealed before
// outbox payloads kept their content stay as they are. Returns how many were unsealed.
storage::StoreResult<int> unsealAll(storage::Repositories& r);

// Opens a sealed envelope and stores what it carries. The sender certificate is judged at
// `receivedAtMs`, when the relay took the envelope (0: unknown, judged now): a message that
// waited in the mailbox longer than its certificate lives is still theirs. It must be its
// transaction's only work: an envelope that does not open discards the transaction's writes
// (Repositories::discardWrites).
storage::StoreResult<Opened> open(
    storage::Repositories& r, const Identity& me,
    const std::map<std::uint32_t, crypto::PublicKey>& trustedRelayKeys, const QByteArray& envelope,
    std::int64_t now, std::int64_t receivedAtMs = 0);

}  // namespace tandem::core::signalmode
