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
    TANDEM_TRY_ASSIGN(const bool row, stmt->step());
    SharedSecret state = row ? secretColumn(*stmt, 0) : nullptr;
    stmt->reset();
    return state;
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
    std::vector<std::int64_t> result;
    while (true) {
        TANDEM_TRY_ASSIGN(const bool row, stmt->step());
        if (!row) {
            break;
        }
        result.push_back(stmt->int64(0));
    }
    return result;
}

StoreResult<int> CryptoSessionRepository::removeAll(Mode mode, const QString& address) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("DELETE FROM crypto_sessions WHERE mode = ? AND address = ?"));
    stmt->bindAll(fromEnum(mode), address);
    TANDEM_TRY(stmt->run());
    return db_.changes();
}

}  // namespace tandem::storage
