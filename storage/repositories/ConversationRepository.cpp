#include "storage/repositories/ConversationRepository.h"

#include "storage/Limits.h"
#include "storage/repositories/ContactRepository.h"
#include "storage/repositories/MessageRepository.h"
#include "storage/repositories/RepositoryUtil.h"

namespace tandem::storage {

using namespace detail;

namespace {

#define CONVERSATION_COLUMNS                                                            \
    "id, kind, mode, contact_id, expire_timer, expire_timer_version, draft, archived, " \
    "muted_until, created_at, expire_rule"

constexpr int kConversationColumnCount = 11;

Conversation readConversation(const Statement& stmt) {
    Conversation c;
    c.id = stmt.int64(0);
    c.kind = toEnum<ConversationKind>(stmt.int64(1));
    if (!stmt.isNull(2)) {
        c.mode = toEnum<Mode>(stmt.int64(2));
    }
    c.contactId = stmt.optInt64(3);
    c.expireTimer = stmt.int64(4);
    c.expireTimerVersion = stmt.int64(5);
    c.draft = stmt.text(6);
    c.archived = stmt.int64(7) != 0;
    c.mutedUntil = stmt.int64(8);
    c.createdAt = stmt.int64(9);
    c.expireRule = toEnum<ExpireRule>(stmt.int64(10));
    return c;
}

}  // namespace

StoreResult<std::optional<Conversation>> ConversationRepository::findOne(std::string_view sql,
                                                                         std::int64_t key) {
    TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare(sql));
    stmt->bind(1, key);
    return optionalRow(*stmt, readConversation);
}

StoreResult<std::optional<Conversation>> ConversationRepository::findNoteToSelf() {
    constexpr std::string_view kFind =
        "SELECT " CONVERSATION_COLUMNS " FROM conversations WHERE kind = ?";
    return findOne(kFind, fromEnum(ConversationKind::NoteToSelf));
}

StoreResult<Conversation> ConversationRepository::noteToSelf(std::int64_t now) {
    TANDEM_TRY_ASSIGN(auto found, findNoteToSelf());
    if (found) {
        return *found;
    }
    TANDEM_TRY_ASSIGN(Statement * insert,
                      db_.prepare("INSERT INTO conversations (kind, created_at) VALUES (?, ?)"));
    insert->bindAll(fromEnum(ConversationKind::NoteToSelf), now);
    TANDEM_TRY(insert->run());
    return get(db_.lastInsertRowId());
}

StoreResult<Conversation> ConversationRepository::forContact(std::int64_t contactId,
                                                             std::int64_t now) {
    constexpr std::string_view kFind =
        "SELECT " CONVERSATION_COLUMNS " FROM conversations WHERE contact_id = ?";
    TANDEM_TRY_ASSIGN(auto found, findOne(kFind, contactId));
    if (found) {
        return *found;
    }
    TANDEM_TRY_ASSIGN(const Contact contact, ContactRepository(db_).get(contactId));
    TANDEM_TRY_ASSIGN(Statement * insert,
                      db_.prepare("INSERT INTO conversations (kind, mode, contact_id, created_at) "
                                  "VALUES (?, ?, ?, ?)"));
    insert->bindAll(fromEnum(ConversationKind::Direct), fromEnum(contact.mode), contactId, now);
    TANDEM_TRY(insert->run());
    return get(db_.lastInsertRowId());
}

StoreResult<Conversation> ConversationRepository::get(std::int64_t id) {
    constexpr std::string_view kGet =
        "SELECT " CONVERSATION_COLUMNS " FROM conversations WHERE id = ?";
    TANDEM_TRY_ASSIGN(auto found, findOne(kGet, id));
    if (!found) {
        return unexpected(notFound("conversation", id));
    }
    return *found;
}

StoreResult<std::vector<ConversationSummary>> ConversationRepository::list(
    std::optional<Mode> mode) {
    // Last activity = the newest message id (ids grow with arrival); conversations without
    // messages sort by creation after those with messages.
    TANDEM_TRY_ASSIGN(
        Statement * stmt,
        db_.prepare("SELECT " CONVERSATION_COLUMNS ", "
                    "(SELECT max(m.id) FROM messages m WHERE m.conversation_id = c.id) AS last, "
                    "(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id "
                    " AND m.direction = 1 AND m.read_at IS NULL) AS unread "
                    "FROM conversations c WHERE (?1 IS NULL OR c.mode IS NULL OR c.mode = ?1) "
                    "ORDER BY last IS NULL, last DESC, c.created_at DESC, c.id DESC"));
    mode ? stmt->bind(1, fromEnum(*mode)) : stmt->bindNull(1);
    std::vector<ConversationSummary> result;
    std::vector<std::int64_t> lastIds;
    while (true) {
        TANDEM_TRY_ASSIGN(const bool row, stmt->step());
        if (!row) {
            break;
        }
        ConversationSummary summary;
        summary.conversation = readConversation(*stmt);
        // After the conversation's own columns (kConversationColumnCount of them).
        lastIds.push_back(
            stmt->isNull(kConversationColumnCount) ? 0 : stmt->int64(kConversationColumnCount));
        summary.unread = stmt->int64(kConversationColumnCount + 1);
        result.push_back(std::move(summary));
    }
    MessageRepository messages(db_);
    ContactRepository contacts(db_);
    for (std::size_t i = 0; i < result.size(); ++i) {
        if (lastIds[i] != 0) {
            TANDEM_TRY_ASSIGN(result[i].lastMessage, messages.get(lastIds[i]));
        }
        if (result[i].conversation.contactId) {
            TANDEM_TRY_ASSIGN(result[i].contact, contacts.get(*result[i].conversation.contactId));
        }
    }
    return result;
}

StoreResult<bool> ConversationRepository::setExpireTimer(std::int64_t id, std::int64_t seconds,
                                                         ExpireRule rule, std::int64_t version) {
    if ((seconds != 0 &&
         (seconds < limits::kMinExpireTimerSeconds || seconds > limits::kMaxExpireTimerSeconds)) ||
        version < 0) {
        return storeError(StoreErrorCode::InvalidArgument,
                          QStringLiteral("The disappearing-message timer is out of range."));
    }
    // The higher version wins; at equal versions the stricter setting: a timer over none, the
    // shorter timer, then after-send over after-read. Every side that has seen the same changes
    // holds the same setting, whatever order they came in.
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("UPDATE conversations SET expire_timer = ?1, expire_rule = ?2, "
                                  "expire_timer_version = ?3 WHERE id = ?4 AND "
                                  "(?3 > expire_timer_version OR "
                                  " (?3 = expire_timer_version AND "
                                  "  (CASE WHEN ?1 = 0 THEN 0 ELSE (?5 - ?1) * 2 + ?2 END) > "
                                  "  (CASE WHEN expire_timer = 0 THEN 0 "
                                  "   ELSE (?5 - expire_timer) * 2 + expire_rule END)))"));
    stmt->bindAll(seconds, fromEnum(rule), version, id, limits::kMaxExpireTimerSeconds + 1);
    TANDEM_TRY(stmt->run());
    if (db_.changes() > 0) {
        return true;
    }
    TANDEM_TRY(get(id));  // distinguishes "not newer" from "no such conversation"
    return false;
}

StoreResult<void> ConversationRepository::setDraft(std::int64_t id, const QString& draft) {
    const QByteArray utf8 = draft.toUtf8();
    TANDEM_TRY(checkLimit(utf8.size() <= limits::kMaxDraftBytes, "draft", limits::kMaxDraftBytes));
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("UPDATE conversations SET draft = ? WHERE id = ?"));
    stmt->bindAll(std::string_view(utf8.constData(), static_cast<std::size_t>(utf8.size())), id);
    return runExpectingRow(db_, *stmt, "conversation", id);
}

StoreResult<void> ConversationRepository::updateColumn(std::string_view sql, std::int64_t id,
                                                       std::int64_t value) {
    TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare(sql));
    stmt->bindAll(value, id);
    return runExpectingRow(db_, *stmt, "conversation", id);
}

StoreResult<void> ConversationRepository::setArchived(std::int64_t id, bool archived) {
    return updateColumn("UPDATE conversations SET archived = ? WHERE id = ?", id, archived ? 1 : 0);
}

StoreResult<void> ConversationRepository::setMutedUntil(std::int64_t id, std::int64_t until) {
    return updateColumn("UPDATE conversations SET muted_until = ? WHERE id = ?", id, until);
}

StoreResult<bool> ConversationRepository::remove(std::int64_t id) {
    TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare("DELETE FROM conversations WHERE id = ?"));
    stmt->bind(1, id);
    return runDelete(db_, *stmt);
}

}  // namespace tandem::storage
