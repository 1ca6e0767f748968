// FirstScreen: what the messenger's first screen shows — the conversation list of the mode
// shown, and the newest page of the conversation opened at start (tandem --open ADDRESS) —
// read in the transaction that reads the profile as it opens, on the storage thread, while
// the GUI thread is still making the window. The conversation list's and the chat's models
// take it in place of their first read (StoreFeed::takeList, takePage), so the frame that
// first shows the shell already holds the newest messages (docs/app.md, "Start").
//
// It is offered only while the profile opens (AppCore hands it to the feed before the feed
// says ready and drops it once the state is Ready, in one call on the GUI thread), so no write
// can come between the read and its use without its change signal coming after.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include <QString>

#include "storage/Repositories.h"
#include "storage/Types.h"

namespace tandem::gui {

struct FirstScreen {
    // The chat's first page (MessageListModel's).
    static constexpr int kFirstPage = 60;
    // Contact id → (profile version, round avatar as a data: URL; "" when unreadable).
    using Avatars = std::map<qint64, std::pair<qint64, QString>>;

    // A mode's conversation list as ConversationListModel reads it.
    struct List {
        storage::Mode mode = storage::Mode::Signal;
        std::vector<storage::ConversationSummary> summaries;
        Avatars avatars;  // made in this read: those not in `cached` or of a newer version
    };
    struct Page {
        qint64 conversationId = 0;
        std::vector<storage::Message> newest;  // newest first, at most kFirstPage
    };

    // The list of `mode`; avatars are made round for the contacts whose version is not the
    // one in `cached` (contact id → profile version).
    static storage::StoreResult<List> readList(storage::Repositories& r, storage::Mode mode,
                                               const std::map<qint64, qint64>& cached = {});
    // The list of `mode` and, when `openAddress` is one of its conversations (not Note to
    // Self), that conversation's newest page.
    static storage::StoreResult<FirstScreen> read(storage::Repositories& r, storage::Mode mode,
                                                  const QString& openAddress);

    std::optional<List> list;
    std::optional<Page> page;
};

}  // namespace tandem::gui
