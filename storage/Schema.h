// Schema: the current schema for new databases, and the ordered migrations that bring an
// older database to it. tests/storage/tst_schema proves that a database migrated from every
// earlier version has exactly the schema of a fresh one.
#pragma once

#include <array>
#include <string_view>

#include "storage/StoreError.h"

namespace tandem::storage {

class Database;

struct Migration {
    int version;                   // the user_version after this step
    std::string_view description;  // shown in the log
    std::string_view sql;
};

inline constexpr int kSchemaVersion = 11;
extern const std::array<Migration, kSchemaVersion> kMigrations;

// Creates the current schema in an empty database.
StoreResult<void> createFreshSchema(Database& db);
// Brings `db` to kSchemaVersion: a fresh schema when empty, migrations when older. Refuses
// (DatabaseTooNew) a database written by a newer Tandem, without touching it.
StoreResult<void> migrate(Database& db);
// Read-only: DatabaseTooNew if `db` was written by a newer Tandem.
StoreResult<void> checkSchemaVersion(Database& db);
// Applies migrations 1..target to an empty database (tests build old databases with it).
StoreResult<void> migrateTo(Database& db, int target);

}  // namespace tandem::storage
