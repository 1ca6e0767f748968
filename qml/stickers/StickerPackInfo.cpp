#include "qml/stickers/StickerPackInfo.h"

namespace tandem::gui {

using namespace tandem::storage;

void StickerPackInfo::setFeed(StoreFeed* feed) {
    if (StoreFeed::rebind(this, feed_, feed, [this](StoreFeed& f) {
            connect(&f, &StoreFeed::stickerPacksChanged, this, &StickerPackInfo::refresh);
            connect(&f, &StoreFeed::readyChanged, this, &StickerPackInfo::refresh);
        })) {
        emit feedChanged();
        refresh();
    }
}

void StickerPackInfo::setPackId(const QString& packId) {
    if (packId != packId_) {
        packId_ = packId;
        emit packIdChanged();
        refresh();
    }
}

void StickerPackInfo::refresh() {
    const std::uint64_t generation = ++generation_;
    struct Read {
        std::optional<StickerPack> pack;
        int stickers = 0;
    };
    if (!feed_ || !feed_->ready() || packId_.isEmpty()) {
        return;
    }
    feed_->store().read(
        [pack = QByteArray::fromHex(packId_.toLatin1())](Repositories& r) -> StoreResult<Read> {
            Read out;
            TANDEM_TRY_ASSIGN(out.pack, r.stickers.pack(pack));
            if (out.pack) {
                TANDEM_TRY_ASSIGN(const auto stickers, r.stickers.stickers(pack));
                out.stickers = static_cast<int>(stickers.size());
            }
            return out;
        },
        this,
        [this, generation](StoreResult<Read> read) {
            if (generation != generation_ || !read) {
                return;
            }
            known_ = read->pack.has_value();
            title_ = known_ ? read->pack->title : QString();
            author_ = known_ ? read->pack->author : QString();
            installed_ = known_ && read->pack->installed;
            builtin_ = known_ && read->pack->builtin;
            stickerCount_ = read->stickers;
            emit changed();
        });
}

}  // namespace tandem::gui
