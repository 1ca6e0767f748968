#include "qml/stickers/StickerGridModel.h"

#include <QTextBoundaryFinder>

namespace tandem::gui {

using namespace tandem::storage;

StickerGridModel::StickerGridModel(QObject* parent) : QAbstractListModel(parent) {}

void StickerGridModel::setFeed(StoreFeed* feed) {
    if (!StoreFeed::rebind(this, feed_, feed, [this](StoreFeed& f) {
            connect(&f, &StoreFeed::readyChanged, this, &StickerGridModel::refresh);
            connect(&f, &StoreFeed::stickerPacksChanged, this, &StickerGridModel::refresh);
            // A sticker was sent: the recent ones moved.
            connect(&f, &StoreFeed::conversationChanged, this, [this] {
                if (packId_.isEmpty() && emoji_.isEmpty()) {
                    refresh();
                }
            });
        })) {
        return;
    }
    emit feedChanged();
    refresh();
}

void StickerGridModel::setPackId(const QString& packId) {
    if (packId != packId_) {
        packId_ = packId;
        emit packIdChanged();
        clear();
        refresh();
    }
}

void StickerGridModel::setEmoji(const QString& emoji) {
    const QString wanted = normalized(emoji.trimmed());
    if (wanted != emoji_) {
        emoji_ = wanted;
        emit emojiChanged();
        clear();
        refresh();
    }
}

QString StickerGridModel::normalized(const QString& emoji) {
    QString out = emoji;
    out.remove(QChar(0xFE0F));
    out.remove(QChar(0xFE0E));
    return out;
}

bool StickerGridModel::isLoneEmoji(const QString& text) {
    const QString t = text.trimmed();
    if (t.isEmpty() || t.size() > 32) {
        return false;
    }
    // One grapheme cluster (a flag, a family, a skin tone are one), and an emoji: a symbol
    // outside ASCII (digits and '#' take a keycap to be one).
    QTextBoundaryFinder graphemes(QTextBoundaryFinder::Grapheme, t);
    if (graphemes.toNextBoundary() != t.size()) {
        return false;
    }
    const char32_t first = t.toUcs4().value(0);
    return first >= 0x2000 && QChar::category(first) == QChar::Symbol_Other;
}

// Another source: what the old one showed goes at once, not when the new read lands (a click
// must not hit a sticker that is no longer asked for).
void StickerGridModel::clear() {
    if (!rows_.empty()) {
        beginResetModel();
        rows_.clear();
        endResetModel();
        emit countChanged();
    }
}

void StickerGridModel::refresh() {
    const std::uint64_t generation = ++generation_;
    if (!feed_ || !feed_->ready()) {
        return;
    }
    feed_->store().read(
        [pack = QByteArray::fromHex(packId_.toLatin1()),
         emoji = emoji_](Repositories& r) -> StoreResult<std::vector<Row>> {
            std::vector<Row> out;
            const auto add = [&out](const std::vector<Sticker>& stickers, const QString& match) {
                for (const Sticker& s : stickers) {
                    if (match.isEmpty() || normalized(s.emoji).contains(match)) {
                        out.push_back({s.packId, s.stickerId, s.emoji});
                    }
                }
            };
            if (!emoji.isEmpty()) {
                TANDEM_TRY_ASSIGN(const auto packs, r.stickers.packs(true));
                for (const StickerPack& p : packs) {
                    if (p.hidden) {
                        continue;
                    }
                    TANDEM_TRY_ASSIGN(const auto stickers, r.stickers.stickers(p.packId));
                    add(stickers, emoji);
                    if (out.size() >= static_cast<std::size_t>(kMaxMatches)) {
                        out.resize(kMaxMatches);
                        break;
                    }
                }
            } else if (pack.isEmpty()) {
                TANDEM_TRY_ASSIGN(const auto recent, r.stickers.recent(kRecent));
                add(recent, QString());
            } else {
                TANDEM_TRY_ASSIGN(const auto stickers, r.stickers.stickers(pack));
                add(stickers, QString());
            }
            return out;
        },
        this,
        [this, generation](StoreResult<std::vector<Row>> read) {
            if (generation != generation_ || !read) {
                return;
            }
            beginResetModel();
            rows_ = std::move(*read);
            endResetModel();
            emit countChanged();
            emit loaded();
        });
}

int StickerGridModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant StickerGridModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const Row& row = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
        case PackIdRole:
            return QString::fromLatin1(row.packId.toHex());
        case StickerIdRole:
            return row.stickerId;
        case Qt::DisplayRole:
        case EmojiRole:
            return row.emoji;
        default:
            return {};
    }
}

QHash<int, QByteArray> StickerGridModel::roleNames() const {
    return {{PackIdRole, "packId"}, {StickerIdRole, "stickerId"}, {EmojiRole, "emoji"}};
}

}  // namespace tandem::gui
