// StickerInstaller: sticker packs from elsewhere (docs/stickers.md), on the core thread. A pack
// is read from the network of the mode it is asked for in (FetchJob: the signed record, the
// manifest, the images), so Session mode fetches only through onion paths; only a whole,
// checked pack is stored, in one transaction. The same path previews a link, installs it,
// installs a pack known from a received sticker, fetches one received sticker whose pack is
// not here, and picks up newer versions of installed packs.
#pragma once

#include <optional>
#include <set>
#include <utility>

#include <QFuture>
#include <QObject>

#include "app/core/CoreError.h"
#include "app/core/ModeChannel.h"
#include "app/core/stickers/StickerJobs.h"
#include "storage/Store.h"

namespace tandem::core {

class StickerInstaller : public QObject {
    Q_OBJECT
public:
    static constexpr std::int64_t kRefreshEveryMs = 6LL * 3600 * 1000;

    struct Preview {
        QByteArray packId;
        QString title;
        QString author;
        quint64 version = 0;
        int stickers = 0;
        QByteArray cover;  // WebP
        bool installed = false;
    };

    StickerInstaller(storage::Store& store, ModeRequests& requests, QObject* parent = nullptr);

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

    // No received sticker is being fetched.
    [[nodiscard]] bool isIdle() const { return fetching_.empty(); }

signals:
    void packsChanged();
    void stickerFetched(const QByteArray& packId, qint64 stickerId);

private:
    QFuture<CoreResult<FetchedPack>> fetch(const crypto::StickerPackSecret& pack,
                                           storage::Mode mode,
                                           std::optional<std::set<std::uint32_t>> wanted,
                                           bool coverToo);
    QFuture<CoreResult<storage::StickerPack>> installSecret(crypto::StickerPackSecret pack,
                                                            storage::Mode mode);
    // The fetched images of a sticker (and its pack's manifest, for a pack only known from
    // messages) stored.
    void storeFetched(const QByteArray& packId, std::int64_t stickerId, FetchedPack fetched,
                      std::function<void(CoreResult<bool>)> done);

    storage::Store& store_;
    ModeRequests& requests_;
    std::set<std::pair<QByteArray, std::int64_t>> fetching_;
};

}  // namespace tandem::core
