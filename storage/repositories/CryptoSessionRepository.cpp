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
    // Updated in place: the row stays on its page and its key index is not touched (a REPLACE
    // would delete and insert both). One row by its key, OR FAIL: no statement journal (an
    // UPDATE that may abort has one, and SQLCipher encrypts each page it journals: 34 µs a
    // save against 5.5, relay_bench --trace). Inserted only the first time; the caller's
    // transaction makes the two statements one step. A record over ~4 000 bytes (skipped keys)
    // still goes to overflow pages, written again with every rewrite.
    TANDEM_TRY_ASSIGN(Statement * update,
                      db_.prepare("UPDATE OR FAIL crypto_sessions SET state = ?, updated_at = ? "
                                  "WHERE mode = ? AND address = ? AND device_id = ?"));
    update->bindAll(state.span(), now, fromEnum(mode), address, deviceId);
    TANDEM_TRY(update->run());
    if (db_.changes() == 1) {
        return {};
    }
    TANDEM_TRY_ASSIGN(Statement * insert,
                      db_.prepare("INSERT INTO crypto_sessions (mode, address, device_id, state, "
                                  "updated_at) VALUES (?, ?, ?, ?, ?)"));
    insert->bindAll(fromEnum(mode), address, deviceId, state.span(), now);
    return insert->run();
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
