#include "qml/stickers/StickerImages.h"

namespace tandem::gui {

using namespace tandem::storage;

StickerImages::StickerImages(StoreFeed* feed, qsizetype maxBytes)
    : QObject(feed), feed_(feed), maxBytes_(maxBytes) {
    if (feed == nullptr) {
        return;
    }
    connect(feed, &StoreFeed::stickerFetched, this, [this](const QByteArray& pack, qint64 id) {
        if (missing_.erase({pack, id}) > 0) {
            read({pack, id});
        }
    });
    // A message was updated (a received sticker's image may have come with it), or packs
    // were installed: what was missing is read again.
    const auto again = [this] {
        const std::set<Key> missing = std::exchange(missing_, {});
        for (const Key& key : missing) {
            read(key);
        }
    };
    connect(feed, &StoreFeed::conversationChanged, this, again);
    connect(feed, &StoreFeed::stickerPacksChanged, this, again);
    connect(feed, &StoreFeed::readyChanged, this, [this] {
        lru_.clear();
        entries_.clear();
        missing_.clear();
        bytes_ = 0;
    });
}

StickerImages* StickerImages::of(StoreFeed* feed) {
    if (feed == nullptr) {
        return nullptr;
    }
    auto* images = feed->findChild<StickerImages*>(QString(), Qt::FindDirectChildrenOnly);
    return images != nullptr ? images : new StickerImages(feed);
}

QByteArray StickerImages::image(const Key& key) {
    const auto it = entries_.find(key);
    if (it != entries_.end()) {
        lru_.splice(lru_.begin(), lru_, it->second);
        return it->second->second;
    }
    if (missing_.count(key) == 0) {
        read(key);
    }
    return {};
}

void StickerImages::read(const Key& key) {
    if (!feed_ || !feed_->ready() || !reading_.insert(key).second) {
        return;
    }
    feed_->store().read(
        [key](Repositories& r) { return r.stickers.sticker(key.first, key.second); }, this,
        [this, key](StoreResult<std::optional<Sticker>> sticker) {
            reading_.erase(key);
            if (!sticker || !*sticker || (*sticker)->image.isEmpty()) {
                missing_.insert(key);
                return;
            }
            put(key, (*sticker)->image);
            emit imageReady(key.first, key.second);
        });
}

void StickerImages::put(const Key& key, const QByteArray& image) {
    if (const auto it = entries_.find(key); it != entries_.end()) {
        bytes_ -= it->second->second.size();
        lru_.erase(it->second);
        entries_.erase(it);
    }
    lru_.emplace_front(key, image);
    entries_[key] = lru_.begin();
    bytes_ += image.size();
    // The least recently used go, but never the one just read.
    while (bytes_ > maxBytes_ && lru_.size() > 1) {
        bytes_ -= lru_.back().second.size();
        entries_.erase(lru_.back().first);
        lru_.pop_back();
    }
}

}  // namespace tandem::gui
