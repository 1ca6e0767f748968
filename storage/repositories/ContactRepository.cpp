#include "storage/repositories/ContactRepository.h"

#include "storage/Limits.h"
#include "storage/repositories/ConversationRepository.h"
#include "storage/repositories/RepositoryUtil.h"

namespace tandem::storage {

using namespace detail;

namespace {

#define CONTACT_COLUMNS                                                                    \
    "id, mode, address, display_name, identity_key, verification, identity_changed_at, "   \
    "blocked, created_at, access_key, service_id, accepted, profile_record, profile_key, " \
    "profile_wanted, profile_version, profile_name, profile_avatar IS NOT NULL"

Contact readContact(const Statement& stmt) {
    Contact contact;
    contact.id = stmt.int64(0);
    contact.mode = toEnum<Mode>(stmt.int64(1));
    contact.address = stmt.text(2);
    contact.displayName = stmt.text(3);
    contact.identityKey = stmt.blob(4);
    contact.verification = toEnum<Verification>(stmt.int64(5));
    contact.identityChangedAt = stmt.optInt64(6);
    contact.blocked = stmt.int64(7) != 0;
    contact.createdAt = stmt.int64(8);
    contact.accessKey = stmt.blob(9);
    contact.serviceId = stmt.text(10);
    contact.accepted = stmt.int64(11) != 0;
    contact.profileRecord = stmt.blob(12);
    contact.profileKey = secretColumn(stmt, 13);
    contact.profileWanted = stmt.int64(14);
    contact.profileVersion = stmt.int64(15);
    contact.profileName = stmt.text(16);
    contact.hasAvatar = stmt.int64(17) != 0;
    return contact;
}

StoreResult<void> checkName(const QString& name) {
    return checkLimit(name.size() <= limits::kMaxDisplayNameChars, "display name",
                      limits::kMaxDisplayNameChars);
}

}  // namespace

StoreResult<Contact> ContactRepository::add(Mode mode, const QString& address,
                                            const QString& displayName, std::int64_t now,
                                            bool accepted) {
    if (address.isEmpty()) {
        return storeError(StoreErrorCode::InvalidArgument, QStringLiteral("The address is empty."));
    }
    TANDEM_TRY(checkLimit(address.size() <= limits::kMaxAddressChars, "address",
                          limits::kMaxAddressChars));
    TANDEM_TRY(checkName(displayName));
    TANDEM_TRY_ASSIGN(Statement * insert,
                      db_.prepare("INSERT OR IGNORE INTO contacts (mode, address, display_name, "
                                  "created_at, accepted) VALUES (?, ?, ?, ?, ?)"));
    insert->bindAll(fromEnum(mode), address, displayName, now, std::int64_t{accepted ? 1 : 0});
    TANDEM_TRY(insert->run());
    TANDEM_TRY_ASSIGN(auto found, find(mode, address));
    if (!found) {
        return storeError(StoreErrorCode::Internal, QStringLiteral("Contact insert vanished."));
    }
    return *found;
}

StoreResult<std::optional<Contact>> ContactRepository::find(Mode mode, const QString& address) {
    TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare("SELECT " CONTACT_COLUMNS " FROM contacts "
                                                    "WHERE mode = ? AND address = ?"));
    stmt->bindAll(fromEnum(mode), address);
    return optionalRow(*stmt, readContact);
}

StoreResult<Contact> ContactRepository::get(std::int64_t id) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT " CONTACT_COLUMNS " FROM contacts WHERE id = ?"));
    stmt->bind(1, id);
    return requiredRow(*stmt, readContact, "contact", id);
}

StoreResult<std::vector<Contact>> ContactRepository::list(Mode mode) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT " CONTACT_COLUMNS " FROM contacts WHERE mode = ? "
                                  "ORDER BY display_name COLLATE NOCASE, address"));
    stmt->bind(1, fromEnum(mode));
    return collectRows(*stmt, readContact);
}

StoreResult<void> ContactRepository::rename(std::int64_t id, const QString& displayName) {
    TANDEM_TRY(checkName(displayName));
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("UPDATE contacts SET display_name = ? WHERE id = ?"));
    stmt->bindAll(displayName, id);
    return runExpectingRow(db_, *stmt, "contact", id);
}

StoreResult<IdentityChange> ContactRepository::saveIdentityKey(std::int64_t id,
                                                               const QByteArray& key,
                                                               std::int64_t now) {
    TANDEM_TRY(checkLimit(!key.isEmpty() && key.size() <= limits::kMaxKeyBytes, "identity key",
                          limits::kMaxKeyBytes));
    TANDEM_TRY_ASSIGN(const Contact contact, get(id));
    if (contact.identityKey.isEmpty()) {
        TANDEM_TRY_ASSIGN(Statement * stmt,
                          db_.prepare("UPDATE contacts SET identity_key = ? WHERE id = ?"));
        stmt->bindAll(key, id);
        TANDEM_TRY(stmt->run());
        return IdentityChange::First;
    }
    if (contact.identityKey.size() == key.size() &&
        sodium_memcmp(contact.identityKey.constData(), key.constData(),
                      static_cast<std::size_t>(key.size())) == 0) {
        return IdentityChange::Unchanged;
    }
    const Verification next = contact.verification == Verification::Verified
                                  ? Verification::Unverified
                                  : contact.verification;
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("UPDATE contacts SET identity_key = ?, identity_changed_at = ?, "
                                  "verification = ? WHERE id = ?"));
    stmt->bindAll(key, now, fromEnum(next), id);
    TANDEM_TRY(stmt->run());
    return IdentityChange::Changed;
}

StoreResult<void> ContactRepository::setVerification(std::int64_t id, Verification verification) {
    TANDEM_TRY_ASSIGN(const Contact contact, get(id));
    if (verification == Verification::Verified && contact.identityKey.isEmpty()) {
        return storeError(StoreErrorCode::InvalidArgument,
                          QStringLiteral("A contact can be marked verified only once their "
                                         "identity key is known."));
    }
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("UPDATE contacts SET verification = ? WHERE id = ?"));
    stmt->bindAll(fromEnum(verification), id);
    return stmt->run();
}

StoreResult<void> ContactRepository::setBlocked(std::int64_t id, bool blocked) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("UPDATE contacts SET blocked = ? WHERE id = ?"));
    stmt->bindAll(std::int64_t{blocked ? 1 : 0}, id);
    return runExpectingRow(db_, *stmt, "contact", id);
}

StoreResult<void> ContactRepository::setAccepted(std::int64_t id, bool accepted) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("UPDATE contacts SET accepted = ? WHERE id = ?"));
    stmt->bindAll(std::int64_t{accepted ? 1 : 0}, id);
    return runExpectingRow(db_, *stmt, "contact", id);
}

StoreResult<std::vector<Contact>> ContactRepository::blocked() {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT " CONTACT_COLUMNS " FROM contacts WHERE blocked = 1 "
                                  "ORDER BY mode, display_name COLLATE NOCASE, address"));
    return collectRows(*stmt, readContact);
}

StoreResult<bool> ContactRepository::announceProfile(std::int64_t id, const QByteArray& record,
                                                     std::span<const std::uint8_t> key,
                                                     std::int64_t version) {
    if (record.size() != limits::kProfileRecordNameBytes ||
        key.size() != static_cast<std::size_t>(limits::kProfileKeyBytes) || version <= 0) {
        return storeError(StoreErrorCode::InvalidArgument,
                          QStringLiteral("A profile reference needs a 16-byte record name, a "
                                         "32-byte key and a version."));
    }
    TANDEM_TRY_ASSIGN(const Contact contact, get(id));
    const bool sameRecord = contact.profileRecord == record && contact.profileKey &&
                            contact.profileKey->size() == key.size() &&
                            sodium_memcmp(contact.profileKey->data(), key.data(), key.size()) == 0;
    if (sameRecord && version <= contact.profileWanted) {
        return false;
    }
    // Another record (they rotated it) starts over: what we fetched was of the old one.
    TANDEM_TRY_ASSIGN(
        Statement * stmt,
        db_.prepare(sameRecord ? "UPDATE contacts SET profile_wanted = ? WHERE id = ?"
                               : "UPDATE contacts SET profile_wanted = ?, profile_record = ?, "
                                 "profile_key = ?, profile_version = 0 WHERE id = ?"));
    if (sameRecord) {
        stmt->bindAll(version, id);
    } else {
        stmt->bindAll(version, record, key, id);
    }
    TANDEM_TRY(stmt->run());
    return true;
}

StoreResult<std::vector<Contact>> ContactRepository::profilesWanted() {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT " CONTACT_COLUMNS " FROM contacts "
                                  "WHERE profile_wanted > profile_version AND blocked = 0"));
    return collectRows(*stmt, readContact);
}

StoreResult<bool> ContactRepository::setProfile(std::int64_t id, const QByteArray& record,
                                                std::int64_t version, const QString& name,
                                                const QByteArray& avatar) {
    TANDEM_TRY(checkLimit(name.size() <= limits::kMaxDisplayNameChars, "profile name",
                          limits::kMaxDisplayNameChars));
    TANDEM_TRY(checkLimit(avatar.size() <= limits::kMaxProfileAvatarBytes, "avatar",
                          limits::kMaxProfileAvatarBytes));
    // Only for the record it was fetched from, and never back to an older version.
    TANDEM_TRY_ASSIGN(
        Statement * stmt,
        db_.prepare("UPDATE contacts SET profile_version = ?1, profile_name = ?2, "
                    "profile_avatar = ?3, profile_wanted = max(profile_wanted, ?1) "
                    "WHERE id = ?4 AND profile_record = ?5 AND profile_version < ?1"));
    stmt->bind(1, version);
    stmt->bind(2, name);
    avatar.isEmpty() ? stmt->bindNull(3) : stmt->bind(3, bytes(avatar));
    stmt->bind(4, id);
    stmt->bind(5, bytes(record));
    TANDEM_TRY(stmt->run());
    return db_.changes() > 0;
}

StoreResult<QByteArray> ContactRepository::avatar(std::int64_t id) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT profile_avatar FROM contacts WHERE id = ?"));
    stmt->bind(1, id);
    return requiredRow(
        *stmt, [](const Statement& row) { return row.blob(0); }, "contact", id);
}

StoreResult<void> ContactRepository::setAccessKey(std::int64_t id, const QByteArray& accessKey) {
    TANDEM_TRY(checkLimit(accessKey.size() <= 64, "access key", 64));
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("UPDATE contacts SET access_key = ? WHERE id = ?"));
    stmt->bindAll(accessKey, id);
    return runExpectingRow(db_, *stmt, "contact", id);
}

StoreResult<bool> ContactRepository::setServiceId(std::int64_t id, const QString& serviceId) {
    if (serviceId.isEmpty()) {
        return storeError(StoreErrorCode::InvalidArgument,
                          QStringLiteral("The service id is empty."));
    }
    TANDEM_TRY(checkLimit(serviceId.size() <= limits::kMaxAddressChars, "service id",
                          limits::kMaxAddressChars));
    TANDEM_TRY_ASSIGN(const Contact contact, get(id));
    if (contact.serviceId == serviceId) {
        return true;
    }
    TANDEM_TRY_ASSIGN(const auto holder, findByServiceId(contact.mode, serviceId));
    if (holder) {
        return false;
    }
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("UPDATE contacts SET service_id = ? WHERE id = ?"));
    stmt->bindAll(serviceId, id);
    TANDEM_TRY(runExpectingRow(db_, *stmt, "contact", id));
    return true;
}

StoreResult<std::optional<Contact>> ContactRepository::findByServiceId(Mode mode,
                                                                       const QString& serviceId) {
    TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare("SELECT " CONTACT_COLUMNS " FROM contacts "
                                                    "WHERE mode = ? AND service_id = ?"));
    stmt->bindAll(fromEnum(mode), serviceId);
    return optionalRow(*stmt, readContact);
}

StoreResult<std::optional<Contact>> ContactRepository::findUnresolvedByIdentityKey(
    Mode mode, const QByteArray& key) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT " CONTACT_COLUMNS " FROM contacts WHERE mode = ? AND "
                                  "identity_key = ? AND service_id IS NULL ORDER BY id LIMIT 1"));
    stmt->bindAll(fromEnum(mode), key);
    return optionalRow(*stmt, readContact);
}

StoreResult<Contact> ContactRepository::mergeInto(std::int64_t from, std::int64_t into,
                                                  std::int64_t now) {
    TANDEM_TRY_ASSIGN(const Contact source, get(from));
    TANDEM_TRY_ASSIGN(const Contact target, get(into));
    if (source.id == target.id || source.mode != target.mode) {
        return storeError(StoreErrorCode::InvalidArgument,
                          QStringLiteral("Only two different contacts of one mode can merge."));
    }
    ConversationRepository conversations(db_);
    TANDEM_TRY_ASSIGN(const Conversation to, conversations.forContact(into, now));
    TANDEM_TRY_ASSIGN(const Conversation away, conversations.forContact(from, now));
    for (const char* sql : {"UPDATE messages SET conversation_id = ? WHERE conversation_id = ?",
                            "UPDATE outbox SET conversation_id = ? WHERE conversation_id = ?"}) {
        TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare(sql));
        stmt->bindAll(to.id, away.id);
        TANDEM_TRY(stmt->run());
    }
    if (target.accessKey.isEmpty() && !source.accessKey.isEmpty()) {
        TANDEM_TRY(setAccessKey(into, source.accessKey));
    }
    if (target.identityKey.isEmpty() && !source.identityKey.isEmpty()) {
        TANDEM_TRY(saveIdentityKey(into, source.identityKey, now));
    }
    if (source.accepted && !target.accepted) {  // one person: accepted under either name
        TANDEM_TRY(setAccepted(into, true));
    }
    if (source.blocked && !target.blocked) {  // and blocked under either: a new name is no way out
        TANDEM_TRY(setBlocked(into, true));
    }
    if (target.profileRecord.isEmpty() && !source.profileRecord.isEmpty() && source.profileKey) {
        TANDEM_TRY(announceProfile(into, source.profileRecord, source.profileKey->span(),
                                   std::max<std::int64_t>(source.profileWanted, 1)));
    }
    TANDEM_TRY(remove(from));
    if (!source.serviceId.isEmpty() && target.serviceId.isEmpty()) {
        TANDEM_TRY(setServiceId(into, source.serviceId));
    }
    return get(into);
}

StoreResult<bool> ContactRepository::remove(std::int64_t id) {
    TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare("DELETE FROM contacts WHERE id = ?"));
    stmt->bind(1, id);
    return runDelete(db_, *stmt);
}

}  // namespace tandem::storage
