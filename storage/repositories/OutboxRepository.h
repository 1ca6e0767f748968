// OutboxRepository: everything waiting to be sent (messages, receipts, control messages).
// A row is written in the same transaction as the message it carries and removed only when
// the transport has accepted it, so a crash or kill never loses what the user sent; the
// core replays the outbox at start-up.
#pragma once

#include <optional>
#include <vector>

#include "storage/StoreError.h"
#include "storage/Types.h"

namespace tandem::storage {

class Database;

class OutboxRepository {
public:
    explicit OutboxRepository(Database& db) : db_(db) {}

    // Returns the new row's id (item.id is ignored).
    StoreResult<std::int64_t> enqueue(const OutboxItem& item);
    StoreResult<OutboxItem> get(std::int64_t id);
    // Rows whose next attempt is due at `now`, oldest first.
    StoreResult<std::vector<OutboxItem>> due(std::int64_t now, int limit);
    // Every row, oldest first (replay at start-up).
    StoreResult<std::vector<OutboxItem>> all(int limit);
    // The rows after `afterId`, oldest first (paging through the outbox).
    StoreResult<std::vector<OutboxItem>> after(std::int64_t afterId, int limit);
    StoreResult<std::int64_t> count();
    // The conversation's item of `kind` queued last before item `id`, if any.
    StoreResult<std::optional<OutboxItem>> previous(std::int64_t conversationId, std::int64_t id,
                                                    OutboxKind kind);
    // Counts an attempt and schedules the next one.
    StoreResult<void> recordFailure(std::int64_t id, const QString& error,
                                    std::int64_t nextAttemptAt);
    // Everything waiting for a retry is due at `now` (a connection came back: waiting out
    // a backoff that a dead network caused helps nobody). Returns how many rows moved.
    StoreResult<int> retryNow(std::int64_t now);
    // Replaces the payload (the core swaps plaintext content for its ciphertext once sealed).
    StoreResult<void> setPayload(std::int64_t id, const QByteArray& payload);
    StoreResult<bool> remove(std::int64_t id);
    StoreResult<int> removeForMessage(std::int64_t messageId);
    // Whether a row carries the message.
    StoreResult<bool> holdsMessage(std::int64_t messageId);

private:
    StoreResult<std::vector<OutboxItem>> query(std::string_view sql,
                                               std::optional<std::int64_t> now, int limit);
    Database& db_;
};

}  // namespace tandem::storage
