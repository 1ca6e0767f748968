// AttachmentPointer: a file as a message names it (proto AttachmentPointer, docs/attachments.md),
// both ways. What a peer sends is untrusted: fromPointer() checks every field against the
// limits before anything is stored, and makes the file name and type safe to show and to save
// under (no path, no control or direction-changing characters).
#pragma once

#include <QString>

#include <tandem/common/Expected.h>

#include "storage/Types.h"
#include "storage/repositories/AttachmentRepository.h"
#include "tandem/content.pb.h"

namespace tandem::core {

inline constexpr qsizetype kMaxBlobIdBytes = 64;
inline constexpr int kMaxImageSide = 100000;
inline constexpr qsizetype kMaxThumbnailBytes = storage::AttachmentRepository::kMaxThumbnailBytes;
inline constexpr int kMaxThumbnailSide = 320;
inline constexpr qsizetype kMaxFileNameBytes = 255;  // UTF-8, as file systems count

// The pointer a message carries for an attachment whose every chunk is uploaded.
Expected<proto::AttachmentPointer, QString> toPointer(const storage::Attachment& attachment);
// A received pointer as the store keeps it (state Remote, nothing downloaded), or why it was
// refused.
Expected<storage::Attachment, QString> fromPointer(const proto::AttachmentPointer& pointer);

// A file name that is safe to show and to save under: no path, no control, format (bidi) or
// separator characters, not hidden, at most 255 bytes of UTF-8, never empty.
QString safeFileName(const QString& name);
// A MIME type as "type/subtype" in lowercase (at most 127 characters), or
// application/octet-stream.
QString safeMimeType(const QString& type);
// A peer's text (a caption, a message) as UTF-8 bytes on the wire, cut to at most `maxBytes`
// of UTF-8 (what the store takes), never inside a character.
QString captionOf(const std::string& caption, qsizetype maxBytes);

// A transfer state as tandemctl's JSON and the app's QML name it: uploading, uploaded, remote,
// downloading, downloaded, failed.
QString transferStateKey(storage::TransferState state);

// The chunks uploaded so far, as attachments.chunks keeps them.
QByteArray encodeChunks(const std::vector<proto::AttachmentChunk>& chunks);
Expected<std::vector<proto::AttachmentChunk>, QString> decodeChunks(const QByteArray& bytes);

}  // namespace tandem::core
