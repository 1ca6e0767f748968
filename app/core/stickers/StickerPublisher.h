// StickerPublisher: sticker packs made on this device (docs/stickers.md), on the core thread.
// A draft's images are encoded off the core thread (each to a 512×512 WebP under 300 KiB), the
// pack is stored with the owner key that signs its versions, and it is published to every
// network this profile has an account on: its images as encrypted blobs, its manifest as the
// pack's signed record (PublishJob, one per network). Editing stores the draft as the pack's
// next version and publishes that; those who installed it pick it up (StickerInstaller).
#pragma once

#include <map>
#include <vector>

#include <QFuture>
#include <QObject>

#include "app/core/CoreError.h"
#include "app/core/ModeChannel.h"
#include "app/core/stickers/StickerJobs.h"
#include "storage/Store.h"

namespace tandem::core {

class StickerPublisher : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxTitleChars = 128;
    static constexpr std::size_t kMaxStickers = crypto::kMaxStickersPerPack;

    struct NewSticker {
        QByteArray image;  // PNG, JPEG, WebP or GIF (animated stays animated)
        QString emoji;
    };
    struct Draft {
        QString title;
        QString author;
        int cover = 0;  // index into stickers
        std::vector<NewSticker> stickers;
    };
    struct Published {
        storage::StickerPack pack;
        QString link;
        std::vector<storage::Mode> publishedTo;
        std::map<storage::Mode, QString> failed;  // mode → why
    };

    StickerPublisher(storage::Store& store, const Channels& channels, ModeRequests& requests,
                     QObject* parent = nullptr);

    // Why a draft cannot be a pack (title, author, count, cover, one emoji each), or nothing.
    static CoreResult<void> check(const Draft& draft);

    // Encodes the images, stores the pack and publishes it. A pack that could not be published
    // anywhere is still kept (publish() again later).
    QFuture<CoreResult<Published>> create(Draft draft);
    // Replaces a pack created here with the draft, as its next version, and publishes that.
    QFuture<CoreResult<Published>> edit(const QByteArray& packId, Draft draft);
    // Publishes the stored pack as its next version to every network that is connected.
    QFuture<CoreResult<Published>> publish(const QByteArray& packId);

signals:
    void packsChanged();

private:
    struct Round;
    void publishLoaded(storage::StickerPack pack, std::vector<PackImage> images,
                       std::shared_ptr<QPromise<CoreResult<Published>>> promise);
    void finishRound(const std::shared_ptr<Round>& round);

    storage::Store& store_;
    const Channels& channels_;
    ModeRequests& requests_;
};

}  // namespace tandem::core
