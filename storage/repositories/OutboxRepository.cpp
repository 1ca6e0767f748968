#include "storage/repositories/OutboxRepository.h"

#include "storage/Limits.h"
#include "storage/repositories/RepositoryUtil.h"

namespace tandem::storage {

using namespace detail;

namespace {

#define OUTBOX_COLUMNS                                                                        \
    "id, conversation_id, message_id, kind, payload, attempts, next_attempt_at, last_error, " \
    "created_at"

OutboxItem readItem(const Statement& stmt) {
    OutboxItem item;
    item.id = stmt.int64(0);
    item.conversationId = stmt.int64(1);
    item.messageId = stmt.optInt64(2);
    item.kind = toEnum<OutboxKind>(stmt.int64(3));
    item.payload = stmt.blob(4);
    item.attempts = stmt.int64(5);
    item.nextAttemptAt = stmt.int64(6);
    item.lastError = stmt.text(7);
    item.createdAt = stmt.int64(8);
    return item;
}

}  // namespace

StoreResult<std::int64_t> OutboxRepository::enqueue(const OutboxItem& item) {
    TANDEM_TRY(checkLimit(item.payload.size() <= limits::kMaxOutboxPayloadBytes, "outgoing payload",
                          limits::kMaxOutboxPayloadBytes));
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("INSERT INTO outbox (conversation_id, message_id, kind, payload, "
                                  "attempts, next_attempt_at, created_at) "
                                  "VALUES (?, ?, ?, ?, 0, ?, ?)"));
    stmt->bind(1, item.conversationId);
    stmt->bind(2, item.messageId);
    stmt->bind(3, fromEnum(item.kind));
    stmt->bind(4, item.payload);
    stmt->bind(5, item.nextAttemptAt);
    stmt->bind(6, item.createdAt);
    TANDEM_TRY(stmt->run());
    return db_.lastInsertRowId();
}

StoreResult<OutboxItem> OutboxRepository::get(std::int64_t id) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT " OUTBOX_COLUMNS " FROM outbox WHERE id = ?"));
    stmt->bind(1, id);
    return requiredRow(*stmt, readItem, "outbox row", id);
}

StoreResult<std::vector<OutboxItem>> OutboxRepository::query(std::string_view sql,
                                                             std::optional<std::int64_t> now,
                                                             int limit) {
    TANDEM_TRY(checkPageSize(limit));
    TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare(sql));
    int index = 1;
    if (now) {
        stmt->bind(index++, *now);
    }
    stmt->bind(index, limit);
    return collectRows(*stmt, readItem);
}

StoreResult<std::vector<OutboxItem>> OutboxRepository::due(std::int64_t now, int limit) {
    return query("SELECT " OUTBOX_COLUMNS
                 " FROM outbox WHERE next_attempt_at <= ? "
                 "ORDER BY id LIMIT ?",
                 now, limit);
}

StoreResult<std::vector<OutboxItem>> OutboxRepository::all(int limit) {
    return query("SELECT " OUTBOX_COLUMNS " FROM outbox ORDER BY id LIMIT ?", std::nullopt, limit);
}

StoreResult<std::vector<OutboxItem>> OutboxRepository::after(std::int64_t afterId, int limit) {
    return query("SELECT " OUTBOX_COLUMNS " FROM outbox WHERE id > ? ORDER BY id LIMIT ?", afterId,
                 limit);
}

StoreResult<std::int64_t> OutboxRepository::count() {
    return db_.queryInt("SELECT count(*) FROM outbox");
}

StoreResult<std::optional<OutboxItem>> OutboxRepository::previous(std::int64_t conversationId,
                                                                  std::int64_t id,
                                                                  OutboxKind kind) {
    // Messages (the kind kept in order, looked for at every send) through the partial index
    // outbox_by_conversation (kind = 1): SQLite uses it only when the query names the kind.
    static_assert(static_cast<int>(OutboxKind::Message) == 1);
    if (kind == OutboxKind::Message) {
        TANDEM_TRY_ASSIGN(Statement * stmt,
                          db_.prepare("SELECT " OUTBOX_COLUMNS
                                      " FROM outbox WHERE conversation_id = ? AND id < ? AND "
                                      "kind = 1 ORDER BY id DESC LIMIT 1"));
        stmt->bindAll(conversationId, id);
        return optionalRow(*stmt, readItem);
    }
    // Another kind (no caller in the app asks) is not in that index: the rows before `id` are
    // scanned.
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT " OUTBOX_COLUMNS
                                  " FROM outbox WHERE conversation_id = ? AND id < ? AND kind = ? "
                                  "ORDER BY id DESC LIMIT 1"));
    stmt->bindAll(conversationId, id, fromEnum(kind));
    return optionalRow(*stmt, readItem);
}

StoreResult<void> OutboxRepository::recordFailure(std::int64_t id, const QString& error,
                                                  std::int64_t nextAttemptAt) {
    TANDEM_TRY_ASSIGN(
        Statement * stmt,
        db_.prepare("UPDATE OR FAIL outbox SET attempts = attempts + 1, last_error = ?, "
                    "next_attempt_at = ? WHERE id = ?"));
    stmt->bindAll(error.left(500), nextAttemptAt, id);
    return runExpectingRow(db_, *stmt, "outbox row", id);
}

StoreResult<int> OutboxRepository::retryNow(std::int64_t now) {
    TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare("UPDATE outbox SET next_attempt_at = ? "
                                                    "WHERE next_attempt_at > ?"));
    stmt->bindAll(now, now);
    TANDEM_TRY(stmt->step());
    stmt->reset();
    return db_.changes();
}

StoreResult<void> OutboxRepository::setPayload(std::int64_t id, const QByteArray& payload) {
    TANDEM_TRY(checkLimit(payload.size() <= limits::kMaxOutboxPayloadBytes, "outgoing payload",
                          limits::kMaxOutboxPayloadBytes));
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("UPDATE OR FAIL outbox SET payload = ? WHERE id = ?"));
    stmt->bindAll(payload, id);
    return runExpectingRow(db_, *stmt, "outbox row", id);
}

StoreResult<bool> OutboxRepository::remove(std::int64_t id) {
    TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare("DELETE FROM outbox WHERE id = ?"));
    stmt->bind(1, id);
    return runDelete(db_, *stmt);
}

StoreResult<int> OutboxRepository::removeForMessage(std::int64_t messageId) {
    TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare("DELETE FROM outbox WHERE message_id = ?"));
    stmt->bind(1, messageId);
    TANDEM_TRY(stmt->run());
    return db_.changes();
}

StoreResult<bool> OutboxRepository::holdsMessage(std::int64_t messageId) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT count(*) FROM outbox WHERE message_id = ?"));
    stmt->bind(1, messageId);
    TANDEM_TRY_ASSIGN(const auto n,
                      optionalRow(*stmt, [](const Statement& r) { return r.int64(0); }));
    return n.value_or(0) > 0;
}

}  // namespace tandem::storage
