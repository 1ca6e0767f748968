// StickerImages: the sticker images the views show, read from the store on its thread and
// kept in a small LRU cache (bounded by bytes), one per StoreFeed — every StickerView of a
// window shares it, so a sticker shown in the chat and the picker is read once. A sticker whose
// image is not here yet (a received one being fetched) is read again when the core says it
// arrived (StoreFeed::stickerFetched) or its message changed.
#pragma once

#include <list>
#include <map>
#include <set>
#include <utility>

#include <QByteArray>
#include <QObject>
#include <QPointer>

#include "qml/core/StoreFeed.h"

namespace tandem::gui {

class StickerImages : public QObject {
    Q_OBJECT

public:
    static constexpr qsizetype kMaxBytes = 24 * 1024 * 1024;  // ~80 stickers at their largest

    using Key = std::pair<QByteArray, qint64>;  // pack id (raw), sticker id

    explicit StickerImages(StoreFeed* feed, qsizetype maxBytes = kMaxBytes);
    // The cache of `feed` (made on first use, a child of the feed).
    static StickerImages* of(StoreFeed* feed);

    // The image (WebP) if cached — and then it is the most recently used; otherwise empty, and
    // it is read from the store (imageReady when it is there).
    QByteArray image(const Key& key);
    [[nodiscard]] qsizetype bytes() const { return bytes_; }
    [[nodiscard]] std::size_t count() const { return entries_.size(); }

signals:
    void imageReady(const QByteArray& packId, qint64 stickerId);

private:
    void read(const Key& key);
    void put(const Key& key, const QByteArray& image);

    QPointer<StoreFeed> feed_;
    qsizetype maxBytes_;
    qsizetype bytes_ = 0;
    // Most recently used first; the map points into the list.
    std::list<std::pair<Key, QByteArray>> lru_;
    std::map<Key, std::list<std::pair<Key, QByteArray>>::iterator> entries_;
    std::set<Key> reading_;
    std::set<Key> missing_;  // read, not in the store yet: read again when it may have come
};

}  // namespace tandem::gui
