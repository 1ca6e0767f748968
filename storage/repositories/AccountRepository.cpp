#include "storage/repositories/AccountRepository.h"

#include "storage/Limits.h"
#include "storage/repositories/RepositoryUtil.h"

namespace tandem::storage {

using namespace detail;

namespace {

constexpr std::string_view kColumns =
    "mode, address, identity_public, identity_secret, signing_public, signing_secret, "
    "credentials, created_at";

Account readAccount(const Statement& stmt) {
    Account account;
    account.mode = toEnum<Mode>(stmt.int64(0));
    account.address = stmt.text(1);
    account.identityPublic = stmt.blob(2);
    account.identitySecret = secretColumn(stmt, 3);
    account.signingPublic = stmt.blob(4);
    account.signingSecret = secretColumn(stmt, 5);
    account.credentials = secretColumn(stmt, 6);
    account.createdAt = stmt.int64(7);
    return account;
}

}  // namespace

StoreResult<void> AccountRepository::put(const Account& account) {
    TANDEM_TRY(checkLimit(account.address.size() <= limits::kMaxAddressChars, "address",
                          limits::kMaxAddressChars));
    TANDEM_TRY(checkLimit(account.identityPublic.size() <= limits::kMaxKeyBytes &&
                              bytes(account.identitySecret).size() <= limits::kMaxKeyBytes &&
                              account.signingPublic.size() <= limits::kMaxKeyBytes &&
                              bytes(account.signingSecret).size() <= limits::kMaxKeyBytes &&
                              bytes(account.credentials).size() <= limits::kMaxKeyBytes,
                          "key", limits::kMaxKeyBytes));
    if (account.address.isEmpty() || account.identityPublic.isEmpty() || !account.identitySecret) {
        return storeError(StoreErrorCode::InvalidArgument,
                          QStringLiteral("An account needs an address and an identity key pair."));
    }
    // No rows reference accounts, so REPLACE's delete-then-insert cascades nowhere.
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("INSERT OR REPLACE INTO accounts (mode, address, "
                                  "identity_public, identity_secret, signing_public, "
                                  "signing_secret, credentials, created_at) "
                                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    stmt->bindAll(fromEnum(account.mode), account.address, account.identityPublic,
                  bytes(account.identitySecret));
    stmt->bind(5, account.signingPublic);
    account.signingSecret ? stmt->bind(6, bytes(account.signingSecret)) : stmt->bindNull(6);
    account.credentials ? stmt->bind(7, bytes(account.credentials)) : stmt->bindNull(7);
    stmt->bind(8, account.createdAt);
    return stmt->run();
}

StoreResult<std::optional<Account>> AccountRepository::get(Mode mode) {
    static const std::string sql =
        std::string("SELECT ").append(kColumns).append(" FROM accounts WHERE mode = ?");
    TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare(sql));
    stmt->bind(1, fromEnum(mode));
    return optionalRow(*stmt, readAccount);
}

StoreResult<std::vector<Account>> AccountRepository::all() {
    static const std::string sql =
        std::string("SELECT ").append(kColumns).append(" FROM accounts ORDER BY mode");
    TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare(sql));
    return collectRows(*stmt, readAccount);
}

StoreResult<bool> AccountRepository::remove(Mode mode) {
    TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare("DELETE FROM accounts WHERE mode = ?"));
    stmt->bind(1, fromEnum(mode));
    return runDelete(db_, *stmt);
}

}  // namespace tandem::storage
