#include "transport/relay/server/BlobStore.h"

#include <sodium.h>

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <tandem/common/Ascii.h>

namespace tandem::relay {

BlobStore::BlobStore(QString dir, qint64 maxTotalBytes)
    : dir_(std::move(dir)), maxTotal_(maxTotalBytes) {
    QDir().mkpath(dir_);
    QDirIterator it(dir_, QDir::Files);
    while (it.hasNext()) {
        it.next();
        total_ += it.fileInfo().size();
    }
}

Expected<QString, QString> BlobStore::put(const QByteArray& data) {
    if (total_ + data.size() > maxTotal_) {
        return unexpected(QStringLiteral("the relay's file store is full; try again later"));
    }
    std::array<std::uint8_t, 16> raw{};
    randombytes_buf(raw.data(), raw.size());
    const QString id = QString::fromLatin1(
        QByteArray(reinterpret_cast<const char*>(raw.data()), 16).toHex());  // NOLINT
    QSaveFile file(dir_ + u'/' + id);
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size() || !file.commit()) {
        return unexpected(QStringLiteral("cannot store the blob"));
    }
    total_ += data.size();
    return id;
}

std::optional<BlobStore::Chunk> BlobStore::read(const QString& id, qint64 offset, qint64 maxBytes) {
    if (!isLowerHex(id, 32)) {
        return std::nullopt;
    }
    QFile file(dir_ + u'/' + id);
    if (!file.open(QIODevice::ReadOnly)) {
        return std::nullopt;
    }
    Chunk out;
    out.total = file.size();
    if (offset <= out.total) {
        file.seek(offset);
        out.data = file.read(maxBytes);
    }
    return out;
}

int BlobStore::purge(std::int64_t nowMs) {
    int removed = 0;
    QDirIterator it(dir_, QDir::Files);
    while (it.hasNext()) {
        it.next();
        const QFileInfo info = it.fileInfo();
        const qint64 uploaded = info.lastModified().toMSecsSinceEpoch();
        if (uploaded < nowMs - kLifetimeMs && QFile::remove(info.filePath())) {
            total_ -= info.size();
            ++removed;
        }
    }
    return removed;
}

}  // namespace tandem::relay
