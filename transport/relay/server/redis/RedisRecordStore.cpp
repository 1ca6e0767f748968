#include "transport/relay/server/redis/RedisRecordStore.h"

#include <algorithm>

#include "transport/relay/server/redis/RedisKeys.h"

namespace tandem::relay {

namespace keys = rediskeys;
using daemon::RecordRefusal;
using daemon::RecordTable;

namespace {

// KEYS: the record, the byte counter, the expiry index. ARGV: version (20 digits), payload,
// signature, owner key, expiry, now, the bound on all records, the row charge, the index's
// member. Returns {'ok'} | {'same', expiry} | {'stale', version held} | {'full'}.
constexpr char kPutRecord[] = R"lua(
local held = redis.call('HMGET', KEYS[1], 'v', 'p', 's', 'e')
local charge = tonumber(ARGV[8])
local oldCharge = 0
if held[1] then
  oldCharge = #held[2] + charge
  if tonumber(held[4]) > tonumber(ARGV[6]) then
    if ARGV[1] < held[1] then return {'stale', held[1]} end
    if ARGV[1] == held[1] then
      if ARGV[2] ~= held[2] or ARGV[3] ~= held[3] then return {'stale', held[1]} end
      local e = held[4]
      if tonumber(ARGV[5]) > tonumber(e) then e = ARGV[5] end
      redis.call('HSET', KEYS[1], 'e', e)
      redis.call('ZADD', KEYS[3], e, ARGV[9])
      return {'same', e}
    end
  end
end
local total = tonumber(redis.call('GET', KEYS[2]) or '0')
local newTotal = total - oldCharge + #ARGV[2] + charge
if newTotal > tonumber(ARGV[7]) and newTotal > total then return {'full'} end
redis.call('HSET', KEYS[1], 'k', ARGV[4], 'v', ARGV[1], 'p', ARGV[2], 's', ARGV[3], 'e', ARGV[5])
redis.call('INCRBY', KEYS[2], newTotal - total)
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[9])
return {'ok'}
)lua";

// KEYS: the record, the byte counter, the expiry index. ARGV: now, the row charge, the
// index's member. Removes the record if it expired (its charge given back); 1 when it did.
constexpr char kDropRecord[] = R"lua(
local held = redis.call('HMGET', KEYS[1], 'p', 'e')
if not held[2] then
  redis.call('ZREM', KEYS[3], ARGV[3])
  return 0
end
if tonumber(held[2]) > tonumber(ARGV[1]) then return 0 end
redis.call('DEL', KEYS[1])
redis.call('DECRBY', KEYS[2], #held[1] + tonumber(ARGV[2]))
redis.call('ZREM', KEYS[3], ARGV[3])
return 1
)lua";

constexpr int kPurgeBatch = 1000;

QByteArray versionString(std::uint64_t v) {
    return QByteArray::number(static_cast<qulonglong>(v)).rightJustified(20, '0');
}

Unexpected<RecordRefusal> unavailable() {
    return unexpected(RecordRefusal{RecordRefusal::Reason::Unavailable,
                                    QStringLiteral("the relay cannot store records right now; "
                                                   "try again"),
                                    0});
}

}  // namespace

RedisRecordStore::RedisRecordStore(RedisClient& redis, std::int64_t maxBytesTotal)
    : redis_(redis), maxBytesTotal_(maxBytesTotal) {
    redis_.preload(kPutRecord);
    redis_.preload(kDropRecord);
}

Expected<RecordTable::Stored, RecordRefusal> RedisRecordStore::put(
    const crypto::SignedRecord& record, std::int64_t expiresAt, std::int64_t now) {
    if (auto valid = crypto::verifyRecord(record); !valid) {
        return unexpected(RecordRefusal{valid.error().code == crypto::CryptoErrorCode::TooLarge
                                            ? RecordRefusal::Reason::TooLarge
                                            : RecordRefusal::Reason::Invalid,
                                        valid.error().message, 0});
    }
    const std::int64_t expires = std::min(expiresAt, now + daemon::kRecordTtlMs);
    if (expires <= now) {
        return unexpected(RecordRefusal{RecordRefusal::Reason::Invalid,
                                        QStringLiteral("the record has expired"), 0});
    }
    const QByteArray member = record.address.toHex();
    // Idempotent, so the client may send it again on a new connection: the same record again
    // is "same".
    const RedisReply r = redis_.eval(
        kPutRecord,
        {keys::signedRecord(record.address), keys::recordBytes(), keys::recordsByExpiry()},
        {versionString(record.version), record.payload, record.signature, record.ownerKey,
         QByteArray::number(expires), QByteArray::number(now), QByteArray::number(maxBytesTotal_),
         QByteArray::number(RecordTable::kRowCharge), member});
    if (r.type != RedisReply::Type::Array || r.elements.empty()) {
        return unavailable();
    }
    const QByteArray& verdict = r.elements[0].string;
    if (verdict == "ok") {
        return RecordTable::Stored{true, record.version, expires};
    }
    if (verdict == "same" && r.elements.size() == 2) {
        return RecordTable::Stored{false, record.version, r.elements[1].string.toLongLong()};
    }
    if (verdict == "stale" && r.elements.size() == 2) {
        const std::uint64_t held = r.elements[1].string.toULongLong();
        return unexpected(RecordRefusal{
            RecordRefusal::Reason::Stale,
            QStringLiteral("stale version: version %1 is held, a record must have a higher one")
                .arg(held),
            held});
    }
    if (verdict == "full") {
        return unexpected(RecordRefusal{
            RecordRefusal::Reason::Full,
            QStringLiteral("the record store is full (%1 bytes)").arg(maxBytesTotal_), 0});
    }
    return unavailable();
}

Expected<std::optional<crypto::SignedRecord>, QString> RedisRecordStore::get(
    const QByteArray& address, std::int64_t now) {
    const RedisReply r =
        redis_.command({"HMGET", keys::signedRecord(address), "k", "v", "p", "s", "e"});
    if (r.type != RedisReply::Type::Array || r.elements.size() != 5) {
        return unexpected(QStringLiteral("the relay cannot read records right now; try again"));
    }
    if (r.elements[0].isNil() || r.elements[4].string.toLongLong() <= now) {
        return std::optional<crypto::SignedRecord>{};
    }
    return std::optional<crypto::SignedRecord>{
        crypto::SignedRecord{address, r.elements[0].string, r.elements[1].string.toULongLong(),
                             r.elements[2].string, r.elements[3].string}};
}

int RedisRecordStore::purge(std::int64_t now) {
    const RedisReply expired =
        redis_.command({"ZRANGEBYSCORE", keys::recordsByExpiry(), "-inf", QByteArray::number(now),
                        "LIMIT", "0", QByteArray::number(kPurgeBatch)});
    std::vector<RedisCommand> commands;
    for (const RedisReply& member : expired.elements) {
        const QByteArray address = QByteArray::fromHex(member.string);
        commands.push_back(RedisClient::evalCommand(
            kDropRecord,
            {keys::signedRecord(address), keys::recordBytes(), keys::recordsByExpiry()},
            {QByteArray::number(now), QByteArray::number(RecordTable::kRowCharge), member.string}));
    }
    int count = 0;
    if (!commands.empty()) {
        for (const RedisReply& r : redis_.pipeline(commands)) {
            count += r.type == RedisReply::Type::Integer ? static_cast<int>(r.integer) : 0;
        }
    }
    return count;
}

}  // namespace tandem::relay
