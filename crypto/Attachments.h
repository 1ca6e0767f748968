// Attachments (docs/attachments.md): a file is sealed chunk by chunk under its own random key,
// each chunk with XChaCha20-Poly1305, a random nonce in front of it, and associated data that
// binds it to its place (its index and the file's number of chunks), so a chunk moved, a file
// cut short or chunks of another file do not open. A sealed chunk is at most
// kSealedChunkBytes: one blob on either network.
#pragma once

#include <cstdint>

#include <QByteArray>

#include <tandem/common/SecretBytes.h>

#include "crypto/CryptoError.h"

namespace tandem::crypto {

inline constexpr qint64 kMaxAttachmentBytes = 100LL * 1024 * 1024;
inline constexpr qsizetype kAttachmentKeyBytes = 32;
inline constexpr qsizetype kChunkOverheadBytes = 24 + 16;  // nonce, tag
inline constexpr qsizetype kSealedChunkBytes = 512 * 1024;
inline constexpr qsizetype kAttachmentChunkBytes = kSealedChunkBytes - kChunkOverheadBytes;

SecretBytes generateAttachmentKey();

// How many chunks a file of `size` bytes (1 to kMaxAttachmentBytes) is cut into.
qint64 attachmentChunkCount(qint64 size);
// The plaintext bytes of chunk `index` of a file of `size` bytes (0 past the end).
qsizetype attachmentChunkPlainBytes(qint64 size, qint64 index);
// The same sealed.
qsizetype attachmentChunkSealedBytes(qint64 size, qint64 index);
// Where chunk `index` starts in a file of sealed chunks laid end to end.
inline qint64 sealedChunkOffset(qint64 index) {
    return index * kSealedChunkBytes;
}

// `key` must be kAttachmentKeyBytes; `plain` one chunk (at most kAttachmentChunkBytes).
QByteArray sealAttachmentChunk(const SecretBytes& key, qint64 index, qint64 count,
                               const QByteArray& plain);
// The chunk's plaintext, or DecryptFailed (another key, place or file; tampered) /
// Malformed (too short or too long).
CryptoResult<QByteArray> openAttachmentChunk(const SecretBytes& key, qint64 index, qint64 count,
                                             const QByteArray& sealed);

}  // namespace tandem::crypto
