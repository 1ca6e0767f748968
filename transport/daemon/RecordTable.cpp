#include "transport/daemon/RecordTable.h"

#include <algorithm>

namespace tandem::daemon {

using crypto::SignedRecord;
using storage::Transaction;

namespace {

Unexpected<RecordRefusal> refusal(RecordRefusal::Reason reason, QString message,
                                  std::uint64_t storedVersion = 0) {
    return unexpected(RecordRefusal{reason, std::move(message), storedVersion});
}

Unexpected<RecordRefusal> unavailable(const storage::StoreError& e) {
    return refusal(RecordRefusal::Reason::Unavailable, e.message);
}

std::int64_t chargeOf(qsizetype payloadBytes) {
    return static_cast<std::int64_t>(payloadBytes) + RecordTable::kRowCharge;
}

// SQLite integers are signed: a version is kept as its 64 bits and read back the same.
std::int64_t asColumn(std::uint64_t version) {
    return static_cast<std::int64_t>(version);
}

std::uint64_t asVersion(std::int64_t column) {
    return static_cast<std::uint64_t>(column);
}

}  // namespace

Expected<std::int64_t, QString> RecordTable::charged() {
    if (!charged_) {
        auto stmt = db_.prepare("SELECT coalesce(sum(length(payload) + ?), 0) FROM records");
        if (!stmt) {
            return unexpected(stmt.error().message);
        }
        (*stmt)->bindAll(kRowCharge);
        auto row = (*stmt)->step();
        if (!row || !*row) {
            (*stmt)->reset();
            return unexpected(QStringLiteral("cannot count the stored records"));
        }
        charged_ = (*stmt)->int64(0);
        (*stmt)->reset();
    }
    return *charged_;
}

Expected<RecordTable::Stored, RecordRefusal> RecordTable::put(const SignedRecord& record,
                                                              std::int64_t expiresAt,
                                                              std::int64_t now) {
    if (auto valid = crypto::verifyRecord(record); !valid) {
        return refusal(valid.error().code == crypto::CryptoErrorCode::TooLarge
                           ? RecordRefusal::Reason::TooLarge
                           : RecordRefusal::Reason::Invalid,
                       valid.error().message);
    }
    const std::int64_t expires = std::min(expiresAt, now + kRecordTtlMs);
    if (expires <= now) {
        return refusal(RecordRefusal::Reason::Invalid, QStringLiteral("the record has expired"));
    }
    auto tx = Transaction::begin(db_);
    if (!tx) {
        return unavailable(tx.error());
    }
    auto held = db_.prepare(
        "SELECT version, payload, signature, expires_at FROM records WHERE address = ?");
    if (!held) {
        return unavailable(held.error());
    }
    (*held)->bindAll(record.address);
    auto row = (*held)->step();
    if (!row) {
        (*held)->reset();
        return unavailable(row.error());
    }
    std::int64_t oldCharge = 0;
    if (*row) {
        const SignedRecord stored{record.address, record.ownerKey, asVersion((*held)->int64(0)),
                                  (*held)->blob(1), (*held)->blob(2)};
        const std::int64_t storedExpiry = (*held)->int64(3);
        (*held)->reset();
        oldCharge = chargeOf(stored.payload.size());
        // An expired record not purged yet is as good as gone: anything valid replaces it.
        const auto order = storedExpiry > now ? crypto::compareRecords(stored, record)
                                              : crypto::RecordOrder::Newer;
        if (order == crypto::RecordOrder::Stale) {
            return refusal(RecordRefusal::Reason::Stale,
                           QStringLiteral("stale version: version %1 is held, a record must have "
                                          "a higher one")
                               .arg(stored.version),
                           stored.version);
        }
        if (order == crypto::RecordOrder::Same) {
            auto renew =
                db_.prepare("UPDATE records SET expires_at = max(expires_at, ?) WHERE address = ?");
            if (!renew) {
                return unavailable(renew.error());
            }
            if (auto r = (*renew)->bindAll(expires, record.address).run(); !r) {
                return unavailable(r.error());
            }
            if (auto r = tx->commit(); !r) {
                return unavailable(r.error());
            }
            return Stored{false, record.version, std::max(expires, storedExpiry)};
        }
    } else {
        (*held)->reset();
    }
    const auto total = charged();
    if (!total) {
        return refusal(RecordRefusal::Reason::Unavailable, total.error());
    }
    const std::int64_t newTotal = *total - oldCharge + chargeOf(record.payload.size());
    if (newTotal > maxBytesTotal_ && newTotal > *total) {
        return refusal(RecordRefusal::Reason::Full,
                       QStringLiteral("the record store is full (%1 bytes)").arg(maxBytesTotal_));
    }
    auto write = db_.prepare(
        "INSERT OR REPLACE INTO records (address, owner_key, version, payload, signature, "
        "expires_at) VALUES (?, ?, ?, ?, ?, ?)");
    if (!write) {
        return unavailable(write.error());
    }
    if (auto r = (*write)
                     ->bindAll(record.address, record.ownerKey, asColumn(record.version),
                               record.payload, record.signature, expires)
                     .run();
        !r) {
        return unavailable(r.error());
    }
    if (auto r = tx->commit(); !r) {
        return unavailable(r.error());
    }
    charged_ = newTotal;
    return Stored{true, record.version, expires};
}

Expected<std::optional<SignedRecord>, QString> RecordTable::get(const QByteArray& address,
                                                                std::int64_t now) {
    auto query = db_.prepare(
        "SELECT owner_key, version, payload, signature FROM records WHERE address = ? AND "
        "expires_at > ?");
    if (!query) {
        return unexpected(query.error().message);
    }
    (*query)->bindAll(address, now);
    auto row = (*query)->step();
    if (!row) {
        (*query)->reset();
        return unexpected(row.error().message);
    }
    std::optional<SignedRecord> out;
    if (*row) {
        out = SignedRecord{address, (*query)->blob(0), asVersion((*query)->int64(1)),
                           (*query)->blob(2), (*query)->blob(3)};
    }
    (*query)->reset();
    return out;
}

int RecordTable::purge(std::int64_t now) {
    auto stmt = db_.prepare("DELETE FROM records WHERE expires_at <= ?");
    if (!stmt || !(*stmt)->bindAll(now).run()) {
        return 0;
    }
    const int purged = db_.changes();
    if (purged > 0) {
        charged_.reset();  // counted again at the next put
    }
    return purged;
}

}  // namespace tandem::daemon
