// Helpers shared by the repositories (internal to storage/).
#pragma once

#include <cstdint>
#include <span>

#include <QByteArray>
#include <QString>

#include <tandem/common/SecretBytes.h>

#include "storage/Database.h"
#include "storage/StoreError.h"
#include "storage/Types.h"

namespace tandem::storage::detail {

inline StoreResult<void> checkLimit(bool ok, const char* what, qsizetype limit) {
    if (!ok) {
        return storeError(StoreErrorCode::InvalidArgument,
                          QStringLiteral("The %1 is too long (the limit is %2).")
                              .arg(QLatin1String(what))
                              .arg(limit));
    }
    return {};
}

inline StoreResult<void> checkPageSize(int limit) {
    if (limit < 1 || limit > limits::kMaxPageSize) {
        return storeError(StoreErrorCode::InvalidArgument,
                          QStringLiteral("A page holds 1 to %1 rows.").arg(limits::kMaxPageSize));
    }
    return {};
}

inline std::span<const std::uint8_t> bytes(const QByteArray& array) {
    return {reinterpret_cast<const std::uint8_t*>(array.constData()),  // NOLINT
            static_cast<std::size_t>(array.size())};
}

inline std::span<const std::uint8_t> bytes(const SharedSecret& secret) {
    return secret ? secret->span() : std::span<const std::uint8_t>{};
}

inline SharedSecret secretColumn(const Statement& stmt, int column) {
    if (stmt.isNull(column)) {
        return nullptr;
    }
    return makeSecret(SecretBytes(stmt.blobView(column)));
}

inline StoreError notFound(const char* what, std::int64_t id) {
    return {StoreErrorCode::NotFound,
            QStringLiteral("No %1 with id %2.").arg(QLatin1String(what)).arg(id)};
}

template <class E>
E toEnum(std::int64_t value) {
    return static_cast<E>(static_cast<int>(value));
}

template <class E>
std::int64_t fromEnum(E value) {
    return static_cast<std::int64_t>(value);
}

}  // namespace tandem::storage::detail
