// AccountRepository: this profile's own identities, at most one per mode.
#pragma once

#include <optional>
#include <vector>

#include "storage/StoreError.h"
#include "storage/Types.h"

namespace tandem::storage {

class Database;

class AccountRepository {
public:
    explicit AccountRepository(Database& db) : db_(db) {}

    // Creates or replaces the account of `account.mode`.
    StoreResult<void> put(const Account& account);
    StoreResult<std::optional<Account>> get(Mode mode);
    StoreResult<std::vector<Account>> all();
    StoreResult<bool> remove(Mode mode);

private:
    Database& db_;
};

}  // namespace tandem::storage
