// StickerService: sticker packs for the app and tandemctl (docs/stickers.md), on the core
// thread. Packs live in SQLCipher (StickerRepository): built in (shipped, hidden at most),
// created here (with the owner key that signs new versions), installed from a link, or known
// only from a received sticker (removed with the last message showing it).
//
// A created pack is published to every network this profile has an account on: its images
// as encrypted blobs, its manifest as the pack's signed record (PublishJob). Editing a pack
// publishes a higher version of the record, which those who installed it pick up
// (refreshInstalled). Installing or showing a received sticker fetches from the network of
// the mode it is asked for in, so Session mode fetches only through onion paths.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <vector>

#include <QFuture>
#include <QObject>

#include "app/core/CoreError.h"
#include "app/core/ModeChannel.h"
#include "app/core/stickers/StickerJobs.h"
#include "storage/Store.h"

namespace tandem::core {

class StickerService : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxTitleChars = 128;
    static constexpr std::size_t kMaxStickers = crypto::kMaxStickersPerPack;
    static constexpr std::int64_t kRefreshEveryMs = 6LL * 3600 * 1000;

    StickerService(storage::Store& store, const Channels& channels, QObject* parent = nullptr);
    ~StickerService() override;

    // Puts the packs shipped with the app into the store, or their newer versions; a pack the
    // user hid stays hidden. Returns how many were added or updated.
    QFuture<CoreResult<int>> installBuiltins();

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
    // Encodes the images (each to a 512×512 WebP under 300 KiB), stores the pack and publishes
    // it. A pack that could not be published anywhere is still kept (publish() again later).
    QFuture<CoreResult<Published>> create(Draft draft);
    // Replaces a pack created here with the draft, as its next version, and publishes that.
    QFuture<CoreResult<Published>> edit(const QByteArray& packId, Draft draft);
    QFuture<CoreResult<Published>> publish(const QByteArray& packId);

    struct Preview {
        QByteArray packId;
        QString title;
        QString author;
        quint64 version = 0;
        int stickers = 0;
        QByteArray cover;  // WebP
        bool installed = false;
    };
    // Reads a pack's manifest and cover from the network, storing nothing.
    QFuture<CoreResult<Preview>> preview(const QString& link, storage::Mode mode);
    // Downloads the whole pack and installs it (all or nothing).
    QFuture<CoreResult<storage::StickerPack>> install(const QString& link, storage::Mode mode);
    // A pack known from a received sticker, installed from what the message carried.
    QFuture<CoreResult<storage::StickerPack>> installKnown(const QByteArray& packId,
                                                           storage::Mode mode);
    // Downloads the image of a received sticker whose pack is not here (and the pack's
    // manifest with it). True when it was fetched, false when it was here already.
    QFuture<CoreResult<bool>> fetchSticker(const QByteArray& packId, std::int64_t stickerId,
                                           storage::Mode mode);
    // Looks for newer versions of installed packs (not checked for kRefreshEveryMs, or all
    // with `force`); returns how many were updated.
    QFuture<CoreResult<int>> refreshInstalled(storage::Mode mode, bool force = false);
    // Takes an installed or created pack out (built-in ones are hidden instead); its stickers
    // stay while messages show them.
    QFuture<CoreResult<void>> uninstall(const QByteArray& packId);
    QFuture<CoreResult<void>> setHidden(const QByteArray& packId, bool hidden);

    // No received sticker is being fetched.
    [[nodiscard]] bool isIdle() const { return fetching_.empty(); }

    static QString linkOf(const storage::StickerPack& pack);
    // The pack id of a link (or why it is not one).
    static CoreResult<QByteArray> packIdOfLink(const QString& link);

signals:
    void packsChanged();
    void stickerFetched(const QByteArray& packId, qint64 stickerId);

private:
    QFuture<CoreResult<Published>> publishStored(const QByteArray& packId);
    QFuture<CoreResult<FetchedPack>> fetch(const crypto::StickerPackSecret& pack,
                                           storage::Mode mode,
                                           std::optional<std::set<std::uint32_t>> wanted,
                                           bool coverToo);
    QFuture<CoreResult<storage::StickerPack>> installSecret(crypto::StickerPackSecret pack,
                                                            storage::Mode mode);

    storage::Store& store_;
    const Channels& channels_;
    ModeRequests requests_;
    std::set<std::pair<QByteArray, std::int64_t>> fetching_;
};

}  // namespace tandem::core
