#include "app/core/stickers/StickerPublisher.h"

#include <QDateTime>
#include <QPromise>
#include <QtConcurrent>

#include "app/core/Guarded.h"
#include "crypto/SignedRecord.h"
#include "media/StickerEncoder.h"
#include "tandem/common/Clock.h"

namespace tandem::core {

using namespace tandem::storage;

namespace {

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

// What encoding a draft's images came to (on a worker thread).
CoreResult<std::vector<PackImage>> encodeAll(const StickerPublisher::Draft& d) {
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

// The draft stored as a pack: a new one (its id is the name of the key that signs it), or the
// next contents of one created here.
StoreResult<QByteArray> storeDraft(Repositories& r, const QByteArray& packId,
                                   const StickerPublisher::Draft& draft,
                                   const std::vector<PackImage>& images) {
    StickerPack p;
    if (packId.isEmpty()) {
        const crypto::Ed25519KeyPair owner = crypto::generateRecordOwner();
        const QByteArray ownerKey(reinterpret_cast<const char*>(owner.publicKey.data()),  // NOLINT
                                  static_cast<qsizetype>(owner.publicKey.size()));
        p.packId = crypto::recordName(ownerKey);
        SecretBytes key(crypto::kKeySize);
        randombytes_buf(key.data(), key.size());
        p.packKey = makeSecret(std::move(key));
        p.ownerSecret = makeSecret(owner.secretKey.clone());
        p.origin = StickerOrigin::Created;
        p.createdAt = nowMs();
    } else {
        TANDEM_TRY_ASSIGN(const auto old, r.stickers.pack(packId));
        if (!old || !old->ownerSecret) {
            return storeError(StoreErrorCode::InvalidArgument,
                              QStringLiteral("Only a pack created on this device can be edited."));
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
    TANDEM_TRY(r.stickers.replaceStickers(p.packId, stickerRows(images, listed)));
    return p.packId;
}

}  // namespace

// One publication of a pack: a job per network, and what each came to.
struct StickerPublisher::Round {
    std::shared_ptr<QPromise<CoreResult<Published>>> promise;
    Published result;
    quint64 version = 0;
    int left = 0;
};

StickerPublisher::StickerPublisher(Store& store, const Channels& channels, ModeRequests& requests,
                                   QObject* parent)
    : QObject(parent), store_(store), channels_(channels), requests_(requests) {}

CoreResult<void> StickerPublisher::check(const Draft& d) {
    const auto invalid = [](const QString& why) {
        return coreError(CoreErrorCode::InvalidArgument, why);
    };
    if (d.title.trimmed().isEmpty() || d.title.size() > kMaxTitleChars) {
        return invalid(QStringLiteral("A sticker pack needs a title of 1 to %1 characters.")
                           .arg(kMaxTitleChars));
    }
    if (d.author.size() > kMaxTitleChars) {
        return invalid(
            QStringLiteral("The author's name is longer than %1 characters.").arg(kMaxTitleChars));
    }
    if (d.stickers.empty() || d.stickers.size() > kMaxStickers) {
        return invalid(QStringLiteral("A sticker pack holds 1 to %1 stickers.").arg(kMaxStickers));
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

QFuture<CoreResult<StickerPublisher::Published>> StickerPublisher::create(Draft draft) {
    return edit(QByteArray(), std::move(draft));
}

QFuture<CoreResult<StickerPublisher::Published>> StickerPublisher::edit(const QByteArray& packId,
                                                                        Draft draft) {
    if (auto ok = check(draft); !ok) {
        return QtFuture::makeReadyFuture(CoreResult<Published>(unexpected(ok.error())));
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
        store_.write(
            [packId, draft, images = *encoded](Repositories& r) {
                return storeDraft(r, packId, draft, images);
            },
            this,
            [this, promise, fail](StoreResult<QByteArray> stored) {
                if (!stored) {
                    fail(fromStore(stored.error()));
                    return;
                }
                emit packsChanged();
                publish(*stored).then(guarded(this, [promise](CoreResult<Published> published) {
                    promise->addResult(std::move(published));
                    promise->finish();
                }));
            });
    });
    return promise->future();
}

QFuture<CoreResult<StickerPublisher::Published>> StickerPublisher::publish(
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
            publishLoaded(std::move(loaded->pack), std::move(loaded->images), promise);
        });
    return promise->future();
}

void StickerPublisher::publishLoaded(StickerPack pack, std::vector<PackImage> images,
                                     std::shared_ptr<QPromise<CoreResult<Published>>> promise) {
    auto owner = crypto::recordOwnerFromSecret(pack.ownerSecret ? pack.ownerSecret->span()
                                                                : crypto::ByteView());
    if (!owner) {
        promise->addResult(coreError(CoreErrorCode::Crypto, owner.error().message));
        promise->finish();
        return;
    }
    auto round = std::make_shared<Round>();
    round->promise = std::move(promise);
    round->result.link = crypto::stickerLink(packSecretOf(pack));
    round->version = static_cast<quint64>(pack.version) + 1;
    round->result.pack = std::move(pack);
    const StickerPack& p = round->result.pack;
    // Held until every job has started: one that fails at once cannot end the round before
    // the others begin.
    ++round->left;
    for (const Mode mode : {Mode::Signal, Mode::Session}) {
        if (channels_[mode] == nullptr) {
            continue;
        }
        TransportRequests* req = requests_(mode);
        if (req == nullptr || !channels_[mode]->isConnected()) {
            round->result.failed[mode] = QStringLiteral("not connected");
            continue;
        }
        ++round->left;
        auto* job = new PublishJob(
            *req, packSecretOf(p), owner->clone(), round->version, p.title, p.author,
            static_cast<std::uint32_t>(p.coverStickerId.value_or(0)), images,
            [this, round, mode](CoreResult<quint64> done) {
                if (done) {
                    round->result.publishedTo.push_back(mode);
                } else {
                    round->result.failed[mode] = done.error().message;
                }
                if (--round->left == 0) {
                    finishRound(round);
                }
            },
            this);
        job->start();
    }
    if (--round->left == 0) {
        finishRound(round);
    }
}

void StickerPublisher::finishRound(const std::shared_ptr<Round>& round) {
    if (round->result.publishedTo.empty()) {
        round->result.pack.ownerSecret.reset();  // stays in the core
        round->promise->addResult(std::move(round->result));
        round->promise->finish();
        return;
    }
    const QByteArray id = round->result.pack.packId;
    const auto version = static_cast<std::int64_t>(round->version);
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
        [this, round](StoreResult<StickerPack> saved) {
            if (!saved) {
                round->promise->addResult(unexpected(fromStore(saved.error())));
            } else {
                round->result.pack = *saved;
                round->result.pack.ownerSecret.reset();  // stays in the core
                round->promise->addResult(std::move(round->result));
                emit packsChanged();
            }
            round->promise->finish();
        });
}

}  // namespace tandem::core
