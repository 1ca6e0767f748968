// The user's own profile (docs/people.md): a name and an avatar, one for the whole profile,
// published in each mode as a record of its own (its own owner key and profile key, so the
// Signal-mode and Session-mode identities stay unlinkable to servers), and the reference to
// each published record that goes to accepted contacts. Storage-thread functions over the
// settings table (SQLCipher).
#pragma once

#include <optional>

#include <QString>

#include "crypto/Primitives.h"
#include "storage/Repositories.h"
#include "tandem/content.pb.h"

namespace tandem::core::people {

struct OwnProfile {
    QString name;
    QByteArray avatar;         // a square JPEG (ProfileImages.h), or empty
    std::int64_t version = 0;  // grows with every change; 0: never set
};

storage::StoreResult<OwnProfile> loadOwnProfile(storage::Repositories& r);
// Sets what is given (a name of "" or an empty avatar clears it) and moves the version on.
// The name is checked with ConversationService::validateName; the avatar must come from
// makeAvatar().
storage::StoreResult<OwnProfile> saveOwnProfile(storage::Repositories& r,
                                                const std::optional<QString>& name,
                                                const std::optional<QByteArray>& avatar);

// A mode's record keys: the Ed25519 owner that signs the record and the key its payload is
// sealed under. Made when first asked for; `rotate`: made anew (the old record is left to go
// stale: nobody is told where it is any more).
struct RecordKeys {
    crypto::Ed25519KeyPair owner;
    SecretBytes key;
};
storage::StoreResult<RecordKeys> recordKeys(storage::Repositories& r, storage::Mode mode,
                                            bool rotate = false);

// The reference to the mode's record as last published (what contacts are given), or nullopt
// before anything was published.
storage::StoreResult<std::optional<proto::ProfileRef>> sharedRef(storage::Repositories& r,
                                                                 storage::Mode mode);
storage::StoreResult<void> setSharedRef(storage::Repositories& r, storage::Mode mode,
                                        const proto::ProfileRef& ref);
storage::StoreResult<void> forgetSharedRef(storage::Repositories& r, storage::Mode mode);

// Whether what we send to `contact` carries our profile (and, in Signal mode, our access key):
// only to people the user accepted and did not block. Receipts never carry it.
bool sharesWith(const storage::Contact& contact);
// Queues a ProfileUpdate (our profile reference and, in Signal mode, our access key are
// attached when it is sealed) to every contact of `mode` sharesWith() allows; how many.
storage::StoreResult<int> tellAccepted(storage::Repositories& r, storage::Mode mode,
                                       std::int64_t now);
// The same to one contact, if sharesWith() allows; whether it queued one.
storage::StoreResult<bool> tellContact(storage::Repositories& r, const storage::Contact& contact,
                                       std::int64_t now);

// Adds our profile reference to `content` for `contact` when sharesWith() and it is not a
// receipt; true if it added one.
storage::StoreResult<bool> attachProfile(storage::Repositories& r, const storage::Contact& contact,
                                         proto::Content& content);

}  // namespace tandem::core::people
