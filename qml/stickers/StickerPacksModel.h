// StickerPacksModel: sticker packs as the picker's tabs (installed and not hidden) or as the
// creator page lists them (those made here; the built-in ones, hidden or not). Read again on
// the storage thread whenever the core says the packs changed.
#pragma once

#include <vector>

#include <QAbstractListModel>
#include <QPointer>
#include <QtQml/qqmlregistration.h>

#include "qml/core/StoreFeed.h"

namespace tandem::gui {

class StickerPacksModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(tandem::gui::StoreFeed* feed READ feed WRITE setFeed NOTIFY feedChanged)
    Q_PROPERTY(Filter filter READ filter WRITE setFilter NOTIFY filterChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    enum class Filter {
        Picker,   // installed, not hidden: what can be sent
        Created,  // made here (Edit, Remove)
        Builtin,  // shipped with the app (Hide, Show)
    };
    Q_ENUM(Filter)

    enum Role {
        PackIdRole = Qt::UserRole + 1,  // hex
        TitleRole,
        AuthorRole,
        CoverRole,  // the cover sticker's id (-1: none)
        CoverEmojiRole,
        StickerCountRole,
        BuiltinRole,
        HiddenRole,
        CreatedRole,  // made here
        PublishedRole,
        VersionRole,
    };

    explicit StickerPacksModel(QObject* parent = nullptr);

    [[nodiscard]] StoreFeed* feed() const { return feed_; }
    void setFeed(StoreFeed* feed);
    [[nodiscard]] Filter filter() const { return filter_; }
    void setFilter(Filter filter);
    [[nodiscard]] int count() const { return static_cast<int>(rows_.size()); }

    // The pack id (hex) of a row, "" past the end.
    Q_INVOKABLE QString packIdAt(int row) const {
        return row >= 0 && row < count()
                   ? QString::fromLatin1(rows_[static_cast<std::size_t>(row)].packId.toHex())
                   : QString();
    }

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

signals:
    void feedChanged();
    void filterChanged();
    void countChanged();
    void loaded();

private:
    struct Row {
        QByteArray packId;
        QString title;
        QString author;
        qint64 cover = -1;
        QString coverEmoji;
        int stickers = 0;
        bool builtin = false;
        bool hidden = false;
        bool created = false;
        bool published = false;
        qint64 version = 0;
    };
    void refresh();

    QPointer<StoreFeed> feed_;
    Filter filter_ = Filter::Picker;
    std::vector<Row> rows_;
    std::uint64_t generation_ = 0;
};

}  // namespace tandem::gui
