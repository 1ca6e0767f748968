// ContactRepository: people this profile talks to, one row per (mode, address), with the
// identity key last seen for them and its verification state.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "storage/StoreError.h"
#include "storage/Types.h"

namespace tandem::storage {

class Database;

class ContactRepository {
public:
    explicit ContactRepository(Database& db) : db_(db) {}

    // Returns the existing contact for (mode, address) as it is, or creates it: `accepted`
    // false for someone who wrote first (a message request, docs/people.md).
    StoreResult<Contact> add(Mode mode, const QString& address, const QString& displayName,
                             std::int64_t now, bool accepted = true);
    StoreResult<std::optional<Contact>> find(Mode mode, const QString& address);
    StoreResult<Contact> get(std::int64_t id);
    StoreResult<std::vector<Contact>> list(Mode mode);
    StoreResult<void> rename(std::int64_t id, const QString& displayName);
    // Records the contact's identity key. A different key than before is a Changed result:
    // identity_changed_at is set and a Verified contact becomes Unverified.
    StoreResult<IdentityChange> saveIdentityKey(std::int64_t id, const QByteArray& key,
                                                std::int64_t now);
    // Verified needs a known identity key.
    StoreResult<void> setVerification(std::int64_t id, Verification verification);
    StoreResult<void> setBlocked(std::int64_t id, bool blocked);
    StoreResult<void> setAccepted(std::int64_t id, bool accepted);
    // Every blocked contact, by mode and name.
    StoreResult<std::vector<Contact>> blocked();
    StoreResult<void> setAccessKey(std::int64_t id, const QByteArray& accessKey);

    // Profiles (docs/people.md). A contact's message said where their profile record is and
    // which version they published: true if that is news (another record, or a newer version),
    // and the profile is then wanted until setProfile() stores it.
    StoreResult<bool> announceProfile(std::int64_t id, const QByteArray& record,
                                      std::span<const std::uint8_t> key, std::int64_t version);
    // Unblocked contacts whose announced profile is newer than the one fetched.
    StoreResult<std::vector<Contact>> profilesWanted();
    // Stores a profile fetched from `record` at `version` (false, nothing changed, if the
    // contact has moved to another record or holds that version or a newer one already).
    // `avatar`: a checked image, at most limits::kMaxProfileAvatarBytes; empty for none.
    StoreResult<bool> setProfile(std::int64_t id, const QByteArray& record, std::int64_t version,
                                 const QString& name, const QByteArray& avatar);
    // The contact's avatar as fetched (empty if none).
    StoreResult<QByteArray> avatar(std::int64_t id);
    // Records the contact's service id. False (and nothing changed) if another contact of the
    // mode holds it already: the two stay apart rather than merge conversations silently.
    StoreResult<bool> setServiceId(std::int64_t id, const QString& serviceId);
    StoreResult<std::optional<Contact>> findByServiceId(Mode mode, const QString& serviceId);
    // A contact of the mode without a service id whose last seen identity key is `key`.
    StoreResult<std::optional<Contact>> findUnresolvedByIdentityKey(Mode mode,
                                                                    const QByteArray& key);
    // Folds contact `from` into `into` (the same person, known twice: e.g. by account id
    // before we learned it belongs to a number): messages and queued sends move to `into`'s
    // conversation, `into` takes `from`'s service id, access key and identity key where it has
    // none, and `from` is removed. Crypto sessions are the caller's (they are by address).
    StoreResult<Contact> mergeInto(std::int64_t from, std::int64_t into, std::int64_t now);
    // Removes the contact and (by cascade) its conversation and messages.
    StoreResult<bool> remove(std::int64_t id);

private:
    Database& db_;
};

}  // namespace tandem::storage
