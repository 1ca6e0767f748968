// RecordStore: the seam between RelayRecords (the protocol: rate limits, replies) and where
// signed records are kept, with the rules of daemon::RecordTable (verified here, one record
// per address, the highest version given, the same record again an idempotent success, a
// lifetime renewed by each put, a bound on all records together). Two implementations:
// SqliteRecordStore (relay.db's records table: RecordTable itself) and RedisRecordStore
// (--store redis://…: shared by every front-end; the version compared and set in one Lua script).
#pragma once

#include <cstdint>
#include <optional>

#include <QByteArray>
#include <QString>

#include <tandem/common/Expected.h>

#include "crypto/SignedRecord.h"
#include "transport/daemon/RecordTable.h"

namespace tandem::relay {

class RecordStore {
public:
    virtual ~RecordStore() = default;
    virtual Expected<daemon::RecordTable::Stored, daemon::RecordRefusal> put(
        const crypto::SignedRecord& record, std::int64_t expiresAt, std::int64_t now) = 0;
    // The unexpired record at `address`, nullopt inside when none is held; an error when the
    // store failed.
    virtual Expected<std::optional<crypto::SignedRecord>, QString> get(const QByteArray& address,
                                                                       std::int64_t now) = 0;
    virtual int purge(std::int64_t now) = 0;
};

class SqliteRecordStore final : public RecordStore {
public:
    SqliteRecordStore(storage::Database& db, std::int64_t maxBytesTotal)
        : table_(db, maxBytesTotal) {}
    Expected<daemon::RecordTable::Stored, daemon::RecordRefusal> put(
        const crypto::SignedRecord& record, std::int64_t expiresAt, std::int64_t now) override {
        return table_.put(record, expiresAt, now);
    }
    Expected<std::optional<crypto::SignedRecord>, QString> get(const QByteArray& address,
                                                               std::int64_t now) override {
        return table_.get(address, now);
    }
    int purge(std::int64_t now) override { return table_.purge(now); }

private:
    daemon::RecordTable table_;
};

}  // namespace tandem::relay
