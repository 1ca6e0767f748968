#include "app/core/ConversationService.h"

#include <QCoreApplication>
#include <QDateTime>

#include "app/core/ContentHandler.h"
#include "app/core/CoreLog.h"
#include "storage/Limits.h"
#include "tandem/common/Clock.h"

Q_LOGGING_CATEGORY(lcCore, "tandem.core", QtWarningMsg)

namespace tandem::core {

using namespace tandem::storage;

StoreResult<QString> ConversationService::validateText(const QString& text) {
    if (text.trimmed().isEmpty()) {
        return storeError(
            StoreErrorCode::InvalidArgument,
            QCoreApplication::translate("ConversationService", "The message is empty."));
    }
    const qsizetype bytes = text.toUtf8().size();
    if (bytes > limits::kMaxTextBytes) {
        return storeError(
            StoreErrorCode::InvalidArgument,
            QCoreApplication::translate("ConversationService",
                                        "The message is too long (%1 bytes; the limit is %2).")
                .arg(bytes)
                .arg(limits::kMaxTextBytes));
    }
    return text;
}

StoreResult<void> ConversationService::validateName(const QString& name) {
    if (name.isEmpty()) {
        return {};
    }
    if (name.trimmed().isEmpty()) {
        return storeError(StoreErrorCode::InvalidArgument,
                          QCoreApplication::translate("ConversationService",
                                                      "A name cannot be blank (\"\" clears it)."));
    }
    const qsizetype characters = name.toUcs4().size();
    if (characters > kMaxNameCodePoints) {
        return storeError(
            StoreErrorCode::InvalidArgument,
            QCoreApplication::translate("ConversationService",
                                        "A name has at most %1 characters; this one has %2.")
                .arg(kMaxNameCodePoints)
                .arg(characters));
    }
    for (const char32_t c : name.toUcs4()) {
        const bool control = c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029;
        const bool bidi = (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
                          c == 0x061c || c == 0x200e || c == 0x200f;
        // Invisible: a name that looks like another's (zero-width spaces and joiners, word
        // joiners, the byte-order mark).
        const bool invisible =
            (c >= 0x200b && c <= 0x200d) || (c >= 0x2060 && c <= 0x2064) || c == 0xfeff;
        if (control || bidi || invisible) {
            return storeError(
                StoreErrorCode::InvalidArgument,
                QCoreApplication::translate("ConversationService",
                                            "A name cannot hold line breaks, control or invisible "
                                            "characters or direction overrides (U+%1).")
                    .arg(static_cast<uint>(c), 4, 16, QLatin1Char('0')));
        }
    }
    return {};
}

QFuture<StoreResult<Message>> ConversationService::sendNoteToSelf(const QString& text) {
    auto valid = validateText(text);
    if (!valid) {
        QPromise<StoreResult<Message>> promise;
        promise.start();
        promise.addResult(StoreResult<Message>(unexpected(std::move(valid).error())));
        promise.finish();
        return promise.future();
    }
    return store_.write([body = std::move(valid).value()](Repositories& r) -> StoreResult<Message> {
        const std::int64_t now = nowMs();
        TANDEM_TRY_ASSIGN(const Conversation conversation, r.conversations.noteToSelf(now));
        Message message;
        message.conversationId = conversation.id;
        message.uid = MessageUid::generate(now);
        message.direction = Direction::Outgoing;
        message.kind = MessageKind::Text;
        message.body = body;
        message.status = MessageStatus::Sent;
        message.sentAt = now;
        message.acceptedAt = now;
        message.expireTimer = conversation.expireTimer;
        if (conversation.expireTimer > 0) {
            message.expireStart = now;  // the sender's countdown starts at send
        }
        TANDEM_TRY_ASSIGN(const InsertResult inserted, r.messages.insert(message));
        qCDebug(lcCore) << "stored note to self" << inserted.id;
        return r.messages.get(inserted.id);
    });
}

QFuture<StoreResult<std::vector<Message>>> ConversationService::noteToSelfHistory() {
    return store_.read([](Repositories& r) -> StoreResult<std::vector<Message>> {
        std::vector<Message> all;
        TANDEM_TRY_ASSIGN(const auto conversation, r.conversations.findNoteToSelf());
        if (!conversation) {
            return all;
        }
        std::int64_t after = 0;
        while (true) {
            TANDEM_TRY_ASSIGN(auto page,
                              r.messages.after(conversation->id, after, limits::kMaxPageSize));
            if (page.empty()) {
                break;
            }
            after = page.back().id;
            all.insert(all.end(), std::make_move_iterator(page.begin()),
                       std::make_move_iterator(page.end()));
        }
        return all;
    });
}

QFuture<StoreResult<std::vector<Message>>> ConversationService::noteToSelfNewest(int limit) {
    return store_.read([limit](Repositories& r) -> StoreResult<std::vector<Message>> {
        TANDEM_TRY_ASSIGN(const auto conversation, r.conversations.findNoteToSelf());
        if (!conversation) {
            return std::vector<Message>{};
        }
        return r.messages.newest(conversation->id, limit);
    });
}

QFuture<StoreResult<std::vector<Message>>> ConversationService::contactHistory(
    Mode mode, const QString& address, int limit) {
    return store_.read(
        [mode, address, limit](Repositories& r) -> StoreResult<std::vector<Message>> {
            std::vector<Message> all;
            TANDEM_TRY_ASSIGN(const auto contact, findContact(r, mode, address));
            if (!contact) {
                return all;
            }
            TANDEM_TRY_ASSIGN(const Conversation conversation,
                              r.conversations.forContact(contact->id, nowMs()));
            if (limit > 0) {
                return r.messages.newest(conversation.id, limit);
            }
            std::int64_t after = 0;
            while (true) {
                TANDEM_TRY_ASSIGN(auto page,
                                  r.messages.after(conversation.id, after, limits::kMaxPageSize));
                if (page.empty()) {
                    break;
                }
                after = page.back().id;
                all.insert(all.end(), std::make_move_iterator(page.begin()),
                           std::make_move_iterator(page.end()));
            }
            return all;
        });
}

}  // namespace tandem::core
