// AttachmentRepository: the files sent and received with messages (docs/attachments.md), one
// row per message, deleted with it. The file's key and its thumbnail stay in the encrypted
// database; the file itself is a local copy of sealed chunks under <profile>/attachments/,
// named by local_file.
#pragma once

#include <optional>
#include <vector>

#include "storage/StoreError.h"
#include "storage/Types.h"

namespace tandem::storage {

class Database;
class Statement;

// The columns readAttachment() reads, in order (MessageRepository joins them to every message).
#define TANDEM_ATTACHMENT_COLUMNS                                                 \
    "file_name, mime_type, file_size, width, height, thumbnail, transfer_state, " \
    "transferred, transfer_error, file_key, chunks, local_file, complete"

namespace detail {
// The attachment in TANDEM_ATTACHMENT_COLUMNS from column `first` on; nullopt when they are
// NULL (a message without one, through a LEFT JOIN).
std::optional<Attachment> readAttachment(const Statement& stmt, int first);
}  // namespace detail

// A transfer not finished: an outgoing file still uploading, a received one not downloaded.
struct UnfinishedTransfer {
    std::int64_t messageId = 0;
    Direction direction = Direction::Outgoing;
    Mode mode = Mode::Signal;
};

class AttachmentRepository {
public:
    explicit AttachmentRepository(Database& db) : db_(db) {}

    static constexpr qsizetype kMaxFileNameChars = 255;
    static constexpr qsizetype kMaxMimeTypeChars = 127;
    static constexpr qsizetype kMaxThumbnailBytes = 48 * 1024;

    StoreResult<void> insert(std::int64_t messageId, const Attachment& attachment);
    StoreResult<std::optional<Attachment>> get(std::int64_t messageId);
    // A transfer went on: `transferred` bytes, and for an upload the chunks stored so far.
    // False when the message is gone (the transfer stops).
    StoreResult<bool> setProgress(std::int64_t messageId, std::int64_t transferred,
                                  const std::optional<QByteArray>& chunks);
    // A new state (`error` for Failed; "" otherwise). False when the message is gone.
    StoreResult<bool> setState(std::int64_t messageId, TransferState state, const QString& error,
                               bool complete);
    // Names the local copy a download writes to.
    StoreResult<bool> setLocalFile(std::int64_t messageId, const QString& localFile);
    // Transfers not finished in `mode` (a channel's, at its start): Uploading, Remote (never
    // started) and Downloading.
    StoreResult<std::vector<UnfinishedTransfer>> unfinished(Mode mode);
    // The conversation's outgoing messages whose file is still Uploading (not yet queued), in
    // the order they were written.
    StoreResult<std::vector<std::int64_t>> uploading(std::int64_t conversationId);
    // Every local copy a row names.
    StoreResult<std::vector<QString>> localFiles();
    // The local copies of the messages whose disappearing timer runs out by `now`.
    StoreResult<std::vector<QString>> localFilesExpiring(std::int64_t now);

private:
    Database& db_;
};

}  // namespace tandem::storage
