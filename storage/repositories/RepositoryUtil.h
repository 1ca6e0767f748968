// Helpers shared by the repositories (internal to storage/).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

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

// Steps `stmt` to the end, mapping each row with `read(const Statement&)`.
template <class Read>
auto collectRows(Statement& stmt, Read read)
    -> StoreResult<std::vector<std::invoke_result_t<Read&, const Statement&>>> {
    std::vector<std::invoke_result_t<Read&, const Statement&>> rows;
    while (true) {
        TANDEM_TRY_ASSIGN(const bool row, stmt.step());
        if (!row) {
            return rows;
        }
        rows.push_back(read(std::as_const(stmt)));
    }
}

// The first row mapped with `read`, or nothing; the statement is reset afterwards.
template <class Read>
auto optionalRow(Statement& stmt, Read read)
    -> StoreResult<std::optional<std::invoke_result_t<Read&, const Statement&>>> {
    TANDEM_TRY_ASSIGN(const bool row, stmt.step());
    std::optional<std::invoke_result_t<Read&, const Statement&>> result;
    if (row) {
        result = read(std::as_const(stmt));
    }
    stmt.reset();
    return result;
}

// The first row, or NotFound naming `what` and `id`.
template <class Read>
auto requiredRow(Statement& stmt, Read read, const char* what, std::int64_t id)
    -> StoreResult<std::invoke_result_t<Read&, const Statement&>> {
    TANDEM_TRY_ASSIGN(auto row, optionalRow(stmt, read));
    if (!row) {
        return unexpected(notFound(what, id));
    }
    return std::move(*row);
}

// The single integer a query such as "SELECT count(*) …" returns.
inline StoreResult<std::int64_t> singleInt(Statement& stmt) {
    TANDEM_TRY(stmt.step());
    const std::int64_t value = stmt.int64(0);
    stmt.reset();
    return value;
}

// Runs an UPDATE/DELETE that must touch a row; NotFound otherwise.
inline StoreResult<void> runExpectingRow(Database& db, Statement& stmt, const char* what,
                                         std::int64_t id) {
    TANDEM_TRY(stmt.run());
    if (db.changes() == 0) {
        return unexpected(notFound(what, id));
    }
    return {};
}

// Runs a DELETE and tells whether it removed anything.
inline StoreResult<bool> runDelete(Database& db, Statement& stmt) {
    TANDEM_TRY(stmt.run());
    return db.changes() > 0;
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
