// Session mode inside store transactions (storage thread, in Store::write), as SignalCodec is
// for Signal mode. Session's one-to-one encryption has no session state (crypto/session/
// SessionMessage.h: sealed box + the sender's signature binding the recipient), so sealing
// only fixes the exact bytes a retry sends again — the swarm then dedupes them by hash — and
// opening stores the message, its delivery receipt and the resume point of the receiving
// transport in one transaction.
#pragma once

#include <memory>
#include <optional>

#include <QHash>
#include <QString>

#include "app/core/ContentHandler.h"
#include "crypto/session/SessionKeys.h"
#include "storage/Repositories.h"

namespace tandem::core::sessionmode {

// settings keys this mode keeps in the profile
inline constexpr auto kGuardSetting = "session.guard";              // 32-byte Ed25519 key
inline constexpr auto kLastSeenSetting = "session.last_seen";       // the swarm's resume hash
inline constexpr auto kLastSeenAtSetting = "session.last_seen_at";  // …at this member
inline constexpr auto kDirectorySetting = "session.directory";      // newest signed directory

// How long what arrived is remembered (ReceivedRepository), and the oldest a message may be to
// be accepted: longer than a swarm keeps any message (14 days), with a day for clocks.
inline constexpr std::int64_t kReceivedMemoryMs = 15LL * 24 * 3600 * 1000;

struct Identity {
    std::shared_ptr<const crypto::session::SessionIdentity> keys;
    QString sessionId;
};

// The account a Session identity is stored as: address = Session ID, identity = the Ed25519
// key pair's public half and the 16-byte seed the recovery phrase encodes.
storage::Account accountFor(const crypto::session::SessionIdentity& identity, std::int64_t now);

// This profile's Session identity, if it has one.
storage::StoreResult<std::optional<Identity>> loadIdentity(storage::Repositories& r);

struct SealedItem {
    QByteArray envelope;  // empty with `problem`
    QString recipient;    // the contact's Session ID
    QString problem;
    std::int64_t networkExpiresAt = 0;  // disappearing::networkExpiry of the content
    QByteArray stored;  // the item's payload with the exact bytes (empty: nothing sealed)
};

// Encrypts the outbox item's content for `contact` and records the exact bytes as the item's
// payload (what a retry, or a replay after a crash, sends again).
// An after-send disappearing message with less than disappearing::kMinNetworkTtlMs left is not
// sealed (`problem` says so): the network would keep it past its time or refuse it.
storage::StoreResult<SealedItem> sealQueued(storage::Repositories& r, const Identity& me,
                                            std::int64_t outboxId, const storage::Contact& contact,
                                            const QByteArray& content, std::int64_t now);
// The same without the outbox: the payload is returned in `stored`, for the outbox to insert.
storage::StoreResult<SealedItem> sealItem(storage::Repositories& r, const Identity& me,
                                          const storage::Contact& contact,
                                          const QByteArray& content, std::int64_t now);

// Opens a message retrieved from our swarm and stores what it carries; `resumeHash` (the
// swarm's hash of it) at `member` becomes where receiving resumes after a restart.
// `routes`: the onion route in use to each recipient ("guard>middle>member"), for the latency
// sample a delivery receipt leaves ("route|member it came from").
storage::StoreResult<Opened> open(storage::Repositories& r, const Identity& me,
                                  const QByteArray& envelope, const QByteArray& resumeHash,
                                  const QString& member, std::int64_t now,
                                  const QHash<QString, QString>& routes = {});

}  // namespace tandem::core::sessionmode
