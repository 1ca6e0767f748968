#include "qml/conversations/ConversationListModel.h"

#include <unordered_set>

#include <QDateTime>

#include <tandem/common/Redact.h>

#include "app/core/Disappearing.h"
#include "qml/core/TimeText.h"

namespace tandem::gui {

using namespace tandem::storage;

ConversationListModel::ConversationListModel(QObject* parent) : QAbstractListModel(parent) {
    coalesce_.setSingleShot(true);
    connect(&coalesce_, &QTimer::timeout, this, &ConversationListModel::read);
    onEachNewDay(this, [this] { newDay(); });
}

void ConversationListModel::newDay() {
    if (!rows_.empty()) {
        emit dataChanged(index(0), index(static_cast<int>(rows_.size()) - 1), {LastTimeTextRole});
    }
}

void ConversationListModel::setFeed(StoreFeed* feed) {
    if (!StoreFeed::rebind(this, feed_, feed, [this](StoreFeed& f) {
            connect(&f, &StoreFeed::conversationChanged, this, &ConversationListModel::reload);
            connect(&f, &StoreFeed::modeChanged, this, &ConversationListModel::reload);
            // Open: read at once (the shell's first frame waits for the list).
            connect(&f, &StoreFeed::readyChanged, this, &ConversationListModel::read);
            connect(&f, &StoreFeed::peopleChanged, this, &ConversationListModel::reload);
        })) {
        return;
    }
    emit feedChanged();
    reload();
}

void ConversationListModel::setShowRequests(bool show) {
    if (show == showRequests_) {
        return;
    }
    showRequests_ = show;
    emit showRequestsChanged();
    reload();
}

void ConversationListModel::reload() {
    if (!coalesce_.isActive()) {
        // Changes in a burst are read once (kCoalesceMs); the first read does not wait.
        coalesce_.start(shownMode_ ? kCoalesceMs : 0);
    }
}

void ConversationListModel::read() {
    coalesce_.stop();  // read now: what was waiting is in this read
    if (!feed_ || !feed_->ready()) {
        return;
    }
    if (reading_) {
        again_ = true;
        return;
    }
    const Mode mode = feed_->mode();
    const bool requests = showRequests_;
    // Read ahead as the profile opened (the shell's first frame): no round trip.
    if (!requests) {
        if (auto first = feed_->takeList(mode)) {
            show(mode, requests, std::move(*first));
            return;
        }
    }
    reading_ = true;
    // Avatars are made round once per profile version (off this thread).
    std::map<qint64, qint64> cached;
    for (const auto& [id, made] : avatars_) {
        cached.emplace(id, made.first);
    }
    feed_->store().read(
        [mode, cached](Repositories& r) { return FirstScreen::readList(r, mode, cached); }, this,
        [this, mode, requests](StoreResult<FirstScreen::List> got) {
            reading_ = false;
            if (got) {
                show(mode, requests, std::move(*got));
            }
            if (std::exchange(again_, false)) {
                read();
            }
        });
}

void ConversationListModel::show(Mode mode, bool requests, FirstScreen::List got) {
    // Kept for the contacts of this read only (a contact id may be used again).
    FirstScreen::Avatars kept;
    for (const ConversationSummary& s : got.summaries) {
        if (s.contact && s.contact->hasAvatar) {
            const auto fresh = got.avatars.find(s.contact->id);
            const auto old = avatars_.find(s.contact->id);
            if (fresh != got.avatars.end()) {
                kept[s.contact->id] = fresh->second;
            } else if (old != avatars_.end()) {
                kept[s.contact->id] = old->second;
            }
        }
    }
    avatars_ = std::move(kept);
    const std::vector<ConversationSummary>& list = got.summaries;
    std::vector<Row> rows;
    rows.reserve(list.size());
    int waiting = 0;
    for (const ConversationSummary& s : list) {
        if (s.contact && s.contact->blocked) {
            continue;  // listed in Settings, not here
        }
        const bool request = s.contact && !s.contact->accepted;
        waiting += request ? 1 : 0;
        if (request != requests) {
            continue;
        }
        Row row;
        row.id = s.conversation.id;
        row.request = request;
        row.noteToSelf = s.conversation.kind == ConversationKind::NoteToSelf;
        if (s.contact) {
            const QString name = s.contact->shownName();
            row.contactId = s.contact->id;
            row.address = s.contact->address;
            row.title = name.isEmpty() ? redact(s.contact->address) : name;
            if (name.isEmpty() && s.contact->address.startsWith(u'+')) {
                row.title = s.contact->address;  // a number is shown in full
            }
            if (s.contact->hasAvatar) {
                const auto made = avatars_.find(s.contact->id);
                row.avatar = made != avatars_.end() ? made->second.second : QString();
            }
        } else {
            row.title = tr("Note to Self");
        }
        row.timer = core::disappearing::shortLabel(s.conversation.expireTimer);
        if (s.lastMessage) {
            row.lastText =
                s.lastMessage->kind == MessageKind::Notice
                    ? core::disappearing::noticeText(*s.lastMessage, row.title)
                : s.lastMessage->kind == MessageKind::Sticker
                    ? tr("Sticker %1").arg(s.lastMessage->body.left(16))
                : s.lastMessage->attachment
                    ? QStringLiteral("📎 %1").arg((s.lastMessage->body.isEmpty()
                                                      ? s.lastMessage->attachment->fileName
                                                      : s.lastMessage->body)
                                                     .left(200))
                    : s.lastMessage->body.left(200);
            row.lastTime = s.lastMessage->receivedAt.value_or(s.lastMessage->sentAt);
            row.lastOutgoing = s.lastMessage->direction == Direction::Outgoing;
            row.lastStatus = static_cast<int>(s.lastMessage->status);
        }
        row.unread = static_cast<int>(s.unread);
        rows.push_back(std::move(row));
    }
    apply(std::move(rows), mode != shownMode_ || requests != shownRequests_);
    shownMode_ = mode;
    shownRequests_ = requests;
    if (waiting != requestCount_) {
        requestCount_ = waiting;
        emit requestCountChanged();
    }
    emit loaded();
}

// The list read applied as rows that left, came or moved up and rows whose content changed, so
// that a view keeps its current item, its place and its delegates when a message comes in (a
// reset would rebuild every row and lose both). Another mode's list replaces the whole.
void ConversationListModel::apply(std::vector<Row> rows, bool replace) {
    const std::size_t before = rows_.size();
    if (replace) {
        beginResetModel();
        rows_ = std::move(rows);
        endResetModel();
    } else {
        std::unordered_set<qint64> ids;
        for (const Row& r : rows) {
            ids.insert(r.id);
        }
        for (int i = count() - 1; i >= 0; --i) {
            if (ids.count(rows_[static_cast<std::size_t>(i)].id) == 0) {
                beginRemoveRows({}, i, i);
                rows_.erase(rows_.begin() + i);
                endRemoveRows();
            }
        }
        // Every row left is in `rows`: put each in its place from the top down.
        for (int i = 0; i < static_cast<int>(rows.size()); ++i) {
            Row& wanted = rows[static_cast<std::size_t>(i)];
            int j = i;
            while (j < count() && rows_[static_cast<std::size_t>(j)].id != wanted.id) {
                ++j;
            }
            if (j == count()) {
                beginInsertRows({}, i, i);
                rows_.insert(rows_.begin() + i, std::move(wanted));
                endInsertRows();
                continue;
            }
            if (j != i) {
                beginMoveRows({}, j, j, {}, i);
                Row moved = std::move(rows_[static_cast<std::size_t>(j)]);
                rows_.erase(rows_.begin() + j);
                rows_.insert(rows_.begin() + i, std::move(moved));
                endMoveRows();
            }
            if (!(rows_[static_cast<std::size_t>(i)] == wanted)) {
                rows_[static_cast<std::size_t>(i)] = std::move(wanted);
                emit dataChanged(index(i), index(i));
            }
        }
    }
    if (rows_.size() != before) {
        emit countChanged();
    }
}

int ConversationListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant ConversationListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const Row& row = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole:
        case TitleRole:
            return row.title;
        case ConversationIdRole:
            return row.id;
        case AddressRole:
            return row.address;
        case LastTextRole:
            return row.lastText;
        case LastTimeRole:
            return row.lastTime > 0 ? QDateTime::fromMSecsSinceEpoch(row.lastTime) : QDateTime();
        case LastTimeTextRole:
            return row.lastTime > 0 ? listTime(QDateTime::fromMSecsSinceEpoch(row.lastTime),
                                               QDateTime::currentDateTime())
                                    : QString();
        case UnreadRole:
            return row.unread;
        case NoteToSelfRole:
            return row.noteToSelf;
        case LastOutgoingRole:
            return row.lastOutgoing;
        case LastStatusRole:
            return row.lastOutgoing ? statusName(static_cast<MessageStatus>(row.lastStatus))
                                    : QString();
        case TimerRole:
            return row.timer;
        case RequestRole:
            return row.request;
        case ContactIdRole:
            return row.contactId;
        case AvatarRole:
            return row.avatar;
        default:
            return {};
    }
}

QHash<int, QByteArray> ConversationListModel::roleNames() const {
    return {{ConversationIdRole, "conversationId"},
            {TitleRole, "title"},
            {AddressRole, "address"},
            {LastTextRole, "lastText"},
            {LastTimeRole, "lastTime"},
            {LastTimeTextRole, "lastTimeText"},
            {UnreadRole, "unread"},
            {NoteToSelfRole, "noteToSelf"},
            {LastOutgoingRole, "lastOutgoing"},
            {LastStatusRole, "lastStatus"},
            {TimerRole, "timer"},
            {RequestRole, "request"},
            {ContactIdRole, "contactId"},
            {AvatarRole, "avatar"}};
}

int ConversationListModel::rowOf(qint64 conversationId) const {
    for (std::size_t i = 0; i < rows_.size(); ++i) {
        if (rows_[i].id == conversationId) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

}  // namespace tandem::gui

namespace tandem::gui {

int ConversationListModel::rowOfAddress(const QString& address) const {
    for (std::size_t i = 0; i < rows_.size(); ++i) {
        if (!rows_[i].noteToSelf && rows_[i].address == address) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

QVariantMap ConversationListModel::at(int row) const {
    if (row < 0 || row >= count()) {
        return {};
    }
    const Row& r = rows_[static_cast<std::size_t>(row)];
    return {{QStringLiteral("conversationId"), r.id},
            {QStringLiteral("title"), r.title},
            {QStringLiteral("address"), r.address},
            {QStringLiteral("noteToSelf"), r.noteToSelf}};
}

}  // namespace tandem::gui
