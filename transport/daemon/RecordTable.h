// RecordTable: the signed mutable records (crypto/SignedRecord.h) a daemon keeps, in a table of
// its own database (relay.db, node.db) — the same rules in both networks:
//  - every record is verified here (sizes, the address of its owner key, the signature): the
//    word of a client or of another node is not taken;
//  - per address one record, the highest version given: a higher version replaces it, the same
//    record again (version, payload and signature) is a success that changes nothing, anything
//    else is refused as Stale with the version held, so nothing rolls a record back;
//  - a record lives kRecordTtlMs from its last put (purge() removes it after);
//  - all records together are charged their payload plus kRowCharge each, at most
//    `maxBytesTotal`; past it a new record or a larger version is refused as Full.
// The owning daemon's thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include <QString>

#include <tandem/common/Expected.h>

#include "crypto/SignedRecord.h"
#include "storage/Database.h"

namespace tandem::daemon {

inline constexpr std::int64_t kRecordTtlMs = 30LL * 24 * 3600 * 1000;

struct RecordRefusal {
    enum class Reason {
        Invalid,      // verifyRecord() refused it (the message says why)
        TooLarge,     // the payload is over kMaxRecordPayloadBytes
        Stale,        // not newer than the record held (storedVersion)
        Full,         // the daemon's bound on all records
        Unavailable,  // the database failed
    };
    Reason reason = Reason::Invalid;
    QString message;
    std::uint64_t storedVersion = 0;  // Stale: the version held
};

class RecordTable {
public:
    // The table; each daemon's store runs it with its own schema (idempotent).
    static constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS records (
  address BLOB PRIMARY KEY,
  owner_key BLOB NOT NULL,
  version INTEGER NOT NULL,
  payload BLOB NOT NULL,
  signature BLOB NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS records_by_expiry ON records(expires_at);
)sql";
    // What a record costs besides its payload: address, key, signature, version, index.
    static constexpr std::int64_t kRowCharge = 256;

    RecordTable(storage::Database& db, std::int64_t maxBytesTotal)
        : db_(db), maxBytesTotal_(maxBytesTotal) {}

    struct Stored {
        bool changed = false;  // false: the same record was held already (its life renewed)
        std::uint64_t version = 0;
        std::int64_t expiresAt = 0;
    };
    // Stores `record` if it is valid and newer, to live until `expiresAt` (at most now +
    // kRecordTtlMs).
    Expected<Stored, RecordRefusal> put(const crypto::SignedRecord& record, std::int64_t expiresAt,
                                        std::int64_t now);
    // The record at `address` (unexpired), nullopt if none is held.
    Expected<std::optional<crypto::SignedRecord>, QString> get(const QByteArray& address,
                                                               std::int64_t now);
    // Removes expired records; returns how many.
    int purge(std::int64_t now);

private:
    Expected<std::int64_t, QString> charged();

    storage::Database& db_;
    std::int64_t maxBytesTotal_;
    std::optional<std::int64_t> charged_;  // counted once, then kept (recounted after a purge)
};

}  // namespace tandem::daemon
