// ConversationService: sending and reading conversations, over the store. Validation lives
// here (what a user may send), persistence in the repositories, delivery (later) in the
// transports. Every call returns at once with a QFuture; the work runs on the storage thread.
#pragma once

#include <vector>

#include <QFuture>
#include <QString>

#include "storage/Store.h"
#include "storage/Types.h"

namespace tandem::core {

class ConversationService {
public:
    explicit ConversationService(storage::Store& store) : store_(store) {}

    // Stores a Note to Self. Local only: no network is involved, so it is Sent at once.
    QFuture<storage::StoreResult<storage::Message>> sendNoteToSelf(const QString& text);
    // The whole Note to Self conversation, oldest first.
    QFuture<storage::StoreResult<std::vector<storage::Message>>> noteToSelfHistory();
    // The newest `limit` messages of Note to Self, oldest first.
    QFuture<storage::StoreResult<std::vector<storage::Message>>> noteToSelfNewest(int limit);
    // A contact's conversation: all of it (limit 0) or the newest `limit`, oldest first.
    // Empty if there is no such contact.
    QFuture<storage::StoreResult<std::vector<storage::Message>>> contactHistory(
        storage::Mode mode, const QString& address, int limit);

    // What a user may send: not blank, within limits::kMaxTextBytes (the error gives the real
    // size). The text is kept exactly as given: a front end that trims (the app's composer
    // drops the newlines typed after the last word) does so before, where the user sees it.
    static storage::StoreResult<QString> validateText(const QString& text);
    // What a contact may be called: "" (no name), or at most kMaxNameCodePoints characters,
    // not blank, without control characters, line breaks or bidi overrides (which would let
    // a name pass for another or rewrite a terminal line).
    static constexpr qsizetype kMaxNameCodePoints = 64;
    static storage::StoreResult<void> validateName(const QString& name);

private:
    storage::Store& store_;
};

}  // namespace tandem::core
