// BlobStore: the relay's file store (sticker packs, attachments: ciphertext only), a file per
// blob under DATA/blobs named by a random 128-bit id. Bounded: a blob lives kLifetimeMs from its
// upload (purge() removes older ones) and all of them together at most `maxTotalBytes`; an
// upload past that is refused with a reason, and nothing is half-written (QSaveFile).
#pragma once

#include <cstdint>

#include <QByteArray>
#include <QString>

#include <tandem/common/Expected.h>

#include "transport/relay/server/BlobBackend.h"

namespace tandem::relay {

class BlobStore final : public BlobBackend {
public:
    static constexpr std::int64_t kLifetimeMs = kBlobLifetimeMs;

    // Creates the folder if needed and counts what it holds.
    BlobStore(QString dir, qint64 maxTotalBytes);

    // The new blob's id (32 lowercase hex digits), or why it was not stored.
    Expected<QString, QString> put(const QByteArray& data) override;
    // Up to `maxBytes` from `offset`; nullopt when there is no such blob. `offset` must be at
    // most the size (checked by the caller against `total`).
    std::optional<Chunk> read(const QString& id, qint64 offset, qint64 maxBytes) override;
    // Removes blobs uploaded more than kLifetimeMs before `nowMs`; returns how many.
    int purge(std::int64_t nowMs) override;

    [[nodiscard]] qint64 totalBytes() const { return total_; }

private:
    QString dir_;
    qint64 maxTotal_;
    qint64 total_ = 0;
};

}  // namespace tandem::relay
