// StickerGridModel: the stickers the picker shows — one pack's, the recently sent ones, or,
// when `emoji` is set, those of every pack in the picker whose emoji matches (the search field,
// and the suggestions shown when the composer holds a lone emoji). Rows carry no image bytes:
// StickerView reads them through the cache.
#pragma once

#include <vector>

#include <QAbstractListModel>
#include <QPointer>
#include <QtQml/qqmlregistration.h>

#include "qml/core/StoreFeed.h"

namespace tandem::gui {

class StickerGridModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(tandem::gui::StoreFeed* feed READ feed WRITE setFeed NOTIFY feedChanged)
    // The pack shown (hex); empty: the recently sent stickers.
    Q_PROPERTY(QString packId READ packId WRITE setPackId NOTIFY packIdChanged)
    // Set: the stickers of all the picker's packs with this emoji, whatever packId says.
    Q_PROPERTY(QString emoji READ emoji WRITE setEmoji NOTIFY emojiChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    static constexpr int kRecent = 24;
    static constexpr int kMaxMatches = 60;

    enum Role { PackIdRole = Qt::UserRole + 1, StickerIdRole, EmojiRole };

    explicit StickerGridModel(QObject* parent = nullptr);

    [[nodiscard]] StoreFeed* feed() const { return feed_; }
    void setFeed(StoreFeed* feed);
    [[nodiscard]] QString packId() const { return packId_; }
    void setPackId(const QString& packId);
    [[nodiscard]] QString emoji() const { return emoji_; }
    void setEmoji(const QString& emoji);
    [[nodiscard]] int count() const { return static_cast<int>(rows_.size()); }

    // Whether `text` is one emoji and nothing else (the composer's suggestions). The text is
    // trimmed first; variation selectors, skin tones and joined sequences count as one.
    Q_INVOKABLE static bool isLoneEmoji(const QString& text);
    // `emoji` without variation selectors (U+FE0E/FE0F), for matching.
    static QString normalized(const QString& emoji);

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

signals:
    void feedChanged();
    void packIdChanged();
    void emojiChanged();
    void countChanged();
    void loaded();

private:
    struct Row {
        QByteArray packId;
        qint64 stickerId = 0;
        QString emoji;
    };
    void refresh();
    void clear();

    QPointer<StoreFeed> feed_;
    QString packId_;
    QString emoji_;
    std::vector<Row> rows_;
    std::uint64_t generation_ = 0;
};

}  // namespace tandem::gui
