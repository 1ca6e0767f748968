#include "qml/stickers/StickerPacksModel.h"

namespace tandem::gui {

using namespace tandem::storage;

StickerPacksModel::StickerPacksModel(QObject* parent) : QAbstractListModel(parent) {}

void StickerPacksModel::setFeed(StoreFeed* feed) {
    if (!StoreFeed::rebind(this, feed_, feed, [this](StoreFeed& f) {
            connect(&f, &StoreFeed::readyChanged, this, &StickerPacksModel::refresh);
            connect(&f, &StoreFeed::stickerPacksChanged, this, &StickerPacksModel::refresh);
        })) {
        return;
    }
    emit feedChanged();
    refresh();
}

void StickerPacksModel::setFilter(Filter filter) {
    if (filter != filter_) {
        filter_ = filter;
        emit filterChanged();
        refresh();
    }
}

void StickerPacksModel::refresh() {
    const std::uint64_t generation = ++generation_;
    if (!feed_ || !feed_->ready()) {
        if (!rows_.empty()) {
            beginResetModel();
            rows_.clear();
            endResetModel();
            emit countChanged();
        }
        return;
    }
    feed_->store().read(
        [filter = filter_](Repositories& r) -> StoreResult<std::vector<Row>> {
            TANDEM_TRY_ASSIGN(const auto packs, r.stickers.packs(filter == Filter::Picker));
            std::vector<Row> out;
            for (const StickerPack& p : packs) {
                const bool created = p.origin == StickerOrigin::Created;
                if ((filter == Filter::Picker && p.hidden) ||
                    (filter == Filter::Created && !created) ||
                    (filter == Filter::Builtin && !p.builtin)) {
                    continue;
                }
                Row row;
                row.packId = p.packId;
                row.title = p.title;
                row.author = p.author;
                row.builtin = p.builtin;
                row.hidden = p.hidden;
                row.created = created;
                row.published = p.publishedAt.has_value();
                row.version = p.version;
                TANDEM_TRY_ASSIGN(const auto stickers, r.stickers.stickers(p.packId));
                row.stickers = static_cast<int>(stickers.size());
                row.cover =
                    p.coverStickerId.value_or(stickers.empty() ? -1 : stickers.front().stickerId);
                for (const Sticker& s : stickers) {
                    if (s.stickerId == row.cover) {
                        row.coverEmoji = s.emoji;
                    }
                }
                out.push_back(std::move(row));
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

int StickerPacksModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant StickerPacksModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const Row& row = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
        case PackIdRole:
            return QString::fromLatin1(row.packId.toHex());
        case Qt::DisplayRole:
        case TitleRole:
            return row.title;
        case AuthorRole:
            return row.author;
        case CoverRole:
            return row.cover;
        case CoverEmojiRole:
            return row.coverEmoji;
        case StickerCountRole:
            return row.stickers;
        case BuiltinRole:
            return row.builtin;
        case HiddenRole:
            return row.hidden;
        case CreatedRole:
            return row.created;
        case PublishedRole:
            return row.published;
        case VersionRole:
            return row.version;
        default:
            return {};
    }
}

QHash<int, QByteArray> StickerPacksModel::roleNames() const {
    return {{PackIdRole, "packId"},         {TitleRole, "title"},
            {AuthorRole, "author"},         {CoverRole, "cover"},
            {CoverEmojiRole, "coverEmoji"}, {StickerCountRole, "stickerCount"},
            {BuiltinRole, "builtin"},       {HiddenRole, "hidden"},
            {CreatedRole, "created"},       {PublishedRole, "published"},
            {VersionRole, "version"}};
}

}  // namespace tandem::gui
