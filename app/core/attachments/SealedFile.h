// SealedFile: an attachment's local copy (docs/attachments.md) — the file's sealed chunks end to
// end under <profile>/attachments/<32 hex digits>.att, the same bytes that went over the
// network, so nothing of it is readable without the key kept in SQLCipher. Made from a file
// the user picked (seal), written by a download chunk by chunk, and opened into a file the user
// names (openInto) or into memory for an image (openAll).
#pragma once

#include <QFile>
#include <QString>

#include "app/core/CoreError.h"
#include "storage/Types.h"

namespace tandem::core {

class SealedFile {
public:
    // Images up to this size get a thumbnail and are shown whole (openAll).
    static constexpr qint64 kMaxImageBytes = 32LL * 1024 * 1024;

    // A new local copy's name.
    static QString newName();
    // Makes `folder` (only its owner may enter it) when it is missing.
    static CoreResult<void> makeFolder(const QString& folder);

    // Checks the file at `source` (a readable regular file of 1 byte to
    // crypto::kMaxAttachmentBytes, by its size, before a byte is read), seals it chunk by
    // chunk under a new key into a new local copy in `folder`, and describes it: name, type,
    // an image's size and thumbnail. State Uploading, nothing uploaded.
    static CoreResult<storage::Attachment> seal(const QString& folder, const QString& source);

    SealedFile(const QString& folder, const storage::Attachment& attachment);

    [[nodiscard]] QString path() const { return path_; }
    // The sealed bytes of chunk `index`.
    [[nodiscard]] CoreResult<QByteArray> readChunk(qint64 index) const;
    // Decrypts the whole file into `target` (QSaveFile: written beside it and renamed over it
    // only when whole, so a failure leaves what was there).
    [[nodiscard]] CoreResult<void> openInto(const QString& target) const;
    // The whole file decrypted, when it is at most `maxBytes`.
    [[nodiscard]] CoreResult<QByteArray> openAll(qint64 maxBytes) const;

private:
    [[nodiscard]] CoreResult<QByteArray> openChunk(QFile& file, qint64 index) const;

    QString path_;
    qint64 size_ = 0;
    storage::SharedSecret key_;
};

}  // namespace tandem::core
