#include "qml/core/FirstScreen.h"

#include "qml/core/AvatarPicture.h"

namespace tandem::gui {

using namespace tandem::storage;

StoreResult<FirstScreen::List> FirstScreen::readList(Repositories& r, Mode mode,
                                                     const std::map<qint64, qint64>& cached) {
    List out;
    out.mode = mode;
    TANDEM_TRY_ASSIGN(out.summaries, r.conversations.list(mode));
    for (const ConversationSummary& s : out.summaries) {
        if (!s.contact || !s.contact->hasAvatar || s.contact->blocked) {
            continue;
        }
        const auto known = cached.find(s.contact->id);
        if (known != cached.end() && known->second == s.contact->profileVersion) {
            continue;
        }
        const auto jpeg = r.contacts.avatar(s.contact->id);  // unreadable: none
        out.avatars[s.contact->id] = {s.contact->profileVersion,
                                      jpeg ? roundAvatarUrl(*jpeg, 80) : QString()};
    }
    return out;
}

StoreResult<FirstScreen> FirstScreen::read(Repositories& r, Mode mode, const QString& openAddress) {
    FirstScreen out;
    TANDEM_TRY_ASSIGN(out.list, readList(r, mode));
    if (openAddress.isEmpty()) {
        return out;
    }
    for (const ConversationSummary& s : out.list->summaries) {
        // As the list opens it (ConversationListModel::rowOfAddress): the contact's address.
        if (s.contact && s.conversation.kind != ConversationKind::NoteToSelf &&
            s.contact->address == openAddress) {
            Page page;
            page.conversationId = s.conversation.id;
            TANDEM_TRY_ASSIGN(page.newest, r.messages.newest(page.conversationId, kFirstPage));
            out.page = std::move(page);
            break;
        }
    }
    return out;
}

}  // namespace tandem::gui
