#include "storage/repositories/PrekeyRepository.h"

#include "storage/Limits.h"
#include "storage/repositories/RepositoryUtil.h"

namespace tandem::storage {

using namespace detail;

namespace {

#define PREKEY_COLUMNS "kind, key_id, public_key, secret_key, signature, uploaded, created_at"

Prekey readPrekey(const Statement& stmt) {
    Prekey p;
    p.kind = toEnum<PrekeyKind>(stmt.int64(0));
    p.keyId = stmt.int64(1);
    p.publicKey = stmt.blob(2);
    p.secretKey = secretColumn(stmt, 3);
    p.signature = stmt.blob(4);
    p.uploaded = stmt.int64(5) != 0;
    p.createdAt = stmt.int64(6);
    return p;
}

}  // namespace

StoreResult<void> PrekeyRepository::put(const Prekey& p) {
    if (p.publicKey.isEmpty() || !p.secretKey || p.keyId < 0 ||
        (p.kind == PrekeyKind::Signed && p.signature.isEmpty())) {
        return storeError(StoreErrorCode::InvalidArgument,
                          QStringLiteral("A prekey needs a key id, a key pair and (signed "
                                         "prekeys) a signature."));
    }
    TANDEM_TRY(checkLimit(p.publicKey.size() <= limits::kMaxKeyBytes &&
                              bytes(p.secretKey).size() <= limits::kMaxKeyBytes &&
                              p.signature.size() <= limits::kMaxKeyBytes,
                          "prekey", limits::kMaxKeyBytes));
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("INSERT INTO prekeys (kind, key_id, public_key, secret_key, "
                                  "signature, uploaded, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    stmt->bindAll(fromEnum(p.kind), p.keyId, p.publicKey, bytes(p.secretKey));
    p.signature.isEmpty() ? stmt->bindNull(5) : stmt->bind(5, p.signature);
    stmt->bind(6, std::int64_t{p.uploaded ? 1 : 0});
    stmt->bind(7, p.createdAt);
    return stmt->run();
}

StoreResult<std::optional<Prekey>> PrekeyRepository::get(PrekeyKind kind, std::int64_t keyId) {
    TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare("SELECT " PREKEY_COLUMNS " FROM prekeys "
                                                    "WHERE kind = ? AND key_id = ?"));
    stmt->bindAll(fromEnum(kind), keyId);
    return optionalRow(*stmt, readPrekey);
}

StoreResult<std::optional<Prekey>> PrekeyRepository::take(std::int64_t keyId) {
    TANDEM_TRY_ASSIGN(auto prekey, get(PrekeyKind::OneTime, keyId));
    if (prekey) {
        TANDEM_TRY(remove(PrekeyKind::OneTime, keyId));
    }
    return prekey;
}

StoreResult<std::optional<Prekey>> PrekeyRepository::latestSigned() {
    TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare("SELECT " PREKEY_COLUMNS " FROM prekeys "
                                                    "WHERE kind = 1 ORDER BY key_id DESC LIMIT 1"));
    return optionalRow(*stmt, readPrekey);
}

StoreResult<std::int64_t> PrekeyRepository::count(PrekeyKind kind) {
    TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare("SELECT count(*) FROM prekeys WHERE kind = ?"));
    stmt->bind(1, fromEnum(kind));
    return singleInt(*stmt);
}

StoreResult<std::int64_t> PrekeyRepository::maxKeyId(PrekeyKind kind) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT coalesce(max(key_id), 0) FROM prekeys WHERE kind = ?"));
    stmt->bind(1, fromEnum(kind));
    return singleInt(*stmt);
}

StoreResult<std::vector<Prekey>> PrekeyRepository::notUploaded(PrekeyKind kind, int limit) {
    TANDEM_TRY(checkPageSize(limit));
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT " PREKEY_COLUMNS " FROM prekeys WHERE kind = ? AND "
                                  "uploaded = 0 ORDER BY key_id LIMIT ?"));
    stmt->bindAll(fromEnum(kind), limit);
    return collectRows(*stmt, readPrekey);
}

StoreResult<void> PrekeyRepository::markUploaded(PrekeyKind kind,
                                                 const std::vector<std::int64_t>& keyIds) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("UPDATE prekeys SET uploaded = 1 WHERE kind = ? AND key_id = ?"));
    for (const std::int64_t keyId : keyIds) {
        stmt->reset();
        stmt->bindAll(fromEnum(kind), keyId);
        TANDEM_TRY(stmt->run());
    }
    return {};
}

StoreResult<bool> PrekeyRepository::remove(PrekeyKind kind, std::int64_t keyId) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("DELETE FROM prekeys WHERE kind = ? AND key_id = ?"));
    stmt->bindAll(fromEnum(kind), keyId);
    return runDelete(db_, *stmt);
}

}  // namespace tandem::storage
