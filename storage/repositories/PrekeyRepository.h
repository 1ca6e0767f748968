// PrekeyRepository: this profile's signed prekeys and one-time prekeys (Signal mode). A
// one-time prekey is taken (read and deleted) in the transaction that builds the session
// from it, so it can never be used twice.
#pragma once

#include <optional>
#include <vector>

#include "storage/StoreError.h"
#include "storage/Types.h"

namespace tandem::storage {

class Database;

class PrekeyRepository {
public:
    explicit PrekeyRepository(Database& db) : db_(db) {}

    // Stores a new prekey; a (kind, key id) that exists is a Constraint error.
    StoreResult<void> put(const Prekey& prekey);
    StoreResult<std::optional<Prekey>> get(PrekeyKind kind, std::int64_t keyId);
    // Reads and deletes a one-time prekey.
    StoreResult<std::optional<Prekey>> take(std::int64_t keyId);
    // The newest signed prekey (highest key id).
    StoreResult<std::optional<Prekey>> latestSigned();
    StoreResult<std::int64_t> count(PrekeyKind kind);
    StoreResult<std::int64_t> maxKeyId(PrekeyKind kind);
    StoreResult<std::vector<Prekey>> notUploaded(PrekeyKind kind, int limit);
    StoreResult<void> markUploaded(PrekeyKind kind, const std::vector<std::int64_t>& keyIds);
    StoreResult<bool> remove(PrekeyKind kind, std::int64_t keyId);

private:
    Database& db_;
};

}  // namespace tandem::storage
