#include "app/core/attachments/SealedFile.h"

#include <sodium.h>

#include <QBuffer>
#include <QDir>
#include <QFileInfo>
#include <QImageReader>
#include <QMimeDatabase>
#include <QSaveFile>

#include "app/core/attachments/AttachmentPointer.h"
#include "crypto/Attachments.h"
#include "media/StickerEncoder.h"

namespace tandem::core {

namespace {

QString megabytes(qint64 bytes) {
    return QString::number(static_cast<double>(bytes) / (1024.0 * 1024.0), 'f', 1);
}

CoreResult<void> ioError(const QString& what, const QFileDevice& file) {
    return coreError(CoreErrorCode::Storage,
                     QStringLiteral("%1: %2").arg(what, file.errorString()));
}

// An image's size from its header, and a JPEG thumbnail small enough for a message.
void describeImage(const QByteArray& bytes, storage::Attachment& a) {
    if (media::sniffFormat(bytes) == media::ImageFormat::Unknown) {
        return;
    }
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer);
    const QSize size = reader.size();
    if (!size.isValid() || size.width() > kMaxImageSide || size.height() > kMaxImageSide) {
        return;
    }
    for (const int side : {320, 200, 120}) {
        auto thumbnail = media::thumbnailJpeg(bytes, side);
        if (!thumbnail) {
            return;  // not an image we can decode: sent as a file
        }
        if (thumbnail->size() <= kMaxThumbnailBytes) {
            a.width = size.width();
            a.height = size.height();
            a.thumbnail = std::move(thumbnail).value();
            return;
        }
    }
}

}  // namespace

QString SealedFile::newName() {
    std::array<unsigned char, 16> raw{};
    randombytes_buf(raw.data(), raw.size());
    return QString::fromLatin1(
               QByteArray(reinterpret_cast<const char*>(raw.data()), raw.size()).toHex()) +
           QStringLiteral(".att");
}

CoreResult<void> SealedFile::makeFolder(const QString& folder) {
    if (QFileInfo(folder).isDir()) {
        return {};
    }
    if (!QDir().mkpath(folder) ||
        !QFile::setPermissions(
            folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner)) {
        return coreError(CoreErrorCode::Storage,
                         QStringLiteral("The profile's attachment folder cannot be made."));
    }
    return {};
}

CoreResult<storage::Attachment> SealedFile::seal(const QString& folder, const QString& source) {
    const QFileInfo info(source);
    const QString shown = info.fileName();
    if (!info.exists()) {
        return coreError(CoreErrorCode::InvalidArgument,
                         QStringLiteral("%1 does not exist.").arg(shown));
    }
    if (!info.isFile()) {
        return coreError(CoreErrorCode::InvalidArgument,
                         QStringLiteral("%1 is not a file.").arg(shown));
    }
    if (info.size() == 0) {
        return coreError(CoreErrorCode::InvalidArgument,
                         QStringLiteral("%1 is empty: there is nothing to send.").arg(shown));
    }
    if (info.size() > crypto::kMaxAttachmentBytes) {
        return coreError(CoreErrorCode::InvalidArgument,
                         QStringLiteral("%1 is %2 MiB; a file can be at most %3 MiB.")
                             .arg(shown, megabytes(info.size()))
                             .arg(crypto::kMaxAttachmentBytes / (1024 * 1024)));
    }
    QFile in(source);
    if (!in.open(QIODevice::ReadOnly)) {
        return coreError(CoreErrorCode::InvalidArgument,
                         QStringLiteral("%1 cannot be read: %2").arg(shown, in.errorString()));
    }
    if (!QDir().mkpath(folder)) {
        return coreError(CoreErrorCode::Storage,
                         QStringLiteral("The profile's attachment folder cannot be made."));
    }
    QFile::setPermissions(folder,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);

    storage::Attachment a;
    a.fileName = safeFileName(shown);
    a.size = info.size();
    a.state = storage::TransferState::Uploading;
    a.complete = true;
    a.localFile = newName();
    const SecretBytes key = crypto::generateAttachmentKey();
    a.key = storage::makeSecret(key.clone());

    QFile out(folder + u'/' + a.localFile);
    if (!out.open(QIODevice::WriteOnly | QIODevice::NewOnly) ||
        !out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        return coreError(
            CoreErrorCode::Storage,
            QStringLiteral("The file's local copy cannot be made: %1").arg(out.errorString()));
    }
    auto fail = [&out](CoreResult<void> error) -> CoreResult<storage::Attachment> {
        out.remove();
        return unexpected(error.error());
    };
    const qint64 count = crypto::attachmentChunkCount(a.size);
    QByteArray head;  // the first bytes (the type), or an image's all (its size and thumbnail)
    for (qint64 i = 0; i < count; ++i) {
        const qsizetype want = crypto::attachmentChunkPlainBytes(a.size, i);
        const QByteArray plain = in.read(want);
        if (plain.size() != want) {
            return fail(coreError(CoreErrorCode::InvalidArgument,
                                  QStringLiteral("%1 changed while it was read.").arg(shown)));
        }
        if (a.size <= kMaxImageBytes || head.isEmpty()) {
            head.append(plain);
        }
        if (out.write(crypto::sealAttachmentChunk(key, i, count, plain)) < 0) {
            return fail(ioError(QStringLiteral("The file's local copy cannot be written"), out));
        }
    }
    if (!out.flush()) {
        return fail(ioError(QStringLiteral("The file's local copy cannot be written"), out));
    }
    const QMimeDatabase mimes;
    a.mimeType = safeMimeType(mimes.mimeTypeForFileNameAndData(shown, head.left(4096)).name());
    if (a.size <= kMaxImageBytes) {
        describeImage(head, a);
    }
    return a;
}

SealedFile::SealedFile(const QString& folder, const storage::Attachment& attachment)
    : path_(folder + u'/' + attachment.localFile), size_(attachment.size), key_(attachment.key) {}

CoreResult<QByteArray> SealedFile::readChunk(qint64 index) const {
    QFile file(path_);
    if (!file.open(QIODevice::ReadOnly)) {
        return coreError(
            CoreErrorCode::Storage,
            QStringLiteral("The file's local copy cannot be read: %1").arg(file.errorString()));
    }
    const qsizetype want = crypto::attachmentChunkSealedBytes(size_, index);
    if (want == 0 || !file.seek(crypto::sealedChunkOffset(index))) {
        return coreError(CoreErrorCode::Storage, QStringLiteral("The file's local copy is short."));
    }
    QByteArray sealed = file.read(want);
    if (sealed.size() != want) {
        return coreError(CoreErrorCode::Storage, QStringLiteral("The file's local copy is short."));
    }
    return sealed;
}

CoreResult<QByteArray> SealedFile::openChunk(QFile& file, qint64 index) const {
    const qsizetype want = crypto::attachmentChunkSealedBytes(size_, index);
    const QByteArray sealed = file.read(want);
    if (sealed.size() != want) {
        return coreError(CoreErrorCode::Storage,
                         QStringLiteral("The file's local copy is short: it is not all here."));
    }
    auto plain =
        crypto::openAttachmentChunk(*key_, index, crypto::attachmentChunkCount(size_), sealed);
    if (!plain) {
        return coreError(CoreErrorCode::Crypto, plain.error().message);
    }
    return std::move(plain).value();
}

CoreResult<void> SealedFile::openInto(const QString& target) const {
    if (!key_) {
        return coreError(CoreErrorCode::Storage, QStringLiteral("The file's key is missing."));
    }
    QFile in(path_);
    if (!in.open(QIODevice::ReadOnly)) {
        return coreError(
            CoreErrorCode::Storage,
            QStringLiteral("The file's local copy cannot be read: %1").arg(in.errorString()));
    }
    // Written beside the target under a new name and renamed over it only when whole and on
    // the disk: a full disk or a damaged chunk leaves the target as it was.
    QSaveFile out(target);
    if (!out.open(QIODevice::WriteOnly)) {
        return coreError(CoreErrorCode::InvalidArgument,
                         QStringLiteral("%1 cannot be written: %2").arg(target, out.errorString()));
    }
    const qint64 count = crypto::attachmentChunkCount(size_);
    for (qint64 i = 0; i < count; ++i) {
        auto plain = openChunk(in, i);
        if (!plain) {
            out.cancelWriting();
            return unexpected(plain.error());
        }
        if (out.write(*plain) != plain->size()) {
            out.cancelWriting();
            return coreError(
                CoreErrorCode::InvalidArgument,
                QStringLiteral("%1 cannot be written: %2").arg(target, out.errorString()));
        }
    }
    if (!out.commit()) {
        return coreError(CoreErrorCode::InvalidArgument,
                         QStringLiteral("%1 cannot be written: %2").arg(target, out.errorString()));
    }
    return {};
}

CoreResult<QByteArray> SealedFile::openAll(qint64 maxBytes) const {
    if (size_ > maxBytes) {
        return coreError(CoreErrorCode::InvalidArgument,
                         QStringLiteral("The file is too large to show."));
    }
    if (!key_) {
        return coreError(CoreErrorCode::Storage, QStringLiteral("The file's key is missing."));
    }
    QFile in(path_);
    if (!in.open(QIODevice::ReadOnly)) {
        return coreError(
            CoreErrorCode::Storage,
            QStringLiteral("The file's local copy cannot be read: %1").arg(in.errorString()));
    }
    QByteArray all;
    all.reserve(size_);
    const qint64 count = crypto::attachmentChunkCount(size_);
    for (qint64 i = 0; i < count; ++i) {
        auto plain = openChunk(in, i);
        if (!plain) {
            return unexpected(plain.error());
        }
        all.append(*plain);
    }
    return all;
}

}  // namespace tandem::core
