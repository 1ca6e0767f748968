// RedisRecordStore: signed records (crypto/SignedRecord.h: profiles, sticker pack manifests)
// in Redis, shared by every front-end (RecordStore.h), with the rules of daemon::RecordTable:
// verifyRecord() in the front-end (signature, owner address, sizes), then one Lua script on
// the record's key compares the version held and writes — an atomic compare-and-set, so two
// front-ends storing versions 5 and 6 at once keep 6, whatever the order. Versions are
// 64-bit: the script compares them as 20-digit decimal strings (Lua numbers are doubles).
// Keys: rec:{recs}:ADDRESS-HEX (a hash: k owner key, v version, p payload, s signature, e
// expiry), {recs}:bytes (every record's charge: payload + RecordTable::kRowCharge, bounded by
// maxRecordBytesTotal) and {recs}:expiry (address by expiry, for purge()): one slot.
#pragma once

#include "transport/relay/server/RecordStore.h"
#include "transport/relay/server/redis/RedisClient.h"

namespace tandem::relay {

class RedisRecordStore final : public RecordStore {
public:
    RedisRecordStore(RedisClient& redis, std::int64_t maxBytesTotal);

    Expected<daemon::RecordTable::Stored, daemon::RecordRefusal> put(
        const crypto::SignedRecord& record, std::int64_t expiresAt, std::int64_t now) override;
    Expected<std::optional<crypto::SignedRecord>, QString> get(const QByteArray& address,
                                                               std::int64_t now) override;
    int purge(std::int64_t now) override;

private:
    RedisClient& redis_;
    std::int64_t maxBytesTotal_;
};

}  // namespace tandem::relay
