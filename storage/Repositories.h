// Repositories: every repository bound to one Database, handed to the functions that the
// Store runs on its thread. Repositories are cheap views; they hold no state of their own.
#pragma once

#include "storage/Database.h"
#include "storage/repositories/AccountRepository.h"
#include "storage/repositories/AttachmentRepository.h"
#include "storage/repositories/ContactRepository.h"
#include "storage/repositories/ConversationRepository.h"
#include "storage/repositories/CryptoSessionRepository.h"
#include "storage/repositories/LatencyRepository.h"
#include "storage/repositories/MessageRepository.h"
#include "storage/repositories/OutboxRepository.h"
#include "storage/repositories/PrekeyRepository.h"
#include "storage/repositories/ReceivedRepository.h"
#include "storage/repositories/SettingsRepository.h"
#include "storage/repositories/StickerRepository.h"

namespace tandem::storage {

struct Repositories {
    explicit Repositories(Database& database)
        : db(database),
          accounts(database),
          contacts(database),
          conversations(database),
          messages(database),
          outbox(database),
          sessions(database),
          prekeys(database),
          received(database),
          stickers(database),
          latency(database),
          attachments(database),
          settings(database),
          changesAtStart_(database.totalChanges()) {}

    Database& db;
    AccountRepository accounts;
    ContactRepository contacts;
    ConversationRepository conversations;
    MessageRepository messages;
    OutboxRepository outbox;
    CryptoSessionRepository sessions;
    PrekeyRepository prekeys;
    ReceivedRepository received;
    StickerRepository stickers;
    LatencyRepository latency;
    AttachmentRepository attachments;
    SettingsRepository settings;

    // The function's writes are to be undone although it returns a value: the Store rolls the
    // transaction back and still delivers the value (an envelope that failed to open leaves
    // nothing behind, and the caller learns why). For a function that is its transaction's
    // only work; cheaper than a savepoint, whose journal SQLCipher encrypts page by page.
    void discardWrites() { discardWrites_ = true; }
    [[nodiscard]] bool writesDiscarded() const { return discardWrites_; }
    // Whether nothing was written yet through these repositories: what a function that may
    // discard its transaction's writes checks before it starts.
    [[nodiscard]] bool untouched() const { return db.totalChanges() == changesAtStart_; }

private:
    bool discardWrites_ = false;
    int changesAtStart_ = 0;
};

}  // namespace tandem::storage
