#include "app/core/stickers/StickerService.h"

#include <QDateTime>

#include "resources/stickers/DefaultStickerPacks.h"
#include "tandem/common/Clock.h"

namespace tandem::core {

using namespace tandem::storage;

StickerService::StickerService(Store& store, const Channels& channels, QObject* parent)
    : QObject(parent),
      store_(store),
      requests_(channels),
      publisher_(store, channels, requests_, this),
      installer_(store, requests_, this) {
    connect(&publisher_, &StickerPublisher::packsChanged, this, &StickerService::packsChanged);
    connect(&installer_, &StickerInstaller::packsChanged, this, &StickerService::packsChanged);
    connect(&installer_, &StickerInstaller::stickerFetched, this, &StickerService::stickerFetched);
}

StickerService::~StickerService() = default;

QString StickerService::linkOf(const StickerPack& pack) {
    return crypto::stickerLink(packSecretOf(pack));
}

CoreResult<QByteArray> StickerService::packIdOfLink(const QString& link) {
    auto parsed = crypto::parseStickerLink(link.trimmed());
    if (!parsed) {
        return coreError(CoreErrorCode::InvalidArgument, parsed.error().message);
    }
    return packIdOf(*parsed);
}

// ---- built-in packs -----------------------------------------------------------------------

QFuture<CoreResult<int>> StickerService::installBuiltins() {
    return store_.write(
        [](Repositories& r) -> StoreResult<int> {
            int changed = 0;
            const std::int64_t now = nowMs();
            // The manifests first: on most starts every pack is current, and its images are
            // read out of the resources only to install or update it.
            for (const stickers::DefaultPack& manifest : stickers::defaultStickerPackManifests()) {
                TANDEM_TRY_ASSIGN(const auto old, r.stickers.pack(manifest.packId));
                if (old && old->builtin && old->version >= manifest.version) {
                    continue;
                }
                const std::optional<stickers::DefaultPack> read =
                    stickers::defaultStickerPack(manifest.name);
                if (!read) {
                    continue;  // a broken build's pack: logged as it was read
                }
                const stickers::DefaultPack& d = *read;
                StickerPack p;
                p.packId = d.packId;
                p.packKey = makeSecret(SecretBytes(
                    reinterpret_cast<const std::uint8_t*>(d.packKey.constData()),  // NOLINT
                    static_cast<std::size_t>(d.packKey.size())));
                p.title = d.title;
                p.author = d.author;
                p.coverStickerId = d.coverId;
                p.origin = StickerOrigin::Installed;
                p.installed = true;
                p.builtin = true;
                p.hidden = old && old->hidden;
                p.version = d.version;
                p.createdAt = old ? old->createdAt : now;
                TANDEM_TRY(r.stickers.putPack(p));
                std::vector<std::int64_t> keep;
                for (const stickers::DefaultSticker& s : d.stickers) {
                    Sticker row;
                    row.packId = d.packId;
                    row.stickerId = s.id;
                    row.emoji = s.emoji;
                    row.contentType = QStringLiteral("image/webp");
                    row.image = s.webp;
                    TANDEM_TRY(r.stickers.putSticker(row));
                    keep.push_back(s.id);
                }
                TANDEM_TRY(r.stickers.keepOnlyStickers(d.packId, keep));
                ++changed;
            }
            return changed;
        },
        this,
        [this](StoreResult<int> r) -> CoreResult<int> {
            if (!r) {
                return unexpected(fromStore(r.error()));
            }
            if (*r > 0) {
                emit packsChanged();
            }
            return *r;
        });
}

QFuture<CoreResult<void>> StickerService::uninstall(const QByteArray& packId) {
    return store_.write(
        [packId](Repositories& r) -> StoreResult<void> {
            TANDEM_TRY_ASSIGN(const auto pack, r.stickers.pack(packId));
            if (!pack) {
                return storeError(StoreErrorCode::NotFound,
                                  QStringLiteral("No such sticker pack."));
            }
            if (pack->builtin) {
                return r.stickers.setHidden(packId, true);
            }
            TANDEM_TRY(r.stickers.setInstalled(packId, false));
            TANDEM_TRY(r.stickers.removeUnreferenced());
            return {};
        },
        this,
        [this](StoreResult<void> r) -> CoreResult<void> {
            if (!r) {
                return unexpected(fromStore(r.error()));
            }
            emit packsChanged();
            return {};
        });
}

QFuture<CoreResult<void>> StickerService::setHidden(const QByteArray& packId, bool hidden) {
    return store_.write(
        [packId, hidden](Repositories& r) { return r.stickers.setHidden(packId, hidden); }, this,
        [this](StoreResult<void> r) -> CoreResult<void> {
            if (!r) {
                return unexpected(fromStore(r.error()));
            }
            emit packsChanged();
            return {};
        });
}

}  // namespace tandem::core
