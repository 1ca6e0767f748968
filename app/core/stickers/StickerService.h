// StickerService: sticker packs for the app and tandemctl (docs/stickers.md), on the core
// thread. Packs live in SQLCipher (StickerRepository): built in (shipped, hidden at most),
// created here (with the owner key that signs new versions), installed from a link, or known
// only from a received sticker (removed with the last message showing it).
//
// The one the app and tandemctl hold: the built-in packs, removing and hiding, links; making
// and publishing packs is StickerPublisher's, fetching and installing StickerInstaller's.
#pragma once

#include <QFuture>
#include <QObject>

#include "app/core/CoreError.h"
#include "app/core/ModeChannel.h"
#include "app/core/stickers/StickerInstaller.h"
#include "app/core/stickers/StickerPublisher.h"
#include "storage/Store.h"

namespace tandem::core {

class StickerService : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxTitleChars = StickerPublisher::kMaxTitleChars;
    static constexpr std::size_t kMaxStickers = StickerPublisher::kMaxStickers;
    static constexpr std::int64_t kRefreshEveryMs = StickerInstaller::kRefreshEveryMs;
    using NewSticker = StickerPublisher::NewSticker;
    using Draft = StickerPublisher::Draft;
    using Published = StickerPublisher::Published;
    using Preview = StickerInstaller::Preview;

    StickerService(storage::Store& store, const Channels& channels, QObject* parent = nullptr);
    ~StickerService() override;

    // Puts the packs shipped with the app into the store, or their newer versions; a pack the
    // user hid stays hidden. Returns how many were added or updated.
    QFuture<CoreResult<int>> installBuiltins();

    // Packs made here (StickerPublisher).
    QFuture<CoreResult<Published>> create(Draft draft) {
        return publisher_.create(std::move(draft));
    }
    QFuture<CoreResult<Published>> edit(const QByteArray& packId, Draft draft) {
        return publisher_.edit(packId, std::move(draft));
    }
    QFuture<CoreResult<Published>> publish(const QByteArray& packId) {
        return publisher_.publish(packId);
    }

    // Packs from elsewhere (StickerInstaller).
    QFuture<CoreResult<Preview>> preview(const QString& link, storage::Mode mode) {
        return installer_.preview(link, mode);
    }
    QFuture<CoreResult<storage::StickerPack>> install(const QString& link, storage::Mode mode) {
        return installer_.install(link, mode);
    }
    QFuture<CoreResult<storage::StickerPack>> installKnown(const QByteArray& packId,
                                                           storage::Mode mode) {
        return installer_.installKnown(packId, mode);
    }
    QFuture<CoreResult<bool>> fetchSticker(const QByteArray& packId, std::int64_t stickerId,
                                           storage::Mode mode) {
        return installer_.fetchSticker(packId, stickerId, mode);
    }
    QFuture<CoreResult<int>> refreshInstalled(storage::Mode mode, bool force = false) {
        return installer_.refreshInstalled(mode, force);
    }

    // Takes an installed or created pack out (built-in ones are hidden instead); its stickers
    // stay while messages show them.
    QFuture<CoreResult<void>> uninstall(const QByteArray& packId);
    QFuture<CoreResult<void>> setHidden(const QByteArray& packId, bool hidden);

    // No received sticker is being fetched.
    [[nodiscard]] bool isIdle() const { return installer_.isIdle(); }

    static QString linkOf(const storage::StickerPack& pack);
    // The pack id of a link (or why it is not one).
    static CoreResult<QByteArray> packIdOfLink(const QString& link);

signals:
    void packsChanged();
    void stickerFetched(const QByteArray& packId, qint64 stickerId);

private:
    storage::Store& store_;
    ModeRequests requests_;
    StickerPublisher publisher_;
    StickerInstaller installer_;
};

}  // namespace tandem::core
