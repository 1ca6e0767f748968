#include "qml/stickers/StickerDraftModel.h"

#include <algorithm>

#include <QFile>
#include <QFileInfo>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

#include "media/StickerEncoder.h"
#include "qml/stickers/StickerGridModel.h"

namespace tandem::gui {

namespace {

struct Encoded {
    QByteArray source;
    QByteArray webp;
    QString error;
};

// On a worker thread: the file (if a path is given) and its sticker.
Encoded encodeOnWorker(const QString& path, QByteArray bytes) {
    Encoded out;
    if (!path.isEmpty()) {
        QFile file(path);
        if (file.size() > StickerDraftModel::kMaxFileBytes) {
            out.error = QObject::tr("The file is larger than 32 MiB.");
            return out;
        }
        if (!file.open(QIODevice::ReadOnly)) {
            out.error = QObject::tr("The file cannot be read.");
            return out;
        }
        bytes = file.readAll();
    }
    out.source = bytes;
    auto sticker = media::stickerFromBytes(bytes);
    if (!sticker) {
        out.error = sticker.error().message;
    } else {
        out.webp = sticker->webp;
    }
    return out;
}

}  // namespace

void StickerDraftModel::setCover(int cover) {
    if (cover != cover_ && cover >= 0 && cover < count()) {
        const int old = cover_;
        cover_ = cover;
        if (old < count()) {
            emit dataChanged(index(old), index(old), {CoverRole});
        }
        emit dataChanged(index(cover), index(cover), {CoverRole});
        emit changed();
    }
}

bool StickerDraftModel::complete() const {
    return !tiles_.empty() && std::all_of(tiles_.begin(), tiles_.end(), [](const Tile& t) {
        return t.state == QLatin1String("ready") && StickerGridModel::isLoneEmoji(t.emoji);
    });
}

bool StickerDraftModel::encoding() const {
    return std::any_of(tiles_.begin(), tiles_.end(),
                       [](const Tile& t) { return t.state == QLatin1String("encoding"); });
}

void StickerDraftModel::addFiles(const QList<QUrl>& urls) {
    for (const QUrl& url : urls) {
        if (count() >= kMaxStickers) {
            emit problem(tr("A pack holds up to %1 stickers.").arg(kMaxStickers));
            return;
        }
        if (!url.isLocalFile()) {
            emit problem(tr("Only files on this computer can be added."));
            continue;
        }
        const QString path = url.toLocalFile();
        const int serial = nextSerial_++;
        beginInsertRows({}, count(), count());
        tiles_.push_back(
            {serial, QFileInfo(path).fileName(), {}, {}, {}, QStringLiteral("encoding"), {}});
        endInsertRows();
        emit changed();
        encode(serial, path, {});
    }
}

void StickerDraftModel::addImage(const QString& name, const QByteArray& bytes,
                                 const QString& emoji) {
    add(name, bytes, emoji);
}

void StickerDraftModel::add(const QString& name, const QByteArray& bytes, const QString& emoji) {
    const int serial = nextSerial_++;
    beginInsertRows({}, count(), count());
    tiles_.push_back({serial, name, bytes, emoji, {}, QStringLiteral("encoding"), {}});
    endInsertRows();
    emit changed();
    encode(serial, {}, bytes);
}

void StickerDraftModel::encode(int serial, const QString& path, const QByteArray& bytes) {
    QPointer<StickerDraftModel> self(this);
    QtConcurrent::run(encodeOnWorker, path, bytes).then(this, [this, self, serial](Encoded e) {
        if (!self) {
            return;
        }
        const int row = rowOf(serial);
        if (row < 0) {
            return;
        }
        Tile& t = tiles_[static_cast<std::size_t>(row)];
        t.source = e.source;
        t.preview = e.webp;
        t.error = e.error;
        t.state = e.error.isEmpty() ? QStringLiteral("ready") : QStringLiteral("failed");
        emit dataChanged(index(row), index(row), {PreviewRole, StateRole, ErrorRole});
        emit changed();
    });
}

int StickerDraftModel::rowOf(int serial) const {
    for (std::size_t i = 0; i < tiles_.size(); ++i) {
        if (tiles_[i].serial == serial) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

void StickerDraftModel::remove(int row) {
    if (row < 0 || row >= count()) {
        return;
    }
    beginRemoveRows({}, row, row);
    tiles_.erase(tiles_.begin() + row);
    endRemoveRows();
    if (cover_ >= count() || cover_ == row) {
        cover_ = 0;
    } else if (cover_ > row) {
        --cover_;
    }
    if (count() > 0) {
        emit dataChanged(index(0), index(count() - 1), {CoverRole});
    }
    emit changed();
}

void StickerDraftModel::setEmoji(int row, const QString& emoji) {
    if (row < 0 || row >= count() || tiles_[static_cast<std::size_t>(row)].emoji == emoji) {
        return;
    }
    tiles_[static_cast<std::size_t>(row)].emoji = emoji;
    emit dataChanged(index(row), index(row), {EmojiRole, EmojiValidRole});
    emit changed();
}

void StickerDraftModel::clear() {
    beginResetModel();
    tiles_.clear();
    cover_ = 0;
    endResetModel();
    emit changed();
}

int StickerDraftModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : count();
}

QVariant StickerDraftModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const Tile& t = tiles_[static_cast<std::size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole:
        case NameRole:
            return t.name;
        case EmojiRole:
            return t.emoji;
        case EmojiValidRole:
            return StickerGridModel::isLoneEmoji(t.emoji);
        case PreviewRole:
            return t.preview;
        case StateRole:
            return t.state;
        case ErrorRole:
            return t.error;
        case CoverRole:
            return index.row() == cover_;
        default:
            return {};
    }
}

QHash<int, QByteArray> StickerDraftModel::roleNames() const {
    return {{NameRole, "name"},       {EmojiRole, "emoji"}, {EmojiValidRole, "emojiValid"},
            {PreviewRole, "preview"}, {StateRole, "state"}, {ErrorRole, "error"},
            {CoverRole, "cover"}};
}

}  // namespace tandem::gui
