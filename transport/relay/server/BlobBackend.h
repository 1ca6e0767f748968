// BlobBackend: the seam between RelayBlobs (PutBlob, GetBlob by range) and where blobs are
// kept: BlobStore (files under DATA/blobs, the embedded default) or RedisBlobStore (one Redis
// string per blob, for front-ends that share nothing but Redis). Both bound every blob's life
// (kBlobLifetimeMs from its upload) and all blobs together (RelayLimits::maxBlobBytesTotal).
#pragma once

#include <cstdint>
#include <optional>

#include <QByteArray>
#include <QString>

#include <tandem/common/Expected.h>

namespace tandem::relay {

inline constexpr std::int64_t kBlobLifetimeMs = 30LL * 24 * 3600 * 1000;  // 30 days

class BlobBackend {
public:
    struct Chunk {
        QByteArray data;
        qint64 total = 0;
    };

    virtual ~BlobBackend() = default;
    // The new blob's id (32 lowercase hex digits), or why it was not stored.
    virtual Expected<QString, QString> put(const QByteArray& data) = 0;
    // Up to `maxBytes` from `offset`; nullopt when there is no such blob. `offset` must be at
    // most the size (checked by the caller against `total`).
    virtual std::optional<Chunk> read(const QString& id, qint64 offset, qint64 maxBytes) = 0;
    // Removes blobs uploaded more than kBlobLifetimeMs before `nowMs`; returns how many.
    virtual int purge(std::int64_t nowMs) = 0;
};

}  // namespace tandem::relay
