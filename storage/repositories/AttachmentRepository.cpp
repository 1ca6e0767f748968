#include "storage/repositories/AttachmentRepository.h"

#include "storage/Limits.h"
#include "storage/repositories/RepositoryUtil.h"

namespace tandem::storage {

using namespace detail;

namespace {

StoreResult<void> check(const Attachment& a) {
    if (a.fileName.isEmpty() || a.fileName.size() > AttachmentRepository::kMaxFileNameChars) {
        return storeError(StoreErrorCode::InvalidArgument,
                          QStringLiteral("An attachment's file name has 1 to %1 characters.")
                              .arg(AttachmentRepository::kMaxFileNameChars));
    }
    TANDEM_TRY(checkLimit(a.mimeType.size() <= AttachmentRepository::kMaxMimeTypeChars,
                          "attachment's type", AttachmentRepository::kMaxMimeTypeChars));
    TANDEM_TRY(checkLimit(a.thumbnail.size() <= AttachmentRepository::kMaxThumbnailBytes,
                          "attachment's thumbnail", AttachmentRepository::kMaxThumbnailBytes));
    if (a.size <= 0 || a.transferred < 0 || a.transferred > a.size || a.width < 0 || a.height < 0) {
        return storeError(StoreErrorCode::InvalidArgument,
                          QStringLiteral("An attachment's sizes are out of range."));
    }
    if (!a.key || a.key->size() != 32) {
        return storeError(StoreErrorCode::InvalidArgument,
                          QStringLiteral("An attachment's key has 32 bytes."));
    }
    return {};
}

}  // namespace

std::optional<Attachment> detail::readAttachment(const Statement& r, int first) {
    if (r.isNull(first)) {
        return std::nullopt;
    }
    Attachment a;
    a.fileName = r.text(first);
    a.mimeType = r.text(first + 1);
    a.size = r.int64(first + 2);
    a.width = static_cast<int>(r.int64(first + 3));
    a.height = static_cast<int>(r.int64(first + 4));
    a.thumbnail = r.blob(first + 5);
    a.state = toEnum<TransferState>(r.int64(first + 6));
    a.transferred = r.int64(first + 7);
    a.error = r.text(first + 8);
    a.key = secretColumn(r, first + 9);
    a.chunks = r.blob(first + 10);
    a.localFile = r.text(first + 11);
    a.complete = r.int64(first + 12) != 0;
    return a;
}

StoreResult<void> AttachmentRepository::insert(std::int64_t messageId, const Attachment& a) {
    TANDEM_TRY(check(a));
    TANDEM_TRY_ASSIGN(
        Statement * stmt,
        db_.prepare("INSERT INTO attachments (message_id, file_name, mime_type, file_size, width, "
                    "height, thumbnail, transfer_state, transferred, transfer_error, file_key, "
                    "chunks, local_file, complete) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                    "?, ?)"));
    stmt->bindAll(messageId, a.fileName, a.mimeType, a.size, a.width, a.height, a.thumbnail,
                  fromEnum(a.state), a.transferred, a.error, bytes(a.key), a.chunks, a.localFile,
                  std::int64_t{a.complete ? 1 : 0});
    return stmt->run();
}

StoreResult<std::optional<Attachment>> AttachmentRepository::get(std::int64_t messageId) {
    TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare("SELECT " TANDEM_ATTACHMENT_COLUMNS
                                                    " FROM attachments WHERE message_id = ?"));
    stmt->bind(1, messageId);
    TANDEM_TRY_ASSIGN(auto row,
                      optionalRow(*stmt, [](const Statement& r) { return readAttachment(r, 0); }));
    return row.value_or(std::nullopt);
}

StoreResult<bool> AttachmentRepository::setProgress(std::int64_t messageId,
                                                    std::int64_t transferred,
                                                    const std::optional<QByteArray>& chunks) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("UPDATE attachments SET transferred = min(?1, file_size), "
                                  "chunks = coalesce(?2, chunks) WHERE message_id = ?3"));
    stmt->bindAll(transferred, chunks, messageId);
    TANDEM_TRY(stmt->run());
    return db_.changes() > 0;
}

StoreResult<bool> AttachmentRepository::setState(std::int64_t messageId, TransferState state,
                                                 const QString& error, bool complete) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("UPDATE attachments SET transfer_state = ?, transfer_error = ?, "
                                  "complete = ? WHERE message_id = ?"));
    stmt->bindAll(fromEnum(state), error.left(500), std::int64_t{complete ? 1 : 0}, messageId);
    TANDEM_TRY(stmt->run());
    return db_.changes() > 0;
}

StoreResult<bool> AttachmentRepository::setLocalFile(std::int64_t messageId,
                                                     const QString& localFile) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("UPDATE attachments SET local_file = ? WHERE message_id = ?"));
    stmt->bindAll(localFile, messageId);
    TANDEM_TRY(stmt->run());
    return db_.changes() > 0;
}

StoreResult<std::vector<UnfinishedTransfer>> AttachmentRepository::unfinished(Mode mode) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT a.message_id, m.direction FROM attachments a "
                                  "JOIN messages m ON m.id = a.message_id "
                                  "JOIN conversations c ON c.id = m.conversation_id "
                                  "WHERE a.transfer_state IN (0, 2, 3) AND c.mode = ? "
                                  "ORDER BY a.message_id"));
    stmt->bind(1, fromEnum(mode));
    return collectRows(*stmt, [mode](const Statement& r) {
        return UnfinishedTransfer{r.int64(0), toEnum<Direction>(r.int64(1)), mode};
    });
}

StoreResult<std::vector<std::int64_t>> AttachmentRepository::uploading(
    std::int64_t conversationId) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT m.id FROM messages m "
                                  "JOIN attachments a ON a.message_id = m.id "
                                  "WHERE m.conversation_id = ? AND m.direction = 0 "
                                  "AND m.status = 0 AND a.transfer_state = 0 ORDER BY m.id"));
    stmt->bind(1, conversationId);
    return collectRows(*stmt, [](const Statement& r) { return r.int64(0); });
}

StoreResult<std::vector<QString>> AttachmentRepository::localFiles() {
    TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare("SELECT local_file FROM attachments "
                                                    "WHERE local_file != ''"));
    return collectRows(*stmt, [](const Statement& r) { return r.text(0); });
}

StoreResult<std::vector<QString>> AttachmentRepository::localFilesExpiring(std::int64_t now) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT a.local_file FROM attachments a "
                                  "JOIN messages m ON m.id = a.message_id "
                                  "WHERE m.expires_at IS NOT NULL AND m.expires_at <= ? "
                                  "AND a.local_file != ''"));
    stmt->bind(1, now);
    return collectRows(*stmt, [](const Statement& r) { return r.text(0); });
}

}  // namespace tandem::storage
