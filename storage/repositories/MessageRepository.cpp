#include "storage/repositories/MessageRepository.h"

#include <algorithm>

#include "storage/Limits.h"
#include "storage/repositories/AttachmentRepository.h"
#include "storage/repositories/RepositoryUtil.h"

namespace tandem::storage {

using namespace detail;

namespace {

#define MESSAGE_COLUMNS                                                                      \
    "id, conversation_id, uid, direction, kind, body, sticker_pack_id, sticker_id, status, " \
    "sent_at, accepted_at, received_at, delivered_at, read_at, failed_at, expire_timer, "    \
    "expire_start, expires_at, " TANDEM_ATTACHMENT_COLUMNS
// Every message read comes with its attachment, if it has one (attachments has no column a
// messages query names, so the WHERE clauses stay as they are).
#define MESSAGE_FROM " FROM messages LEFT JOIN attachments ON attachments.message_id = messages.id "

MessageUid uidColumn(const Statement& stmt, int column) {
    MessageUid uid;
    const auto bytes = stmt.blobView(column);
    std::copy_n(bytes.begin(), std::min(bytes.size(), uid.bytes.size()), uid.bytes.begin());
    return uid;
}

// For "SELECT id, conversation_id, uid".
MessageRef readRef(const Statement& stmt) {
    return {stmt.int64(0), stmt.int64(1), uidColumn(stmt, 2)};
}

Message readMessage(const Statement& stmt) {
    Message m;
    m.id = stmt.int64(0);
    m.conversationId = stmt.int64(1);
    m.uid = uidColumn(stmt, 2);
    m.direction = toEnum<Direction>(stmt.int64(3));
    m.kind = toEnum<MessageKind>(stmt.int64(4));
    m.body = stmt.text(5);
    m.stickerPackId = stmt.blob(6);
    m.stickerId = stmt.optInt64(7);
    m.status = toEnum<MessageStatus>(stmt.int64(8));
    m.sentAt = stmt.int64(9);
    m.acceptedAt = stmt.optInt64(10);
    m.receivedAt = stmt.optInt64(11);
    m.deliveredAt = stmt.optInt64(12);
    m.readAt = stmt.optInt64(13);
    m.failedAt = stmt.optInt64(14);
    m.expireTimer = stmt.int64(15);
    m.expireStart = stmt.optInt64(16);
    m.expiresAt = stmt.optInt64(17);
    m.attachment = readAttachment(stmt, 18);
    return m;
}

int rank(MessageStatus status) {
    switch (status) {
        case MessageStatus::Pending:
        case MessageStatus::Received:
            return 0;
        case MessageStatus::Sent:
            return 1;
        case MessageStatus::Delivered:
            return 2;
        case MessageStatus::Read:
            return 3;
        case MessageStatus::Failed:
            return -1;
    }
    return -1;
}

}  // namespace

bool isForwardTransition(Direction direction, MessageStatus from, MessageStatus to) {
    if (direction == Direction::Incoming) {
        return from == MessageStatus::Received && to == MessageStatus::Read;
    }
    switch (to) {
        case MessageStatus::Received:
            return false;
        case MessageStatus::Failed:
            return from == MessageStatus::Pending;
        case MessageStatus::Pending:
            return from == MessageStatus::Failed;  // retry
        case MessageStatus::Sent:
        case MessageStatus::Delivered:
        case MessageStatus::Read:
            // A receipt proves the message left even if we had given up on it.
            return from == MessageStatus::Failed || rank(to) > rank(from);
    }
    return false;
}

StoreResult<InsertResult> MessageRepository::insert(const Message& m) {
    const QByteArray body = m.body.toUtf8();
    TANDEM_TRY(
        checkLimit(body.size() <= limits::kMaxTextBytes, "message text", limits::kMaxTextBytes));
    if (m.expireTimer < 0 || m.expireTimer > limits::kMaxExpireTimerSeconds) {
        return storeError(StoreErrorCode::InvalidArgument,
                          QStringLiteral("The disappearing-message timer is out of range."));
    }
    const bool incoming = m.direction == Direction::Incoming;
    if (incoming != (m.status == MessageStatus::Received || m.status == MessageStatus::Read)) {
        return storeError(StoreErrorCode::InvalidArgument,
                          QStringLiteral("The status does not fit the message's direction."));
    }
    std::optional<std::int64_t> expiresAt;
    if (m.expireTimer > 0 && m.expireStart) {
        expiresAt = *m.expireStart + m.expireTimer * 1000;
    }
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("INSERT OR IGNORE INTO messages (conversation_id, uid, "
                                  "direction, kind, "
                                  "body, sticker_pack_id, sticker_id, status, sent_at, "
                                  "accepted_at, received_at, delivered_at, read_at, failed_at, "
                                  "expire_timer, expire_start, expires_at) "
                                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    stmt->bindAll(m.conversationId, std::span<const std::uint8_t>(m.uid.bytes),
                  fromEnum(m.direction), fromEnum(m.kind),
                  std::string_view(body.constData(), static_cast<std::size_t>(body.size())));
    m.stickerPackId.isEmpty() ? stmt->bindNull(6) : stmt->bind(6, m.stickerPackId);
    stmt->bind(7, m.stickerId);
    stmt->bind(8, fromEnum(m.status));
    stmt->bind(9, m.sentAt);
    stmt->bind(10, m.acceptedAt);
    stmt->bind(11, m.receivedAt);
    stmt->bind(12, m.deliveredAt);
    stmt->bind(13, m.readAt);
    stmt->bind(14, m.failedAt);
    stmt->bind(15, m.expireTimer);
    stmt->bind(16, m.expireStart);
    stmt->bind(17, expiresAt);
    // The uid is unique, so a message stored already (a retry, a replica) is skipped by the
    // insert itself: no lookup before every insert (it cost the batched insert 14 % against
    // the bare loop, BENCHMARKS.md). A row skipped for another of the table's rules is no
    // duplicate: the lookup after it tells them apart.
    TANDEM_TRY(stmt->run());
    if (db_.changes() == 0) {
        TANDEM_TRY_ASSIGN(const auto existing, findByUid(m.uid));
        if (existing) {
            return InsertResult{existing->id, false};
        }
        return storeError(StoreErrorCode::InvalidArgument,
                          QStringLiteral("The message breaks a rule of the messages table."));
    }
    return InsertResult{db_.lastInsertRowId(), true};
}

StoreResult<Message> MessageRepository::get(std::int64_t id) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT " MESSAGE_COLUMNS MESSAGE_FROM "WHERE id = ?"));
    stmt->bind(1, id);
    return requiredRow(*stmt, readMessage, "message", id);
}

StoreResult<std::optional<Message>> MessageRepository::findById(std::int64_t id) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT " MESSAGE_COLUMNS MESSAGE_FROM "WHERE id = ?"));
    stmt->bind(1, id);
    return optionalRow(*stmt, readMessage);
}

StoreResult<std::optional<Message>> MessageRepository::findByUid(const MessageUid& uid) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT " MESSAGE_COLUMNS MESSAGE_FROM "WHERE uid = ?"));
    stmt->bind(1, std::span<const std::uint8_t>(uid.bytes));
    return optionalRow(*stmt, readMessage);
}

StoreResult<std::vector<Message>> MessageRepository::page(std::string_view sql,
                                                          std::int64_t conversationId,
                                                          std::optional<std::int64_t> anchor,
                                                          int limit, bool reverse) {
    TANDEM_TRY(checkPageSize(limit));
    TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare(sql));
    int index = 1;
    stmt->bind(index++, conversationId);
    if (anchor) {
        stmt->bind(index++, *anchor);
    }
    stmt->bind(index, limit);
    TANDEM_TRY_ASSIGN(auto result, collectRows(*stmt, readMessage));
    if (reverse) {
        std::reverse(result.begin(), result.end());
    }
    return result;
}

StoreResult<std::vector<Message>> MessageRepository::newest(std::int64_t conversationId,
                                                            int limit) {
    return page("SELECT " MESSAGE_COLUMNS MESSAGE_FROM
                "WHERE conversation_id = ? "
                "ORDER BY id DESC LIMIT ?",
                conversationId, std::nullopt, limit, true);
}

StoreResult<std::vector<Message>> MessageRepository::before(std::int64_t conversationId,
                                                            std::int64_t beforeId, int limit) {
    return page("SELECT " MESSAGE_COLUMNS MESSAGE_FROM
                "WHERE conversation_id = ? AND id < ? "
                "ORDER BY id DESC LIMIT ?",
                conversationId, beforeId, limit, true);
}

StoreResult<std::vector<Message>> MessageRepository::after(std::int64_t conversationId,
                                                           std::int64_t afterId, int limit) {
    return page("SELECT " MESSAGE_COLUMNS MESSAGE_FROM
                "WHERE conversation_id = ? AND id > ? "
                "ORDER BY id ASC LIMIT ?",
                conversationId, afterId, limit, false);
}

StoreResult<std::int64_t> MessageRepository::count(std::int64_t conversationId) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT count(*) FROM messages WHERE conversation_id = ?"));
    stmt->bind(1, conversationId);
    return singleInt(*stmt);
}

StoreResult<std::int64_t> MessageRepository::unreadCount(std::int64_t conversationId) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT count(*) FROM messages WHERE conversation_id = ? "
                                  "AND direction = 1 AND read_at IS NULL"));
    stmt->bind(1, conversationId);
    return singleInt(*stmt);
}

StoreResult<std::int64_t> MessageRepository::unreadTotal() {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT count(*) FROM messages m "
                                  "JOIN conversations c ON c.id = m.conversation_id "
                                  "LEFT JOIN contacts k ON k.id = c.contact_id "
                                  "WHERE m.direction = 1 AND m.read_at IS NULL "
                                  "AND (k.blocked IS NULL OR k.blocked = 0)"));
    return singleInt(*stmt);
}

StoreResult<bool> MessageRepository::updateStatus(std::int64_t id, MessageStatus status,
                                                  std::int64_t at) {
    TANDEM_TRY_ASSIGN(const Message current, get(id));
    if (!isForwardTransition(current.direction, current.status, status)) {
        return false;
    }
    // One row, by its id: OR FAIL (a constraint that fails does so before the row is written)
    // spares the statement journal SQLite keeps for an UPDATE that may abort, whose every page
    // SQLCipher encrypts (docs/storage.md, "Pages per commit").
    std::string_view sql;
    switch (status) {
        case MessageStatus::Pending:
            sql = "UPDATE OR FAIL messages SET status = ?, failed_at = NULL WHERE id = ?";
            break;
        case MessageStatus::Sent:
            sql =
                "UPDATE OR FAIL messages SET status = ?, accepted_at = coalesce(accepted_at, ?), "
                "failed_at = NULL WHERE id = ?";
            break;
        case MessageStatus::Delivered:
            sql =
                "UPDATE OR FAIL messages SET status = ?, delivered_at = coalesce(delivered_at, ?), "
                "failed_at = NULL WHERE id = ?";
            break;
        case MessageStatus::Read:
            sql =
                "UPDATE OR FAIL messages SET status = ?, read_at = coalesce(read_at, ?), "
                "failed_at = NULL WHERE id = ?";
            break;
        case MessageStatus::Failed:
            sql = "UPDATE OR FAIL messages SET status = ?, failed_at = ? WHERE id = ?";
            break;
        case MessageStatus::Received:
            return false;
    }
    TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare(sql));
    if (status == MessageStatus::Pending) {
        stmt->bindAll(fromEnum(status), id);
    } else {
        stmt->bindAll(fromEnum(status), at, id);
    }
    TANDEM_TRY(stmt->run());
    return true;
}

StoreResult<std::vector<MessageRef>> MessageRepository::markRead(std::int64_t conversationId,
                                                                 std::int64_t upToId,
                                                                 std::int64_t now) {
    TANDEM_TRY_ASSIGN(Statement * select,
                      db_.prepare("SELECT id, conversation_id, uid FROM messages WHERE "
                                  "conversation_id = ? AND direction = 1 AND read_at IS NULL AND "
                                  "id <= ? ORDER BY id"));
    select->bindAll(conversationId, upToId);
    TANDEM_TRY_ASSIGN(auto changed, collectRows(*select, readRef));
    if (changed.empty()) {
        return changed;
    }
    // The recipient's countdown starts when the message is read (DESIGN.md).
    TANDEM_TRY_ASSIGN(
        Statement * update,
        db_.prepare("UPDATE messages SET status = 3, read_at = ?1, "
                    "expire_start = CASE WHEN expire_timer > 0 AND expire_start IS NULL "
                    "THEN ?1 ELSE expire_start END, "
                    "expires_at = CASE WHEN expire_timer > 0 AND expire_start IS NULL "
                    "THEN ?1 + expire_timer * 1000 ELSE expires_at END "
                    "WHERE conversation_id = ?2 AND direction = 1 AND read_at IS NULL "
                    "AND id <= ?3"));
    update->bindAll(now, conversationId, upToId);
    TANDEM_TRY(update->run());
    return changed;
}

StoreResult<void> MessageRepository::startExpiry(std::int64_t id, std::int64_t start) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("UPDATE messages SET expire_start = ?1, "
                                  "expires_at = ?1 + expire_timer * 1000 "
                                  "WHERE id = ?2 AND expire_timer > 0 AND expire_start IS NULL"));
    stmt->bindAll(start, id);
    return stmt->run();
}

StoreResult<void> MessageRepository::setSentAt(std::int64_t id, std::int64_t at) {
    TANDEM_TRY_ASSIGN(
        Statement * stmt,
        db_.prepare("UPDATE messages SET sent_at = ? WHERE id = ? AND direction = 0"));
    stmt->bindAll(at, id);
    return stmt->run();
}

StoreResult<std::optional<std::int64_t>> MessageRepository::nextExpiry() {
    TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare("SELECT min(expires_at) FROM messages "
                                                    "WHERE expires_at IS NOT NULL"));
    TANDEM_TRY_ASSIGN(auto row,
                      optionalRow(*stmt, [](const Statement& r) { return r.optInt64(0); }));
    return row.value_or(std::nullopt);
}

StoreResult<std::vector<MessageRef>> MessageRepository::deleteExpired(std::int64_t now) {
    TANDEM_TRY_ASSIGN(Statement * select,
                      db_.prepare("SELECT id, conversation_id, uid FROM messages "
                                  "WHERE expires_at IS NOT NULL AND expires_at <= ?"));
    select->bind(1, now);
    TANDEM_TRY_ASSIGN(auto expired, collectRows(*select, readRef));
    if (!expired.empty()) {
        TANDEM_TRY_ASSIGN(Statement * del,
                          db_.prepare("DELETE FROM messages WHERE expires_at IS NOT NULL AND "
                                      "expires_at <= ?"));
        del->bind(1, now);
        TANDEM_TRY(del->run());
    }
    return expired;
}

StoreResult<bool> MessageRepository::remove(std::int64_t id) {
    TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare("DELETE FROM messages WHERE id = ?"));
    stmt->bind(1, id);
    return runDelete(db_, *stmt);
}

}  // namespace tandem::storage
