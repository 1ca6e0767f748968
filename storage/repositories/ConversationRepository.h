// ConversationRepository: one conversation per contact, plus the local Note to Self, with
// the disappearing-message timer and the version that settles races when both sides change
// it at once.
#pragma once

#include <optional>
#include <vector>

#include "storage/StoreError.h"
#include "storage/Types.h"

namespace tandem::storage {

class Database;

class ConversationRepository {
public:
    explicit ConversationRepository(Database& db) : db_(db) {}

    // The Note to Self conversation (created on first use). It belongs to no mode.
    StoreResult<Conversation> noteToSelf(std::int64_t now);
    // The Note to Self conversation if it exists (never creates it).
    StoreResult<std::optional<Conversation>> findNoteToSelf();
    // The conversation with a contact (created on first use), in the contact's mode.
    StoreResult<Conversation> forContact(std::int64_t contactId, std::int64_t now);
    StoreResult<Conversation> get(std::int64_t id);
    // The conversation list for a mode (Note to Self included), most recent activity first.
    StoreResult<std::vector<ConversationSummary>> list(std::optional<Mode> mode);

    // Applies a timer change if (version, strictness) is above the one held: the higher version,
    // then the stricter setting (docs/disappearing.md). Both sides thus converge on the same
    // setting whatever order changes arrive in. Returns whether it was applied.
    StoreResult<bool> setExpireTimer(std::int64_t id, std::int64_t seconds, ExpireRule rule,
                                     std::int64_t version);
    StoreResult<void> setDraft(std::int64_t id, const QString& draft);
    StoreResult<void> setArchived(std::int64_t id, bool archived);
    StoreResult<void> setMutedUntil(std::int64_t id, std::int64_t until);
    // Removes the conversation with its messages and outbox rows.
    StoreResult<bool> remove(std::int64_t id);

private:
    StoreResult<std::optional<Conversation>> findOne(std::string_view sql, std::int64_t key);
    StoreResult<void> updateColumn(std::string_view sql, std::int64_t id, std::int64_t value);
    Database& db_;
};

}  // namespace tandem::storage
