#include "transport/relay/server/redis/RedisBlobStore.h"

#include <sodium.h>

#include <QDateTime>

#include "transport/relay/server/redis/RedisKeys.h"

namespace tandem::relay {

namespace keys = rediskeys;

Expected<QString, QString> RedisBlobStore::put(const QByteArray& data) {
    const QByteArray size = QByteArray::number(data.size());
    const RedisReply reserved = redis_.command({"INCRBY", keys::blobBytes(), size});
    if (reserved.type != RedisReply::Type::Integer) {
        return unexpected(QStringLiteral("the relay cannot store files right now; try again"));
    }
    if (reserved.integer > maxTotal_) {
        (void)redis_.command({"DECRBY", keys::blobBytes(), size});
        return unexpected(QStringLiteral("the relay's file store is full"));
    }
    QByteArray raw(16, Qt::Uninitialized);
    randombytes_buf(raw.data(), static_cast<std::size_t>(raw.size()));
    const QString id = QString::fromLatin1(raw.toHex());
    const auto replies =
        redis_.pipeline({{"SET", keys::blob(id), data},
                         {"ZADD", keys::blobsByUpload(),
                          QByteArray::number(QDateTime::currentMSecsSinceEpoch()), id.toLatin1()}});
    if (replies[0].isError() || replies[1].isError()) {
        (void)redis_.pipeline({{"DEL", keys::blob(id)},
                               {"ZREM", keys::blobsByUpload(), id.toLatin1()},
                               {"DECRBY", keys::blobBytes(), size}});
        return unexpected(QStringLiteral("the relay cannot store files right now; try again"));
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
    int count = 0;
    for (const RedisReply& member : old.elements) {
        const QString id = QString::fromLatin1(member.string);
        // Only the front-end whose DEL removed it gives its bytes back (two may purge at once).
        const auto replies = redis_.pipeline({{"STRLEN", keys::blob(id)},
                                              {"DEL", keys::blob(id)},
                                              {"ZREM", keys::blobsByUpload(), member.string}});
        if (replies[1].type == RedisReply::Type::Integer && replies[1].integer > 0) {
            (void)redis_.command(
                {"DECRBY", keys::blobBytes(), QByteArray::number(replies[0].integer)});
            ++count;
        }
    }
    return count;
}

}  // namespace tandem::relay
