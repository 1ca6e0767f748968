#include "transport/relay/server/redis/RedisBlobStore.h"

#include <sodium.h>

#include <QDateTime>

#include "transport/relay/server/redis/RedisKeys.h"

namespace tandem::relay {

namespace keys = rediskeys;

namespace {

// KEYS: the blob, the byte counter, the upload times. ARGV: the data, the bound on all blobs,
// now, the id. Reserves its bytes and writes it in one step (the counter never drifts): 1, or
// 0 when the store is full.
constexpr char kPutBlob[] = R"lua(
local size = #ARGV[1]
if tonumber(redis.call('GET', KEYS[2]) or '0') + size > tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('INCRBY', KEYS[2], size)
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
return 1
)lua";

// KEYS: as kPutBlob. ARGV: the id. Removes the blob and gives its bytes back; 1 when it was there.
constexpr char kDropBlob[] = R"lua(
local size = redis.call('STRLEN', KEYS[1])
redis.call('ZREM', KEYS[3], ARGV[1])
if size == 0 then return 0 end
redis.call('DEL', KEYS[1])
redis.call('DECRBY', KEYS[2], size)
return 1
)lua";

}  // namespace

RedisBlobStore::RedisBlobStore(RedisClient& redis, qint64 maxTotalBytes)
    : redis_(redis), maxTotal_(maxTotalBytes) {
    redis_.preload(kPutBlob);
    redis_.preload(kDropBlob);
}

Expected<QString, QString> RedisBlobStore::put(const QByteArray& data) {
    QByteArray raw(16, Qt::Uninitialized);
    randombytes_buf(raw.data(), static_cast<std::size_t>(raw.size()));
    const QString id = QString::fromLatin1(raw.toHex());
    const RedisReply r =
        redis_.eval(kPutBlob, {keys::blob(id), keys::blobBytes(), keys::blobsByUpload()},
                    {data, QByteArray::number(maxTotal_),
                     QByteArray::number(QDateTime::currentMSecsSinceEpoch()), id.toLatin1()});
    if (r.type != RedisReply::Type::Integer) {
        return unexpected(QStringLiteral("the relay cannot store files right now; try again"));
    }
    if (r.integer == 0) {
        return unexpected(QStringLiteral("the relay's file store is full"));
    }
    return id;
}

std::optional<BlobBackend::Chunk> RedisBlobStore::read(const QString& id, qint64 offset,
                                                       qint64 maxBytes) {
    if (maxBytes <= 0) {
        return std::nullopt;
    }
    const auto replies = redis_.pipeline({{"STRLEN", keys::blob(id)},
                                          {"GETRANGE", keys::blob(id), QByteArray::number(offset),
                                           QByteArray::number(offset + maxBytes - 1)}});
    if (replies[0].type != RedisReply::Type::Integer || replies[0].integer == 0 ||
        replies[1].isError()) {
        return std::nullopt;  // blobs have at least one byte: 0 is "no such key"
    }
    return Chunk{replies[1].string, replies[0].integer};
}

int RedisBlobStore::purge(std::int64_t nowMs) {
    const RedisReply old =
        redis_.command({"ZRANGEBYSCORE", keys::blobsByUpload(), "-inf",
                        QByteArray::number(nowMs - kBlobLifetimeMs), "LIMIT", "0", "1000"});
    std::vector<RedisCommand> commands;
    for (const RedisReply& member : old.elements) {
        const QString id = QString::fromLatin1(member.string);
        commands.push_back(RedisClient::evalCommand(
            kDropBlob, {keys::blob(id), keys::blobBytes(), keys::blobsByUpload()},
            {member.string}));
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
