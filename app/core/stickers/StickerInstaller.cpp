#include "app/core/stickers/StickerInstaller.h"

#include <QDateTime>
#include <QPromise>

#include "app/core/Guarded.h"
#include "tandem/common/Clock.h"

namespace tandem::core {

using namespace tandem::storage;

namespace {

template <class T>
QFuture<CoreResult<T>> ready(CoreResult<T> value) {
    return QtFuture::makeReadyFuture(std::move(value));
}

}  // namespace

StickerInstaller::StickerInstaller(Store& store, ModeRequests& requests, QObject* parent)
    : QObject(parent), store_(store), requests_(requests) {}

// ---- fetching and installing --------------------------------------------------------------

QFuture<CoreResult<FetchedPack>> StickerInstaller::fetch(
    const crypto::StickerPackSecret& pack, Mode mode, std::optional<std::set<std::uint32_t>> wanted,
    bool coverToo) {
    TransportRequests* req = requests_(mode);
    if (req == nullptr) {
        return ready<FetchedPack>(coreError(
            CoreErrorCode::NotRegistered,
            QStringLiteral("There is no %1-mode account on this profile to fetch stickers with.")
                .arg(modeName(mode))));
    }
    auto promise = std::make_shared<QPromise<CoreResult<FetchedPack>>>();
    promise->start();
    crypto::StickerPackSecret copy;
    copy.packId = pack.packId;
    copy.packKey = pack.packKey.clone();
    auto* job = new FetchJob(
        *req, std::move(copy), std::move(wanted), coverToo,
        [promise](CoreResult<FetchedPack> r) {
            promise->addResult(std::move(r));
            promise->finish();
        },
        this);
    job->start();
    return promise->future();
}

QFuture<CoreResult<StickerInstaller::Preview>> StickerInstaller::preview(const QString& link,
                                                                         Mode mode) {
    auto parsed = crypto::parseStickerLink(link.trimmed());
    if (!parsed) {
        return ready<Preview>(coreError(CoreErrorCode::InvalidArgument, parsed.error().message));
    }
    const QByteArray packId = packIdOf(*parsed);
    return fetch(*parsed, mode, std::set<std::uint32_t>(), true)
        .then([packId](CoreResult<FetchedPack> fetched) -> CoreResult<Preview> {
            if (!fetched) {
                return unexpected(fetched.error());
            }
            Preview p;
            p.packId = packId;
            p.title = fetched->manifest.title;
            p.author = fetched->manifest.author;
            p.version = fetched->version;
            p.stickers = static_cast<int>(fetched->manifest.stickers.size());
            if (!fetched->images.empty()) {
                p.cover = fetched->images.front().webp;
            }
            return p;
        });
}

QFuture<CoreResult<StickerPack>> StickerInstaller::install(const QString& link, Mode mode) {
    auto parsed = crypto::parseStickerLink(link.trimmed());
    if (!parsed) {
        return ready<StickerPack>(
            coreError(CoreErrorCode::InvalidArgument, parsed.error().message));
    }
    return installSecret(std::move(parsed).value(), mode);
}

QFuture<CoreResult<StickerPack>> StickerInstaller::installKnown(const QByteArray& packId,
                                                                Mode mode) {
    auto promise = std::make_shared<QPromise<CoreResult<StickerPack>>>();
    promise->start();
    store_.read([packId](Repositories& r) { return r.stickers.pack(packId); }, this,
                [this, promise, mode](StoreResult<std::optional<StickerPack>> pack) {
                    if (!pack || !*pack) {
                        promise->addResult(coreError(
                            CoreErrorCode::InvalidArgument,
                            pack ? QStringLiteral("No such sticker pack.") : pack.error().message));
                        promise->finish();
                        return;
                    }
                    installSecret(packSecretOf(**pack), mode)
                        .then(guarded(this, [promise](CoreResult<StickerPack> r) {
                            promise->addResult(std::move(r));
                            promise->finish();
                        }));
                });
    return promise->future();
}

QFuture<CoreResult<StickerPack>> StickerInstaller::installSecret(crypto::StickerPackSecret secret,
                                                                 Mode mode) {
    const QByteArray packId = packIdOf(secret);
    auto key = makeSecret(secret.packKey.clone());
    auto promise = std::make_shared<QPromise<CoreResult<StickerPack>>>();
    promise->start();
    fetch(secret, mode, std::nullopt, true)
        .then(guarded(this, [this, packId, key, promise](CoreResult<FetchedPack> fetched) {
            if (!fetched) {
                promise->addResult(unexpected(fetched.error()));
                promise->finish();
                return;
            }
            store_.write(
                [packId, key,
                 f = std::move(fetched).value()](Repositories& r) -> StoreResult<StickerPack> {
                    TANDEM_TRY_ASSIGN(const auto old, r.stickers.pack(packId));
                    StickerPack p = old ? *old : StickerPack();
                    if (old && old->ownerSecret) {
                        return p;  // ours: nothing to install
                    }
                    if (old && static_cast<std::int64_t>(f.version) < old->version) {
                        // An older record than one seen before: a network replaying it.
                        return storeError(StoreErrorCode::InvalidArgument,
                                          QStringLiteral("The network offered an older version "
                                                         "of this sticker pack than the one "
                                                         "here; nothing was changed."));
                    }
                    p.packId = packId;
                    p.packKey = key;
                    p.title = f.manifest.title;
                    p.author = f.manifest.author;
                    p.coverStickerId = f.manifest.coverId;
                    p.origin = StickerOrigin::Installed;
                    p.installed = true;
                    p.version = static_cast<std::int64_t>(f.version);
                    p.checkedAt = nowMs();
                    if (!old) {
                        p.createdAt = nowMs();
                    }
                    TANDEM_TRY(r.stickers.putPack(p));
                    TANDEM_TRY(r.stickers.replaceStickers(
                        packId, stickerRows(f.images, f.manifest.stickers)));
                    return p;
                },
                this,
                [this, promise](StoreResult<StickerPack> stored) {
                    if (!stored) {
                        promise->addResult(unexpected(fromStore(stored.error())));
                    } else {
                        promise->addResult(*stored);
                        emit packsChanged();
                    }
                    promise->finish();
                });
        }));
    return promise->future();
}

QFuture<CoreResult<bool>> StickerInstaller::fetchSticker(const QByteArray& packId,
                                                         std::int64_t stickerId, Mode mode) {
    const auto key = std::make_pair(packId, stickerId);
    if (fetching_.count(key) != 0) {
        return ready<bool>(false);
    }
    struct Known {
        std::optional<StickerPack> pack;
        bool hasImage = false;
    };
    auto promise = std::make_shared<QPromise<CoreResult<bool>>>();
    promise->start();
    fetching_.insert(key);
    const auto done = [this, promise, key](CoreResult<bool> r) {
        fetching_.erase(key);
        promise->addResult(std::move(r));
        promise->finish();
    };
    store_.read(
        [packId, stickerId](Repositories& r) -> StoreResult<Known> {
            Known out;
            TANDEM_TRY_ASSIGN(out.pack, r.stickers.pack(packId));
            TANDEM_TRY_ASSIGN(const auto s, r.stickers.sticker(packId, stickerId));
            out.hasImage = s && s->hasImage;
            return out;
        },
        this,
        [this, done, packId, stickerId, mode](StoreResult<Known> known) {
            if (!known) {
                done(unexpected(fromStore(known.error())));
                return;
            }
            if (known->hasImage) {
                done(false);
                return;
            }
            if (!known->pack || !known->pack->packKey) {
                done(coreError(CoreErrorCode::InvalidArgument,
                               QStringLiteral("No such sticker pack.")));
                return;
            }
            fetch(packSecretOf(*known->pack), mode,
                  std::set<std::uint32_t>{static_cast<std::uint32_t>(stickerId)}, true)
                .then(guarded(this, [this, done, packId, stickerId](CoreResult<FetchedPack> f) {
                    if (!f) {
                        done(unexpected(f.error()));
                        return;
                    }
                    storeFetched(packId, stickerId, std::move(f).value(), done);
                }));
        });
    return promise->future();
}

void StickerInstaller::storeFetched(const QByteArray& packId, std::int64_t stickerId,
                                    FetchedPack fetched,
                                    std::function<void(CoreResult<bool>)> done) {
    store_.write(
        [packId, f = std::move(fetched)](Repositories& r) -> StoreResult<void> {
            TANDEM_TRY_ASSIGN(auto pack, r.stickers.pack(packId));
            if (!pack) {
                return {};  // its messages went meanwhile
            }
            if (!pack->installed && !pack->builtin && !pack->ownerSecret &&
                static_cast<std::int64_t>(f.version) >= pack->version) {
                pack->title = f.manifest.title;
                pack->author = f.manifest.author;
                pack->coverStickerId = f.manifest.coverId;
                pack->version = static_cast<std::int64_t>(f.version);
                TANDEM_TRY(r.stickers.putPack(*pack));
            }
            for (const PackImage& image : f.images) {
                Sticker s;
                s.packId = packId;
                s.stickerId = image.id;
                s.emoji = image.emoji;
                s.contentType = QStringLiteral("image/webp");
                s.image = image.webp;
                TANDEM_TRY(r.stickers.putSticker(s));
            }
            return {};
        },
        this,
        [this, done = std::move(done), packId, stickerId](StoreResult<void> stored) {
            if (!stored) {
                done(unexpected(fromStore(stored.error())));
                return;
            }
            emit stickerFetched(packId, stickerId);
            done(true);
        });
}

QFuture<CoreResult<int>> StickerInstaller::refreshInstalled(Mode mode, bool force) {
    auto promise = std::make_shared<QPromise<CoreResult<int>>>();
    promise->start();
    store_.read(
        [](Repositories& r) { return r.stickers.packs(true); }, this,
        [this, promise, mode, force](StoreResult<std::vector<StickerPack>> packs) {
            if (!packs) {
                promise->addResult(unexpected(fromStore(packs.error())));
                promise->finish();
                return;
            }
            struct Progress {
                int left = 0;
                int updated = 0;
            };
            auto progress = std::make_shared<Progress>();
            const std::int64_t now = nowMs();
            auto finishOne = [promise, progress] {
                if (--progress->left == 0) {
                    promise->addResult(progress->updated);
                    promise->finish();
                }
            };
            ++progress->left;  // held until every check is started
            for (const StickerPack& p : *packs) {
                if (p.builtin || p.ownerSecret ||
                    (!force && p.checkedAt && now - *p.checkedAt < kRefreshEveryMs)) {
                    continue;
                }
                ++progress->left;
                const std::int64_t version = p.version;
                const QByteArray packId = p.packId;
                // Only the record first: the images only when it moved.
                fetch(packSecretOf(p), mode, std::set<std::uint32_t>(), false)
                    .then(guarded(this, [this, progress, finishOne, version, packId, p,
                                         mode](CoreResult<FetchedPack> fetched) {
                        if (!fetched) {
                            finishOne();  // looked at again on the next connect
                            return;
                        }
                        if (static_cast<std::int64_t>(fetched->version) <= version) {
                            store_.write([packId](Repositories& r) {
                                return r.stickers.setChecked(packId, nowMs());
                            });
                            finishOne();
                            return;
                        }
                        installSecret(packSecretOf(p), mode)
                            .then(guarded(this, [progress, finishOne](CoreResult<StickerPack> r) {
                                if (r) {
                                    ++progress->updated;
                                }
                                finishOne();
                            }));
                    }));
            }
            finishOne();
        });
    return promise->future();
}

}  // namespace tandem::core
