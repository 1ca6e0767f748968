#include "storage/repositories/SettingsRepository.h"

#include "storage/Limits.h"
#include "storage/repositories/RepositoryUtil.h"

namespace tandem::storage {

using namespace detail;

StoreResult<std::optional<QByteArray>> SettingsRepository::get(const QString& key) {
    TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare("SELECT value FROM settings WHERE key = ?"));
    stmt->bind(1, key);
    return optionalRow(*stmt, [](const Statement& row) { return row.blob(0); });
}

StoreResult<void> SettingsRepository::set(const QString& key, const QByteArray& value) {
    TANDEM_TRY(checkLimit(key.size() <= 128, "setting name", 128));
    TANDEM_TRY(checkLimit(value.size() <= limits::kMaxSettingBytes, "setting value",
                          limits::kMaxSettingBytes));
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)"));
    stmt->bindAll(key, value);
    return stmt->run();
}

StoreResult<bool> SettingsRepository::remove(const QString& key) {
    TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare("DELETE FROM settings WHERE key = ?"));
    stmt->bind(1, key);
    return runDelete(db_, *stmt);
}

}  // namespace tandem::storage
