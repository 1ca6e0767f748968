#include "storage/repositories/CryptoSessionRepository.h"

#include "storage/Limits.h"
#include "storage/repositories/RepositoryUtil.h"

namespace tandem::storage {

using namespace detail;

StoreResult<SharedSecret> CryptoSessionRepository::load(Mode mode, const QString& address,
                                                        std::int64_t deviceId) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT state FROM crypto_sessions WHERE mode = ? AND "
                                  "address = ? AND device_id = ?"));
    stmt->bindAll(fromEnum(mode), address, deviceId);
    TANDEM_TRY_ASSIGN(
        auto state, optionalRow(*stmt, [](const Statement& row) { return secretColumn(row, 0); }));
    return state.value_or(nullptr);
}

StoreResult<void> CryptoSessionRepository::store(Mode mode, const QString& address,
                                                 std::int64_t deviceId, const SecretBytes& state,
                                                 std::int64_t now) {
    TANDEM_TRY(checkLimit(static_cast<qsizetype>(state.size()) <= limits::kMaxSessionStateBytes,
                          "session state", limits::kMaxSessionStateBytes));
    TANDEM_TRY(checkLimit(address.size() <= limits::kMaxAddressChars, "address",
                          limits::kMaxAddressChars));
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("INSERT OR REPLACE INTO crypto_sessions (mode, address, "
                                  "device_id, state, updated_at) VALUES (?, ?, ?, ?, ?)"));
    stmt->bindAll(fromEnum(mode), address, deviceId, state.span(), now);
    return stmt->run();
}

StoreResult<std::vector<std::int64_t>> CryptoSessionRepository::devices(Mode mode,
                                                                        const QString& address) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT device_id FROM crypto_sessions WHERE mode = ? AND "
                                  "address = ? ORDER BY device_id"));
    stmt->bindAll(fromEnum(mode), address);
    return collectRows(*stmt, [](const Statement& row) { return row.int64(0); });
}

StoreResult<std::optional<std::int64_t>> CryptoSessionRepository::updatedAt(Mode mode,
                                                                            const QString& address,
                                                                            std::int64_t deviceId) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT updated_at FROM crypto_sessions WHERE mode = ? AND "
                                  "address = ? AND device_id = ?"));
    stmt->bindAll(fromEnum(mode), address, deviceId);
    return optionalRow(*stmt, [](const Statement& s) { return s.int64(0); });
}

StoreResult<int> CryptoSessionRepository::removeAll(Mode mode, const QString& address) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("DELETE FROM crypto_sessions WHERE mode = ? AND address = ?"));
    stmt->bindAll(fromEnum(mode), address);
    TANDEM_TRY(stmt->run());
    return db_.changes();
}

StoreResult<int> CryptoSessionRepository::removeMode(Mode mode) {
    TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare("DELETE FROM crypto_sessions WHERE mode = ?"));
    stmt->bind(1, fromEnum(mode));
    TANDEM_TRY(stmt->run());
    return db_.changes();
}

}  // namespace tandem::storage
