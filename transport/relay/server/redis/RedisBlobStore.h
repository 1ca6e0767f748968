// RedisBlobStore: blobs (sticker packs, attachments: ciphertext, 1 byte to 8 MiB) as one Redis
// string each, for front-ends that share nothing but Redis (BlobBackend.h). A read is a
// GETRANGE, so a download resumes where it stopped, as with files. The bound on all blobs is a
// counter kept by the same Lua script that writes (or deletes) a blob — checked, written and
// counted in one step, so it neither lets two front-ends take the last room nor drifts — and a
// sorted set of upload times drives purge() after kBlobLifetimeMs.
// Why Redis and not a shared folder: the front-ends then need nothing but Redis; the cost is
// Redis memory (a blob is held in RAM, and in the AOF) — docs/relay.md says how to size it.
#pragma once

#include "transport/relay/server/BlobBackend.h"
#include "transport/relay/server/redis/RedisClient.h"

namespace tandem::relay {

class RedisBlobStore final : public BlobBackend {
public:
    RedisBlobStore(RedisClient& redis, qint64 maxTotalBytes);

    Expected<QString, QString> put(const QByteArray& data) override;
    std::optional<Chunk> read(const QString& id, qint64 offset, qint64 maxBytes) override;
    int purge(std::int64_t nowMs) override;

private:
    RedisClient& redis_;
    qint64 maxTotal_;
};

}  // namespace tandem::relay
