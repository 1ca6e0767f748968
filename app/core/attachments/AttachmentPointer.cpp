#include "app/core/attachments/AttachmentPointer.h"

#include <QBuffer>
#include <QImageReader>
#include <QRegularExpression>

#include "crypto/Attachments.h"

namespace tandem::core {

namespace {

// A JPEG (by its magic bytes and header) no larger than a thumbnail may be, read from its
// header only: a small file that claims a huge picture is not decoded.
bool isThumbnail(const std::string& bytes) {
    if (bytes.size() < 4 || static_cast<unsigned char>(bytes[0]) != 0xFF ||
        static_cast<unsigned char>(bytes[1]) != 0xD8 ||
        static_cast<unsigned char>(bytes[2]) != 0xFF) {
        return false;
    }
    QByteArray data = QByteArray::fromStdString(bytes);
    QBuffer buffer(&data);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer, "jpeg");
    const QSize size = reader.size();
    return size.isValid() && size.width() <= kMaxThumbnailSide &&
           size.height() <= kMaxThumbnailSide;
}

// `text` cut to at most `maxBytes` of UTF-8, never inside a character.
QString cutUtf8(const QString& text, qsizetype maxBytes) {
    QByteArray utf8 = text.toUtf8();
    if (utf8.size() <= maxBytes) {
        return text;
    }
    qsizetype end = std::max<qsizetype>(maxBytes, 0);
    // Back to the start of the character the cut falls in (continuation bytes are 10xxxxxx).
    while (end > 0 && (static_cast<unsigned char>(utf8[end]) & 0xC0) == 0x80) {
        --end;
    }
    utf8.truncate(end);
    return QString::fromUtf8(utf8);
}

}  // namespace

QString safeFileName(const QString& name) {
    QString out;
    out.reserve(name.size());
    for (const QChar c : name) {
        const auto category = c.category();
        const bool unsafe = c == u'/' || c == u'\\' || c == u':' || c.isNull() ||
                            category == QChar::Other_Control || category == QChar::Other_Format ||
                            category == QChar::Separator_Line ||
                            category == QChar::Separator_Paragraph;
        out.append(unsafe ? QChar(u'_') : c);
    }
    out = out.trimmed();
    while (out.startsWith(u'.')) {
        out.remove(0, 1);
    }
    if (out.toUtf8().size() > kMaxFileNameBytes) {
        // Cut to what a file system takes (255 bytes), keeping the extension: it is what the
        // desktop opens the file with.
        const qsizetype dot = out.lastIndexOf(u'.');
        const QString ext = (dot > 0 && out.size() - dot <= 16) ? out.mid(dot) : QString();
        out = cutUtf8(out.left(out.size() - ext.size()), kMaxFileNameBytes - ext.toUtf8().size()) +
              ext;
    }
    return out.isEmpty() ? QStringLiteral("file") : out;
}

QString safeMimeType(const QString& type) {
    // At most 64 + 1 + 62 = 127 characters (AttachmentRepository::kMaxMimeTypeChars).
    static const QRegularExpression valid(
        QStringLiteral("^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,61}$"));
    const QString lower = type.toLower();
    return valid.match(lower).hasMatch() ? lower : QStringLiteral("application/octet-stream");
}

QString captionOf(const std::string& caption, qsizetype maxBytes) {
    return cutUtf8(QString::fromStdString(caption.substr(0, static_cast<std::size_t>(maxBytes))),
                   maxBytes);
}

QString transferStateKey(storage::TransferState state) {
    switch (state) {
        case storage::TransferState::Uploading:
            return QStringLiteral("uploading");
        case storage::TransferState::Uploaded:
            return QStringLiteral("uploaded");
        case storage::TransferState::Remote:
            return QStringLiteral("remote");
        case storage::TransferState::Downloading:
            return QStringLiteral("downloading");
        case storage::TransferState::Downloaded:
            return QStringLiteral("downloaded");
        case storage::TransferState::Failed:
            return QStringLiteral("failed");
    }
    return QStringLiteral("failed");
}

QByteArray encodeChunks(const std::vector<proto::AttachmentChunk>& chunks) {
    proto::AttachmentChunks list;
    for (const auto& c : chunks) {
        *list.add_chunks() = c;
    }
    return QByteArray::fromStdString(list.SerializeAsString());
}

Expected<std::vector<proto::AttachmentChunk>, QString> decodeChunks(const QByteArray& bytes) {
    proto::AttachmentChunks list;
    if (!list.ParseFromArray(bytes.constData(), static_cast<int>(bytes.size()))) {
        return unexpected(QStringLiteral("the list of the file's chunks is damaged"));
    }
    return std::vector<proto::AttachmentChunk>(list.chunks().begin(), list.chunks().end());
}

Expected<proto::AttachmentPointer, QString> toPointer(const storage::Attachment& a) {
    auto chunks = decodeChunks(a.chunks);
    if (!chunks) {
        return unexpected(chunks.error());
    }
    if (static_cast<qint64>(chunks->size()) != crypto::attachmentChunkCount(a.size) || !a.key) {
        return unexpected(QStringLiteral("the file is not uploaded yet"));
    }
    proto::AttachmentPointer p;
    p.set_key(a.key->data(), a.key->size());
    p.set_file_name(a.fileName.toStdString());
    p.set_mime_type(a.mimeType.toStdString());
    p.set_size(static_cast<std::uint64_t>(a.size));
    p.set_width(static_cast<std::uint32_t>(a.width));
    p.set_height(static_cast<std::uint32_t>(a.height));
    p.set_thumbnail(a.thumbnail.toStdString());
    for (auto& c : *chunks) {
        *p.add_chunks() = std::move(c);
    }
    return p;
}

Expected<storage::Attachment, QString> fromPointer(const proto::AttachmentPointer& p) {
    if (p.key().size() != static_cast<std::size_t>(crypto::kAttachmentKeyBytes)) {
        return unexpected(QStringLiteral("the file's key has a wrong length"));
    }
    if (p.size() == 0 || p.size() > static_cast<std::uint64_t>(crypto::kMaxAttachmentBytes)) {
        return unexpected(QStringLiteral("the file's size (%1 bytes) is not between 1 byte and "
                                         "%2 MiB")
                              .arg(p.size())
                              .arg(crypto::kMaxAttachmentBytes / (1024 * 1024)));
    }
    const auto size = static_cast<qint64>(p.size());
    if (p.chunks_size() != crypto::attachmentChunkCount(size)) {
        return unexpected(QStringLiteral("the file names %1 chunks where its size needs %2")
                              .arg(p.chunks_size())
                              .arg(crypto::attachmentChunkCount(size)));
    }
    for (int i = 0; i < p.chunks_size(); ++i) {
        const auto& c = p.chunks(i);
        if (c.blob_id().empty() || c.blob_id().size() > static_cast<std::size_t>(kMaxBlobIdBytes) ||
            c.size() != static_cast<std::uint64_t>(crypto::attachmentChunkSealedBytes(size, i))) {
            return unexpected(QStringLiteral("chunk %1 of the file is named wrongly").arg(i + 1));
        }
    }
    storage::Attachment a;
    // A long name keeps its start and its end (the extension) before it is made safe.
    QString name = QString::fromStdString(p.file_name());
    if (name.size() > 1024) {
        name = name.left(1000) + name.right(16);
    }
    a.fileName = safeFileName(name);
    a.mimeType = safeMimeType(QString::fromStdString(p.mime_type()).left(256));
    a.size = size;
    if (p.width() > 0 && p.height() > 0 && p.width() <= kMaxImageSide &&
        p.height() <= kMaxImageSide) {
        a.width = static_cast<int>(p.width());
        a.height = static_cast<int>(p.height());
    }
    if (p.thumbnail().size() <= static_cast<std::size_t>(kMaxThumbnailBytes) &&
        isThumbnail(p.thumbnail())) {
        a.thumbnail = QByteArray::fromStdString(p.thumbnail());
    }
    a.state = storage::TransferState::Remote;
    a.key = storage::makeSecret(
        SecretBytes(reinterpret_cast<const std::uint8_t*>(p.key().data()),  // NOLINT
                    p.key().size()));
    proto::AttachmentChunks list;
    *list.mutable_chunks() = p.chunks();
    a.chunks = QByteArray::fromStdString(list.SerializeAsString());
    return a;
}

}  // namespace tandem::core
