#include "app/core/stickers/StickerService.h"

#include <QDateTime>
#include <QtConcurrent>

#include "app/core/CoreLog.h"
#include "app/core/Guarded.h"
#include "crypto/SignedRecord.h"
#include "media/StickerEncoder.h"
#include "resources/stickers/DefaultStickerPacks.h"

namespace tandem::core {

using namespace tandem::storage;

namespace {

std::int64_t nowMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

template <class T>
QFuture<CoreResult<T>> ready(CoreResult<T> value) {
    return QtFuture::makeReadyFuture(std::move(value));
}

crypto::StickerPackSecret secretOf(const StickerPack& pack) {
    crypto::StickerPackSecret s;
    s.packId.assign(pack.packId.begin(), pack.packId.end());
    s.packKey = pack.packKey ? pack.packKey->clone() : SecretBytes();
    return s;
}

QByteArray idOf(const crypto::StickerPackSecret& pack) {
    return {reinterpret_cast<const char*>(pack.packId.data()),  // NOLINT
            static_cast<qsizetype>(pack.packId.size())};
}

// One emoji (or a short emoji sequence): no letters, digits, spaces or control characters.
bool isEmoji(const QString& s) {
    if (s.isEmpty() || s.toUtf8().size() > 32) {
        return false;
    }
    bool pictographic = false;
    for (const char32_t c : s.toUcs4()) {
        const bool joiner = c == 0x200D || c == 0xFE0F;  // ZWJ sequences, emoji presentation
        if (c < 0x80 || QChar::isSpace(c) || QChar::category(c) == QChar::Other_Control ||
            (QChar::category(c) == QChar::Other_Format && !joiner)) {
            return false;
        }
        pictographic = pictographic || c >= 0x2000;
    }
    return pictographic;
}

CoreResult<void> checkDraft(const StickerService::Draft& d) {
    const auto invalid = [](const QString& why) {
        return coreError(CoreErrorCode::InvalidArgument, why);
    };
    if (d.title.trimmed().isEmpty() || d.title.size() > StickerService::kMaxTitleChars) {
        return invalid(QStringLiteral("A sticker pack needs a title of 1 to %1 characters.")
                           .arg(StickerService::kMaxTitleChars));
    }
    if (d.author.size() > StickerService::kMaxTitleChars) {
        return invalid(QStringLiteral("The author's name is longer than %1 characters.")
                           .arg(StickerService::kMaxTitleChars));
    }
    if (d.stickers.empty() || d.stickers.size() > StickerService::kMaxStickers) {
        return invalid(QStringLiteral("A sticker pack holds 1 to %1 stickers.")
                           .arg(StickerService::kMaxStickers));
    }
    if (d.cover < 0 || static_cast<std::size_t>(d.cover) >= d.stickers.size()) {
        return invalid(QStringLiteral("The cover must be one of the pack's stickers."));
    }
    for (std::size_t i = 0; i < d.stickers.size(); ++i) {
        if (!isEmoji(d.stickers[i].emoji)) {
            return invalid(QStringLiteral("Sticker %1 needs one emoji (got \"%2\").")
                               .arg(i + 1)
                               .arg(d.stickers[i].emoji.left(16)));
        }
    }
    return {};
}

// What encoding a draft's images came to (on a worker thread).
CoreResult<std::vector<PackImage>> encodeAll(const StickerService::Draft& d) {
    std::vector<PackImage> out;
    out.reserve(d.stickers.size());
    for (std::size_t i = 0; i < d.stickers.size(); ++i) {
        auto encoded = media::stickerFromBytes(d.stickers[i].image);
        if (!encoded) {
            return coreError(
                CoreErrorCode::InvalidArgument,
                QStringLiteral("Sticker %1: %2").arg(i + 1).arg(encoded.error().message));
        }
        out.push_back({static_cast<std::uint32_t>(i), d.stickers[i].emoji, encoded->webp});
    }
    return out;
}

StoreResult<void> storeImages(Repositories& r, const QByteArray& packId,
                              const std::vector<PackImage>& images,
                              const std::vector<crypto::StickerInfo>& listed) {
    std::vector<std::int64_t> keep;
    for (const crypto::StickerInfo& info : listed) {
        keep.push_back(info.id);
        const auto image = std::find_if(images.begin(), images.end(),
                                        [&info](const PackImage& p) { return p.id == info.id; });
        Sticker s;
        s.packId = packId;
        s.stickerId = info.id;
        s.emoji = info.emoji;
        s.contentType = QStringLiteral("image/webp");
        if (image != images.end()) {
            s.image = image->webp;
        } else {
            // Not downloaded: keep what is here (a new version may have changed it; it is
            // fetched again when shown).
            TANDEM_TRY_ASSIGN(const auto old, r.stickers.sticker(packId, info.id));
            if (old && old->emoji == info.emoji) {
                s.image = old->image;
            }
        }
        TANDEM_TRY(r.stickers.putSticker(s));
    }
    TANDEM_TRY(r.stickers.keepOnlyStickers(packId, keep));
    return {};
}

}  // namespace

StickerService::StickerService(Store& store, const Channels& channels, QObject* parent)
    : QObject(parent), store_(store), channels_(channels), requests_(channels) {}

StickerService::~StickerService() = default;

QString StickerService::linkOf(const StickerPack& pack) {
    return crypto::stickerLink(secretOf(pack));
}

CoreResult<QByteArray> StickerService::packIdOfLink(const QString& link) {
    auto parsed = crypto::parseStickerLink(link.trimmed());
    if (!parsed) {
        return coreError(CoreErrorCode::InvalidArgument, parsed.error().message);
    }
    return idOf(*parsed);
}

// ---- built-in packs -----------------------------------------------------------------------

QFuture<CoreResult<int>> StickerService::installBuiltins() {
    return store_.write(
        [](Repositories& r) -> StoreResult<int> {
            int changed = 0;
            const std::int64_t now = nowMs();
            for (const stickers::DefaultPack& d : stickers::defaultStickerPacks()) {
                TANDEM_TRY_ASSIGN(const auto old, r.stickers.pack(d.packId));
                if (old && old->builtin && old->version >= d.version) {
                    continue;
                }
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

// ---- creating and publishing --------------------------------------------------------------

QFuture<CoreResult<StickerService::Published>> StickerService::create(Draft draft) {
    if (auto ok = checkDraft(draft); !ok) {
        return ready<Published>(unexpected(ok.error()));
    }
    return edit(QByteArray(), std::move(draft));
}

QFuture<CoreResult<StickerService::Published>> StickerService::edit(const QByteArray& packId,
                                                                    Draft draft) {
    if (auto ok = checkDraft(draft); !ok) {
        return ready<Published>(unexpected(ok.error()));
    }
    auto promise = std::make_shared<QPromise<CoreResult<Published>>>();
    promise->start();
    const auto fail = [promise](CoreError e) {
        promise->addResult(unexpected(std::move(e)));
        promise->finish();
    };
    QtConcurrent::run([draft] {
        return encodeAll(draft);
    }).then(this, [this, packId, draft, promise, fail](CoreResult<std::vector<PackImage>> encoded) {
        if (!encoded) {
            fail(encoded.error());
            return;
        }
        struct Stored {
            QByteArray packId;
        };
        store_.write(
            [packId, draft, images = *encoded](Repositories& r) -> StoreResult<QByteArray> {
                const std::int64_t now = nowMs();
                StickerPack p;
                if (packId.isEmpty()) {
                    // A new pack: its id is the name of the key that signs it.
                    const crypto::Ed25519KeyPair owner = crypto::generateRecordOwner();
                    const QByteArray ownerKey(
                        reinterpret_cast<const char*>(owner.publicKey.data()),  // NOLINT
                        static_cast<qsizetype>(owner.publicKey.size()));
                    p.packId = crypto::recordName(ownerKey);
                    SecretBytes key(crypto::kKeySize);
                    randombytes_buf(key.data(), key.size());
                    p.packKey = makeSecret(std::move(key));
                    p.ownerSecret = makeSecret(owner.secretKey.clone());
                    p.origin = StickerOrigin::Created;
                    p.createdAt = now;
                } else {
                    TANDEM_TRY_ASSIGN(const auto old, r.stickers.pack(packId));
                    if (!old || !old->ownerSecret) {
                        return storeError(StoreErrorCode::InvalidArgument,
                                          QStringLiteral("Only a pack created on this "
                                                         "device can be edited."));
                    }
                    p = *old;
                }
                p.title = draft.title.trimmed();
                p.author = draft.author.trimmed();
                p.coverStickerId = draft.cover;
                p.installed = true;
                TANDEM_TRY(r.stickers.putPack(p));
                std::vector<crypto::StickerInfo> listed;
                for (const PackImage& image : images) {
                    listed.push_back({image.id, image.emoji, {}, {}, 0});
                }
                TANDEM_TRY(storeImages(r, p.packId, images, listed));
                return p.packId;
            },
            this,
            [this, promise, fail](StoreResult<QByteArray> stored) {
                if (!stored) {
                    fail(fromStore(stored.error()));
                    return;
                }
                emit packsChanged();
                publishStored(*stored).then(
                    guarded(this, [promise](CoreResult<Published> published) {
                        promise->addResult(std::move(published));
                        promise->finish();
                    }));
            });
    });
    return promise->future();
}

QFuture<CoreResult<StickerService::Published>> StickerService::publish(const QByteArray& packId) {
    return publishStored(packId);
}

QFuture<CoreResult<StickerService::Published>> StickerService::publishStored(
    const QByteArray& packId) {
    struct Loaded {
        StickerPack pack;
        std::vector<PackImage> images;
    };
    auto promise = std::make_shared<QPromise<CoreResult<Published>>>();
    promise->start();
    store_.read(
        [packId](Repositories& r) -> StoreResult<Loaded> {
            TANDEM_TRY_ASSIGN(const auto pack, r.stickers.pack(packId));
            if (!pack || !pack->ownerSecret) {
                return storeError(StoreErrorCode::InvalidArgument,
                                  QStringLiteral("Only a pack created on this device can be "
                                                 "published."));
            }
            Loaded out;
            out.pack = *pack;
            TANDEM_TRY_ASSIGN(const auto listed, r.stickers.stickers(packId));
            for (const Sticker& s : listed) {
                TANDEM_TRY_ASSIGN(const auto full, r.stickers.sticker(packId, s.stickerId));
                if (full && full->hasImage) {
                    out.images.push_back(
                        {static_cast<std::uint32_t>(s.stickerId), s.emoji, full->image});
                }
            }
            return out;
        },
        this,
        [this, promise](StoreResult<Loaded> loaded) {
            if (!loaded) {
                promise->addResult(unexpected(fromStore(loaded.error())));
                promise->finish();
                return;
            }
            struct Progress {
                Published result;
                int left = 0;
                quint64 version = 0;
            };
            auto progress = std::make_shared<Progress>();
            progress->result.pack = loaded->pack;
            progress->result.link = linkOf(loaded->pack);
            progress->version = static_cast<quint64>(loaded->pack.version) + 1;
            auto finishAll = [this, promise, progress] {
                if (progress->result.publishedTo.empty()) {
                    progress->result.pack.ownerSecret.reset();  // stays in the core
                    promise->addResult(std::move(progress->result));
                    promise->finish();
                    return;
                }
                const QByteArray id = progress->result.pack.packId;
                const auto version = static_cast<std::int64_t>(progress->version);
                store_.write(
                    [id, version](Repositories& r) -> StoreResult<StickerPack> {
                        TANDEM_TRY_ASSIGN(auto pack, r.stickers.pack(id));
                        if (!pack) {
                            return storeError(StoreErrorCode::NotFound,
                                              QStringLiteral("The pack was removed."));
                        }
                        pack->version = version;
                        pack->publishedAt = nowMs();
                        TANDEM_TRY(r.stickers.putPack(*pack));
                        return *pack;
                    },
                    this,
                    [this, promise, progress](StoreResult<StickerPack> saved) {
                        if (!saved) {
                            promise->addResult(unexpected(fromStore(saved.error())));
                        } else {
                            progress->result.pack = *saved;
                            progress->result.pack.ownerSecret.reset();  // stays in the core
                            promise->addResult(std::move(progress->result));
                            emit packsChanged();
                        }
                        promise->finish();
                    });
            };
            auto owner = crypto::recordOwnerFromSecret(
                loaded->pack.ownerSecret ? loaded->pack.ownerSecret->span() : crypto::ByteView());
            if (!owner) {
                promise->addResult(coreError(CoreErrorCode::Crypto, owner.error().message));
                promise->finish();
                return;
            }
            // Held until every job has started: one that fails at once cannot end the round
            // before the others begin.
            ++progress->left;
            for (const Mode mode : {Mode::Signal, Mode::Session}) {
                if (channels_[mode] == nullptr) {
                    continue;
                }
                TransportRequests* req = requests_(mode);
                if (req == nullptr || !channels_[mode]->isConnected()) {
                    progress->result.failed[mode] = QStringLiteral("not connected");
                    continue;
                }
                ++progress->left;
                auto* job = new PublishJob(
                    *req, secretOf(loaded->pack), owner->clone(), progress->version,
                    loaded->pack.title, loaded->pack.author,
                    static_cast<std::uint32_t>(loaded->pack.coverStickerId.value_or(0)),
                    loaded->images,
                    [progress, mode, finishAll](CoreResult<quint64> done) {
                        if (done) {
                            progress->result.publishedTo.push_back(mode);
                        } else {
                            progress->result.failed[mode] = done.error().message;
                        }
                        if (--progress->left == 0) {
                            finishAll();
                        }
                    },
                    this);
                job->start();
            }
            if (--progress->left == 0) {
                finishAll();
            }
        });
    return promise->future();
}

// ---- fetching and installing --------------------------------------------------------------

QFuture<CoreResult<FetchedPack>> StickerService::fetch(
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

QFuture<CoreResult<StickerService::Preview>> StickerService::preview(const QString& link,
                                                                     Mode mode) {
    auto parsed = crypto::parseStickerLink(link.trimmed());
    if (!parsed) {
        return ready<Preview>(coreError(CoreErrorCode::InvalidArgument, parsed.error().message));
    }
    const QByteArray packId = idOf(*parsed);
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

QFuture<CoreResult<StickerPack>> StickerService::install(const QString& link, Mode mode) {
    auto parsed = crypto::parseStickerLink(link.trimmed());
    if (!parsed) {
        return ready<StickerPack>(
            coreError(CoreErrorCode::InvalidArgument, parsed.error().message));
    }
    return installSecret(std::move(parsed).value(), mode);
}

QFuture<CoreResult<StickerPack>> StickerService::installKnown(const QByteArray& packId, Mode mode) {
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
                    installSecret(secretOf(**pack), mode)
                        .then(guarded(this, [promise](CoreResult<StickerPack> r) {
                            promise->addResult(std::move(r));
                            promise->finish();
                        }));
                });
    return promise->future();
}

QFuture<CoreResult<StickerPack>> StickerService::installSecret(crypto::StickerPackSecret secret,
                                                               Mode mode) {
    const QByteArray packId = idOf(secret);
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
                    TANDEM_TRY(storeImages(r, packId, f.images, f.manifest.stickers));
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

QFuture<CoreResult<bool>> StickerService::fetchSticker(const QByteArray& packId,
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
            fetch(secretOf(*known->pack), mode,
                  std::set<std::uint32_t>{static_cast<std::uint32_t>(stickerId)}, true)
                .then(
                    guarded(this, [this, done, packId, stickerId](CoreResult<FetchedPack> fetched) {
                        if (!fetched) {
                            done(unexpected(fetched.error()));
                            return;
                        }
                        store_.write(
                            [packId,
                             f = std::move(fetched).value()](Repositories& r) -> StoreResult<void> {
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
                            [this, done, packId, stickerId](StoreResult<void> stored) {
                                if (!stored) {
                                    done(unexpected(fromStore(stored.error())));
                                    return;
                                }
                                emit stickerFetched(packId, stickerId);
                                done(true);
                            });
                    }));
        });
    return promise->future();
}

QFuture<CoreResult<int>> StickerService::refreshInstalled(Mode mode, bool force) {
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
                fetch(secretOf(p), mode, std::set<std::uint32_t>(), false)
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
                        installSecret(secretOf(p), mode)
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
