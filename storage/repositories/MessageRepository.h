// MessageRepository: the messages of every conversation. Rows are ordered by id, which is
// the local arrival order (as Signal Desktop orders a timeline). A message is stored once
// per uid: inserting a uid that exists returns the existing row (at-least-once delivery on
// the wire, exactly once here). Status only moves forward (see MessageStatus).
#pragma once

#include <optional>
#include <vector>

#include "storage/StoreError.h"
#include "storage/Types.h"

namespace tandem::storage {

class Database;

struct InsertResult {
    std::int64_t id = 0;
    bool inserted = false;  // false: the uid was already stored; nothing changed
};

struct MessageRef {
    std::int64_t id = 0;
    std::int64_t conversationId = 0;
    MessageUid uid;
};

class MessageRepository {
public:
    explicit MessageRepository(Database& db) : db_(db) {}

    // Stores `message` (its id is ignored). If `expireTimer` > 0 and `expireStart` is set,
    // expires_at is derived from them.
    StoreResult<InsertResult> insert(const Message& message);
    StoreResult<Message> get(std::int64_t id);
    StoreResult<std::optional<Message>> findById(std::int64_t id);
    StoreResult<std::optional<Message>> findByUid(const MessageUid& uid);

    // Pages, each returned oldest first.
    StoreResult<std::vector<Message>> newest(std::int64_t conversationId, int limit);
    StoreResult<std::vector<Message>> before(std::int64_t conversationId, std::int64_t beforeId,
                                             int limit);
    StoreResult<std::vector<Message>> after(std::int64_t conversationId, std::int64_t afterId,
                                            int limit);
    StoreResult<std::int64_t> count(std::int64_t conversationId);
    StoreResult<std::int64_t> unreadCount(std::int64_t conversationId);
    // Unread incoming messages in every conversation.
    StoreResult<std::int64_t> unreadTotal();

    // Moves the status forward and stamps its time. Returns false (and changes nothing) for
    // a transition that is not forward, e.g. a late "delivered" after "read".
    StoreResult<bool> updateStatus(std::int64_t id, MessageStatus status, std::int64_t at);
    // Marks incoming messages up to `upToId` read, starting their expiry countdown.
    // Returns the messages that changed (for read receipts).
    StoreResult<std::vector<MessageRef>> markRead(std::int64_t conversationId, std::int64_t upToId,
                                                  std::int64_t now);
    // Stamps an outgoing message's send time (a file's message: when its upload is done).
    StoreResult<void> setSentAt(std::int64_t id, std::int64_t at);
    // Starts the countdown of a message with a timer (outgoing: at send). No-op if started.
    StoreResult<void> startExpiry(std::int64_t id, std::int64_t start);
    // The earliest expires_at, for the scheduler.
    StoreResult<std::optional<std::int64_t>> nextExpiry();
    // Deletes every message whose time has come and returns what was deleted.
    StoreResult<std::vector<MessageRef>> deleteExpired(std::int64_t now);
    StoreResult<bool> remove(std::int64_t id);

private:
    StoreResult<std::vector<Message>> page(std::string_view sql, std::int64_t conversationId,
                                           std::optional<std::int64_t> anchor, int limit,
                                           bool reverse);
    Database& db_;
};

bool isForwardTransition(Direction direction, MessageStatus from, MessageStatus to);

}  // namespace tandem::storage
