#include "qml/chat/MessageListModel.h"

#include <algorithm>

#include <QDateTime>
#include <QLocale>
#include <QScopeGuard>

#include "app/core/Disappearing.h"
#include "qml/core/TimeText.h"

namespace tandem::gui {

using namespace tandem::storage;

MessageListModel::MessageListModel(QObject* parent) : QAbstractListModel(parent) {
    onEachNewDay(this, [this] { newDay(); });
}

void MessageListModel::newDay() {
    if (!rows_.empty()) {
        emit dataChanged(index(0), index(static_cast<int>(rows_.size()) - 1), {DayLabelRole});
    }
}

void MessageListModel::setFeed(StoreFeed* feed) {
    if (!StoreFeed::rebind(this, feed_, feed, [this](StoreFeed& f) {
            connect(&f, &StoreFeed::conversationChanged, this, [this](qint64 id) {
                if (id == conversationId_) {
                    refresh();
                }
            });
            connect(&f, &StoreFeed::readyChanged, this, &MessageListModel::reset);
            connect(&f, &StoreFeed::messagesExpired, this, &MessageListModel::removeExpired);
            connect(&f, &StoreFeed::attachmentProgress, this,
                    [this](qint64 id, qint64 done, qint64) { transferProgress(id, done); });
        })) {
        return;
    }
    emit feedChanged();
    reset();
}

void MessageListModel::setConversationId(qint64 id) {
    if (id == conversationId_) {
        return;
    }
    conversationId_ = id;
    emit conversationIdChanged();
    reset();
}

void MessageListModel::setPeerName(const QString& name) {
    if (name == peerName_) {
        return;
    }
    peerName_ = name;
    emit peerNameChanged();
    if (!rows_.empty()) {
        emit dataChanged(index(0), index(static_cast<int>(rows_.size()) - 1), {BodyRole});
    }
}

std::vector<MessageListModel::Row>::iterator MessageListModel::find(qint64 id) {
    // rows_ is sorted by id, descending: a binary search, not a scan.
    const auto it = std::lower_bound(rows_.begin(), rows_.end(), id,
                                     [](const Row& r, qint64 wanted) { return r.id > wanted; });
    return it != rows_.end() && it->id == id ? it : rows_.end();
}

void MessageListModel::transferProgress(qint64 messageId, qint64 done) {
    const auto it = find(messageId);
    if (it == rows_.end() || !it->attachment || it->attachment->transferred == done) {
        return;
    }
    it->attachment->transferred = done;
    if (it->attachment->state == TransferState::Remote) {
        it->attachment->state = TransferState::Downloading;  // before the store says so
    }
    const QModelIndex at = index(static_cast<int>(it - rows_.begin()));
    emit dataChanged(at, at, {AttachmentRole});
}

void MessageListModel::removeExpired(const QList<qint64>& ids) {
    // Each run of neighbouring rows goes in one removal.
    std::vector<int> at;
    for (const qint64 id : ids) {
        const auto it = find(id);
        if (it != rows_.end()) {
            at.push_back(static_cast<int>(it - rows_.begin()));
        }
    }
    if (at.empty()) {
        return;
    }
    std::sort(at.begin(), at.end(), std::greater<>());
    std::size_t i = 0;
    while (i < at.size()) {
        std::size_t j = i;
        while (j + 1 < at.size() && at[j + 1] == at[j] - 1) {
            ++j;
        }
        const int first = at[j];
        const int last = at[i];
        beginRemoveRows({}, first, last);
        rows_.erase(rows_.begin() + first, rows_.begin() + last + 1);
        endRemoveRows();
        i = j + 1;
    }
    if (!rows_.empty()) {  // groups and day separators around the gaps
        emit dataChanged(index(0), index(static_cast<int>(rows_.size()) - 1),
                         {FirstOfDayRole, JoinsOlderRole, JoinsNewerRole});
    }
    emit countChanged();
}

MessageListModel::Row MessageListModel::rowOf(const Message& m) {
    Row row;
    row.id = m.id;
    row.body = m.body;
    row.notice = m.kind == MessageKind::Notice;
    row.expiresAt = m.expiresAt.value_or(0);
    row.expireTimer = m.expireTimer;
    if (m.kind == MessageKind::Sticker && m.stickerId) {
        row.stickerPack = m.stickerPackId;
        row.stickerId = *m.stickerId;
    }
    row.attachment = AttachmentRow::of(m);
    row.outgoing = m.direction == Direction::Outgoing;
    row.status = static_cast<int>(m.status);
    row.time = row.outgoing ? m.sentAt : m.receivedAt.value_or(m.sentAt);
    return row;
}

void MessageListModel::reset() {
    ++generation_;
    fetching_ = false;
    refreshing_ = false;
    refreshAgain_ = false;
    exhausted_ = false;
    const bool hadRows = !rows_.empty();
    beginResetModel();
    rows_.clear();
    endResetModel();
    if (hadRows) {
        emit countChanged();
    }
    if (!feed_ || !feed_->ready() || conversationId_ <= 0) {
        return;
    }
    fetching_ = true;
    // The conversation opened at start was read ahead as the profile opened: its newest
    // messages are in the shell's first frame (FirstScreen.h).
    if (auto first = feed_->takePage(conversationId_)) {
        showFirstPage(*first);
        return;
    }
    feed_->store().read(
        [id = conversationId_](Repositories& r) { return r.messages.newest(id, kFirstPage); }, this,
        [this, generation = generation_](StoreResult<std::vector<Message>> page) {
            if (generation != generation_) {
                return;
            }
            if (!page) {
                fetching_ = false;
                return;
            }
            showFirstPage(*page);
        });
}

void MessageListModel::showFirstPage(const std::vector<Message>& page) {
    // Still "fetching" while the rows go in: a view (or a model tester) asking for more from
    // inside the insertion must not ask for the same page again.
    const auto done = qScopeGuard([this] { fetching_ = false; });
    exhausted_ = page.size() < static_cast<std::size_t>(kFirstPage);
    if (!page.empty()) {
        appendOlder(page);
    }
    fetching_ = false;
    emit loaded();
    if (std::exchange(refreshAgain_, false)) {
        refresh();
    }
}

bool MessageListModel::canFetchMore(const QModelIndex& parent) const {
    return !parent.isValid() && !fetching_ && !exhausted_ && !rows_.empty() && feed_ &&
           feed_->ready();
}

void MessageListModel::fetchMore(const QModelIndex& parent) {
    if (!canFetchMore(parent)) {
        return;
    }
    fetching_ = true;
    feed_->store().read(
        [id = conversationId_, oldest = rows_.back().id](Repositories& r) {
            return r.messages.before(id, oldest, kPage);
        },
        this,
        [this, generation = generation_](StoreResult<std::vector<Message>> page) {
            if (generation != generation_) {
                return;
            }
            const auto done = qScopeGuard([this] { fetching_ = false; });
            if (!page) {
                return;
            }
            exhausted_ = page->size() < static_cast<std::size_t>(kPage);
            if (page->empty() && !rows_.empty()) {  // the oldest shown is the first: its day
                const QModelIndex oldest = index(static_cast<int>(rows_.size()) - 1);
                emit dataChanged(oldest, oldest, {FirstOfDayRole});
            }
            if (!page->empty()) {
                // The day separator of the formerly oldest row may move to an older one.
                const QModelIndex formerOldest = index(static_cast<int>(rows_.size()) - 1);
                appendOlder(*page);
                emit dataChanged(formerOldest, formerOldest, {FirstOfDayRole, JoinsOlderRole});
            }
            fetching_ = false;
            emit loaded();
        });
}

// A page read from the store (oldest first) goes below the rows shown (newest first).
void MessageListModel::appendOlder(const std::vector<Message>& page) {
    const int first = static_cast<int>(rows_.size());
    beginInsertRows({}, first, first + static_cast<int>(page.size()) - 1);
    for (auto it = page.rbegin(); it != page.rend(); ++it) {
        rows_.push_back(rowOf(*it));
    }
    endInsertRows();
    emit countChanged();
}

void MessageListModel::refresh() {
    if (!feed_ || !feed_->ready() || conversationId_ <= 0) {
        return;
    }
    if (fetching_ && rows_.empty()) {
        // The first page is on its way, but it may have been read before this change: read
        // again once it has landed.
        refreshAgain_ = true;
        return;
    }
    if (refreshing_) {
        refreshAgain_ = true;
        return;
    }
    refreshing_ = true;
    // The newest window (statuses move there) and everything newer than what is shown (a
    // burst of more than a window while the list waited must not leave a gap).
    struct Window {
        std::vector<Message> recent;
        std::vector<Message> fresh;
        bool tooMany = false;
    };
    const qint64 shown = rows_.empty() ? 0 : rows_.front().id;
    feed_->store().read(
        [id = conversationId_, shown](Repositories& r) -> StoreResult<Window> {
            Window w;
            TANDEM_TRY_ASSIGN(w.recent, r.messages.newest(id, kRefreshWindow));
            if (shown > 0) {
                TANDEM_TRY_ASSIGN(w.fresh, r.messages.after(id, shown, kMaxFresh + 1));
                w.tooMany = w.fresh.size() > static_cast<std::size_t>(kMaxFresh);
            }
            return w;
        },
        this,
        [this, generation = generation_, shown](StoreResult<Window> read) {
            if (generation != generation_) {
                return;
            }
            refreshing_ = false;
            if (read && read->tooMany) {
                reset();  // so much arrived at once: start from the newest page again
                return;
            }
            if (read) {
                const qint64 newest = rows_.empty() ? 0 : rows_.front().id;
                const std::vector<Message>* window = &read->recent;
                // Statuses of what is shown (both lists are sorted by id).
                for (const Message& m : *window) {
                    if (m.id > newest) {
                        continue;
                    }
                    const auto it = find(m.id);
                    if (it == rows_.end()) {
                        continue;
                    }
                    QList<int> roles;
                    if (it->status != static_cast<int>(m.status) ||
                        it->expiresAt != m.expiresAt.value_or(0)) {
                        it->status = static_cast<int>(m.status);
                        it->expiresAt = m.expiresAt.value_or(0);  // read: its countdown began
                        roles << StatusRole << ExpiresAtRole;
                    }
                    // An attachment's transfer moved (uploaded, downloaded, failed).
                    auto attachment = AttachmentRow::of(m);
                    if (attachment && it->attachment && attachment->moving() &&
                        attachment->state == it->attachment->state) {
                        // The live progress may be ahead of what was last stored.
                        attachment->transferred =
                            std::max(attachment->transferred, it->attachment->transferred);
                    }
                    if (attachment != it->attachment) {
                        it->attachment = std::move(attachment);
                        roles << AttachmentRole;
                    }
                    if (!roles.isEmpty()) {
                        const QModelIndex at = index(static_cast<int>(it - rows_.begin()));
                        emit dataChanged(at, at, roles);
                    }
                }
                // New messages: at the top of the model, the newest first.
                const std::vector<Message>& added = shown == 0 ? *window : read->fresh;
                std::vector<Row> fresh;
                for (auto it = added.rbegin(); it != added.rend() && it->id > newest; ++it) {
                    fresh.push_back(rowOf(*it));
                }
                if (!fresh.empty()) {
                    beginInsertRows({}, 0, static_cast<int>(fresh.size()) - 1);
                    rows_.insert(rows_.begin(), fresh.begin(), fresh.end());
                    endInsertRows();
                    // The row that was newest may no longer be the first of its day, nor the
                    // last of its group.
                    const QModelIndex previous = index(static_cast<int>(fresh.size()));
                    if (previous.isValid()) {
                        emit dataChanged(previous, previous, {FirstOfDayRole, JoinsNewerRole});
                    }
                    emit countChanged();
                }
                emit loaded();
            }
            if (std::exchange(refreshAgain_, false)) {
                refresh();
            }
        });
}

QString MessageListModel::dayLabel(qint64 time) const {
    const QDate day = QDateTime::fromMSecsSinceEpoch(time).date();
    const QDate today = QDate::currentDate();
    if (day == today) {
        return tr("Today");
    }
    if (day == today.addDays(-1)) {
        return tr("Yesterday");
    }
    return QLocale().toString(day, QLocale::LongFormat);
}

int MessageListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant MessageListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const auto i = static_cast<std::size_t>(index.row());
    const Row& row = rows_[i];
    switch (role) {
        case Qt::DisplayRole:
        case BodyRole: {
            if (!row.notice) {
                return row.body;
            }
            Message m;
            m.kind = MessageKind::Notice;
            m.body = row.body;
            m.direction = row.outgoing ? Direction::Outgoing : Direction::Incoming;
            return core::disappearing::noticeText(m, peerName_.isEmpty() ? tr("They") : peerName_);
        }
        case NoticeRole:
            return row.notice;
        case ExpiresAtRole:
            return row.expiresAt;
        case ExpireTimerRole:
            return row.expireTimer;
        case StickerRole:
            return !row.stickerPack.isEmpty();
        case StickerPackRole:
            return QString::fromLatin1(row.stickerPack.toHex());
        case StickerIdRole:
            return row.stickerId;
        case AttachmentRole:
            return row.attachment ? QVariant(row.attachment->toMap()) : QVariant();
        case MessageIdRole:
            return row.id;
        case OutgoingRole:
            return row.outgoing;
        case StatusRole:
            return row.outgoing ? statusName(static_cast<MessageStatus>(row.status)) : QString();
        case TimeRole:
            return QDateTime::fromMSecsSinceEpoch(row.time);
        case TimeTextRole:
            return clockTime(QDateTime::fromMSecsSinceEpoch(row.time));
        case DayLabelRole:
            return dayLabel(row.time);
        case FirstOfDayRole: {
            if (i + 1 >= rows_.size()) {
                return exhausted_;  // the oldest loaded: a separator once nothing is older
            }
            return QDateTime::fromMSecsSinceEpoch(rows_[i + 1].time).date() !=
                   QDateTime::fromMSecsSinceEpoch(row.time).date();
        }
        case JoinsOlderRole:
            return i + 1 < rows_.size() && sameGroup(rows_[i + 1], row);
        case JoinsNewerRole:
            return i > 0 && sameGroup(row, rows_[i - 1]);
        default:
            return {};
    }
}

// Two messages in a row share a group (one tail, one time) when they go the same way, on the
// same day, less than kGroupGapMs apart — as Signal and Session draw them.
bool MessageListModel::sameGroup(const Row& older, const Row& newer) {
    return !older.notice && !newer.notice && older.outgoing == newer.outgoing &&
           newer.time - older.time < kGroupGapMs &&
           QDateTime::fromMSecsSinceEpoch(older.time).date() ==
               QDateTime::fromMSecsSinceEpoch(newer.time).date();
}

QHash<int, QByteArray> MessageListModel::roleNames() const {
    return {{MessageIdRole, "messageId"},
            {BodyRole, "body"},
            {OutgoingRole, "outgoing"},
            {StatusRole, "status"},
            {TimeRole, "time"},
            {TimeTextRole, "timeText"},
            {DayLabelRole, "dayLabel"},
            {FirstOfDayRole, "firstOfDay"},
            {JoinsOlderRole, "joinsOlder"},
            {JoinsNewerRole, "joinsNewer"},
            {NoticeRole, "notice"},
            {ExpiresAtRole, "expiresAt"},
            {ExpireTimerRole, "expireTimer"},
            {StickerRole, "sticker"},
            {StickerPackRole, "stickerPack"},
            {StickerIdRole, "stickerId"},
            {AttachmentRole, "attachment"}};
}

}  // namespace tandem::gui
