#include "qml/stickers/StickerView.h"

#include <QFont>
#include <QPainter>
#include <QQuickWindow>

#include "qml/stickers/StickerImages.h"

namespace tandem::gui {

StickerView::StickerView(QQuickItem* parent) : QQuickPaintedItem(parent) {
    setAntialiasing(true);
    setImplicitSize(160, 160);
}

StickerView::~StickerView() = default;

void StickerView::setFeed(StoreFeed* feed) {
    if (feed == feed_) {
        return;
    }
    if (images_) {
        images_->disconnect(this);
    }
    feed_ = feed;
    images_ = StickerImages::of(feed);
    if (images_) {
        connect(images_, &StickerImages::imageReady, this,
                [this](const QByteArray& pack, qint64 id) {
                    if (webp_.isEmpty() && pack == rawPackId_ && id == stickerId_) {
                        reload();
                    }
                });
    }
    emit sourceChanged();
    reload();
}

void StickerView::setPackId(const QString& packId) {
    if (packId == packId_) {
        return;
    }
    packId_ = packId;
    rawPackId_ = QByteArray::fromHex(packId.toLatin1());
    emit sourceChanged();
    reload();
}

void StickerView::setStickerId(qint64 id) {
    if (id == stickerId_) {
        return;
    }
    stickerId_ = id;
    emit sourceChanged();
    reload();
}

void StickerView::setWebp(const QByteArray& webp) {
    if (webp == webp_) {
        return;
    }
    webp_ = webp;
    emit sourceChanged();
    reload();
}

void StickerView::setEmoji(const QString& emoji) {
    if (emoji != emoji_) {
        emoji_ = emoji;
        emit emojiChanged();
        if (!loaded()) {
            update();
        }
    }
}

void StickerView::setAnimate(bool animate) {
    if (animate != animate_) {
        animate_ = animate;
        updatePlaying();
    }
}

void StickerView::reload() {
    if (!webp_.isEmpty()) {
        show(webp_);
    } else if (images_ && !rawPackId_.isEmpty() && stickerId_ >= 0) {
        show(images_->image({rawPackId_, stickerId_}));  // empty until read: imageReady
    } else {
        show({});
    }
}

void StickerView::show(const QByteArray& webp) {
    if (webp == shown_ && (movie_ || webp.isEmpty())) {
        return;
    }
    const bool wasPlaying = playing();
    movie_.reset();
    buffer_.close();
    shown_ = webp;
    if (!shown_.isEmpty()) {
        buffer_.setData(shown_);
        buffer_.open(QIODevice::ReadOnly);
        movie_ = std::make_unique<QMovie>(&buffer_, QByteArray("webp"));
        movie_->setCacheMode(QMovie::CacheNone);
        connect(movie_.get(), &QMovie::frameChanged, this, [this] {
            update();
            emit frameChanged();
        });
        connect(movie_.get(), &QMovie::stateChanged, this, &StickerView::playingChanged);
        movie_->jumpToFrame(0);
    }
    update();
    emit frameChanged();
    updatePlaying();
    if (wasPlaying && !playing()) {
        emit playingChanged();
    }
}

bool StickerView::playing() const {
    return movie_ && movie_->state() == QMovie::Running;
}

void StickerView::updatePlaying() {
    if (!movie_ || !movie_->isValid()) {
        return;
    }
    const bool wanted = animate_ && isVisible() && window() != nullptr && movie_->frameCount() != 1;
    if (wanted && movie_->state() == QMovie::NotRunning) {
        movie_->start();
    } else if (wanted && movie_->state() == QMovie::Paused) {
        movie_->setPaused(false);
    } else if (!wanted && movie_->state() == QMovie::Running) {
        movie_->setPaused(true);
    }
}

void StickerView::itemChange(ItemChange change, const ItemChangeData& value) {
    QQuickPaintedItem::itemChange(change, value);
    if (change == ItemVisibleHasChanged || change == ItemSceneChange) {
        updatePlaying();
    }
}

void StickerView::paint(QPainter* painter) {
    const QRectF box = boundingRect();
    if (movie_ && movie_->isValid()) {
        const QPixmap frame = movie_->currentPixmap();
        if (!frame.isNull()) {
            QSizeF size = frame.size();
            size.scale(box.size(), Qt::KeepAspectRatio);
            const QRectF target(box.center().x() - size.width() / 2,
                                box.center().y() - size.height() / 2, size.width(), size.height());
            painter->setRenderHint(QPainter::SmoothPixmapTransform);
            painter->drawPixmap(target, frame, frame.rect());
            return;
        }
    }
    // The placeholder: the emoji, large (plain text, drawn by the painter).
    QFont font = painter->font();
    font.setPixelSize(qMax(8, static_cast<int>(box.height() * 0.55)));
    painter->setFont(font);
    painter->setOpacity(0.6);
    painter->drawText(box, Qt::AlignCenter, emoji_);
}

}  // namespace tandem::gui
