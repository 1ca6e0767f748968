// CryptoSessionRepository: the serialized ratchet state per peer device. The crypto layer
// owns the format (protobuf); here it is an opaque secret blob, written in the same
// transaction as the message that advanced it.
#pragma once

#include <optional>
#include <vector>

#include "storage/StoreError.h"
#include "storage/Types.h"

namespace tandem::storage {

class Database;

class CryptoSessionRepository {
public:
    explicit CryptoSessionRepository(Database& db) : db_(db) {}

    StoreResult<SharedSecret> load(Mode mode, const QString& address, std::int64_t deviceId);
    StoreResult<void> store(Mode mode, const QString& address, std::int64_t deviceId,
                            const SecretBytes& state, std::int64_t now);
    StoreResult<std::vector<std::int64_t>> devices(Mode mode, const QString& address);
    // When the session was last stored (nullopt: none).
    StoreResult<std::optional<std::int64_t>> updatedAt(Mode mode, const QString& address,
                                                       std::int64_t deviceId);
    // Removes every device's session with `address` (e.g. after an identity reset).
    StoreResult<int> removeAll(Mode mode, const QString& address);
    // Removes every session of `mode` (our own identity in that mode was replaced).
    StoreResult<int> removeMode(Mode mode);

private:
    Database& db_;
};

}  // namespace tandem::storage
