// SettingsRepository: small per-profile preferences (chosen mode, notification previews, …)
// kept inside the encrypted database rather than in a plaintext config file.
#pragma once

#include <optional>

#include <QByteArray>
#include <QString>

#include "storage/StoreError.h"

namespace tandem::storage {

class Database;

class SettingsRepository {
public:
    explicit SettingsRepository(Database& db) : db_(db) {}

    StoreResult<std::optional<QByteArray>> get(const QString& key);
    StoreResult<void> set(const QString& key, const QByteArray& value);
    StoreResult<bool> remove(const QString& key);

private:
    Database& db_;
};

}  // namespace tandem::storage
