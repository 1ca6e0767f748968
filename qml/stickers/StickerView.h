// StickerView: one sticker — by pack and id, read through the window's StickerImages cache, or
// from WebP bytes given directly (a preview that is not in the store). Animated WebP plays
// (QMovie over the bytes), only while the item is visible in a window; until the image is
// there, the sticker's emoji stands in for it, large.
#pragma once

#include <memory>

#include <QBuffer>
#include <QMovie>
#include <QPointer>
#include <QQuickPaintedItem>
#include <QtQml/qqmlregistration.h>

#include "qml/core/StoreFeed.h"

namespace tandem::gui {

class StickerImages;

class StickerView : public QQuickPaintedItem {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(tandem::gui::StoreFeed* feed READ feed WRITE setFeed NOTIFY sourceChanged)
    Q_PROPERTY(QString packId READ packId WRITE setPackId NOTIFY sourceChanged)  // hex
    Q_PROPERTY(qint64 stickerId READ stickerId WRITE setStickerId NOTIFY sourceChanged)
    // WebP bytes to show instead of a stored sticker (previews). Not "data": that is the
    // default property every Item has.
    Q_PROPERTY(QByteArray webp READ webp WRITE setWebp NOTIFY sourceChanged)
    // Shown while the image is not there.
    Q_PROPERTY(QString emoji READ emoji WRITE setEmoji NOTIFY emojiChanged)
    // Whether to play an animation at all (a grid of many may show first frames only).
    Q_PROPERTY(bool animate READ animate WRITE setAnimate NOTIFY playingChanged)
    Q_PROPERTY(bool loaded READ loaded NOTIFY frameChanged)
    Q_PROPERTY(bool playing READ playing NOTIFY playingChanged)
    Q_PROPERTY(int frameCount READ frameCount NOTIFY frameChanged)
    Q_PROPERTY(int currentFrame READ currentFrame NOTIFY frameChanged)

public:
    explicit StickerView(QQuickItem* parent = nullptr);
    ~StickerView() override;

    [[nodiscard]] StoreFeed* feed() const { return feed_; }
    void setFeed(StoreFeed* feed);
    [[nodiscard]] QString packId() const { return packId_; }
    void setPackId(const QString& packId);
    [[nodiscard]] qint64 stickerId() const { return stickerId_; }
    void setStickerId(qint64 id);
    [[nodiscard]] QByteArray webp() const { return webp_; }
    void setWebp(const QByteArray& webp);
    [[nodiscard]] QString emoji() const { return emoji_; }
    void setEmoji(const QString& emoji);
    [[nodiscard]] bool animate() const { return animate_; }
    void setAnimate(bool animate);

    [[nodiscard]] bool loaded() const { return movie_ != nullptr && movie_->isValid(); }
    [[nodiscard]] bool playing() const;
    [[nodiscard]] int frameCount() const { return movie_ ? movie_->frameCount() : 0; }
    [[nodiscard]] int currentFrame() const { return movie_ ? movie_->currentFrameNumber() : -1; }

    void paint(QPainter* painter) override;

signals:
    void sourceChanged();
    void emojiChanged();
    void playingChanged();
    void frameChanged();

protected:
    void itemChange(ItemChange change, const ItemChangeData& value) override;

private:
    // Looks the image up again (the source changed, or the cache has it now).
    void reload();
    void show(const QByteArray& webp);
    // Plays when visible in a window, pauses otherwise.
    void updatePlaying();

    QPointer<StoreFeed> feed_;
    QPointer<StickerImages> images_;
    QString packId_;
    QByteArray rawPackId_;
    qint64 stickerId_ = -1;
    QByteArray webp_;
    QString emoji_;
    bool animate_ = true;
    QByteArray shown_;  // the bytes the movie reads
    QBuffer buffer_;
    std::unique_ptr<QMovie> movie_;
};

}  // namespace tandem::gui
