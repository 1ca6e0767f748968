#include "app/core/stickers/StickerJobs.h"

#include <algorithm>
#include <sodium.h>

#include "crypto/SignedRecord.h"
#include "media/StickerEncoder.h"

namespace tandem::core {

namespace {

QByteArray toQByteArray(const crypto::Bytes& bytes) {
    return {reinterpret_cast<const char*>(bytes.data()),  // NOLINT
            static_cast<qsizetype>(bytes.size())};
}

crypto::ByteView viewOf(const QByteArray& bytes) {
    return {reinterpret_cast<const std::uint8_t*>(bytes.constData()),  // NOLINT
            static_cast<std::size_t>(bytes.size())};
}

}  // namespace

crypto::StickerPackSecret packSecretOf(const storage::StickerPack& pack) {
    crypto::StickerPackSecret s;
    s.packId.assign(pack.packId.begin(), pack.packId.end());
    s.packKey = pack.packKey ? pack.packKey->clone() : SecretBytes();
    return s;
}

QByteArray packIdOf(const crypto::StickerPackSecret& pack) {
    return {reinterpret_cast<const char*>(pack.packId.data()),  // NOLINT
            static_cast<qsizetype>(pack.packId.size())};
}

std::vector<storage::Sticker> stickerRows(const std::vector<PackImage>& images,
                                          const std::vector<crypto::StickerInfo>& listed) {
    std::vector<storage::Sticker> rows;
    rows.reserve(listed.size());
    for (const crypto::StickerInfo& info : listed) {
        storage::Sticker s;
        s.stickerId = info.id;
        s.emoji = info.emoji;
        s.contentType = QStringLiteral("image/webp");
        const auto image = std::find_if(images.begin(), images.end(),
                                        [&info](const PackImage& p) { return p.id == info.id; });
        if (image != images.end()) {
            s.image = image->webp;
        }
        rows.push_back(std::move(s));
    }
    return rows;
}

// ---- publishing ---------------------------------------------------------------------------

PublishJob::PublishJob(TransportRequests& requests, crypto::StickerPackSecret pack,
                       crypto::Ed25519KeyPair owner, quint64 version, QString title, QString author,
                       std::uint32_t coverId, std::vector<PackImage> images, Done done,
                       QObject* parent)
    : QObject(parent),
      requests_(&requests),
      pack_(std::move(pack)),
      owner_(std::move(owner)),
      version_(version),
      images_(std::move(images)),
      done_(std::move(done)) {
    manifest_.title = std::move(title);
    manifest_.author = std::move(author);
    manifest_.coverId = coverId;
    manifest_.stickers.resize(images_.size());
    for (std::size_t i = 0; i < images_.size(); ++i) {
        manifest_.stickers[i].id = images_[i].id;
        manifest_.stickers[i].emoji = images_[i].emoji;
        manifest_.stickers[i].contentType = QStringLiteral("image/webp");
    }
}

void PublishJob::start() {
    next();
}

void PublishJob::next() {
    if (finished_) {
        return;
    }
    if (!requests_) {
        finish(coreError(CoreErrorCode::Network, QStringLiteral("the connection went away")));
        return;
    }
    while (!finished_ && inFlight_ < kInFlight && nextImage_ < images_.size()) {
        const std::size_t index = nextImage_++;
        const QByteArray sealed = toQByteArray(
            crypto::encryptStickerImage(pack_, images_[index].id, viewOf(images_[index].webp)));
        ++inFlight_;
        requests_->putBlob(sealed, [this, index, guard = QPointer<PublishJob>(this),
                                    size = sealed.size()](auto stored) {
            if (!guard) {
                return;
            }
            --inFlight_;
            if (!stored) {
                finish(unexpected(fromTransport(stored.error())));
                return;
            }
            manifest_.stickers[index].blobId = stored->id;
            manifest_.stickers[index].blobSize = static_cast<std::uint64_t>(size);
            ++uploaded_;
            next();
        });
    }
    if (finished_ || recordSent_ || uploaded_ < images_.size() || inFlight_ > 0) {
        return;
    }
    recordSent_ = true;
    // Every image is up: now the manifest that names them, as the pack's record.
    const QByteArray manifest = toQByteArray(crypto::encryptStickerManifest(pack_, manifest_));
    if (manifest.size() > crypto::kMaxRecordPayloadBytes) {
        finish(coreError(CoreErrorCode::InvalidArgument,
                         QStringLiteral("the pack's manifest is too large to publish")));
        return;
    }
    ++inFlight_;
    requests_->putRecord(crypto::signRecord(owner_, version_, manifest),
                         [this, guard = QPointer<PublishJob>(this)](auto stored) {
                             if (!guard) {
                                 return;
                             }
                             --inFlight_;
                             if (!stored) {
                                 finish(unexpected(fromTransport(stored.error())));
                             } else {
                                 finish(*stored);
                             }
                         });
}

void PublishJob::finish(CoreResult<quint64> result) {
    if (finished_) {
        return;
    }
    finished_ = true;
    if (done_) {
        Done done = std::move(done_);
        done(std::move(result));
    }
    deleteLater();
}

// ---- fetching -----------------------------------------------------------------------------

FetchJob::FetchJob(TransportRequests& requests, crypto::StickerPackSecret pack,
                   std::optional<std::set<std::uint32_t>> wanted, bool coverToo, Done done,
                   QObject* parent)
    : QObject(parent),
      requests_(&requests),
      pack_(std::move(pack)),
      wanted_(std::move(wanted)),
      coverToo_(coverToo),
      done_(std::move(done)) {}

void FetchJob::start() {
    const QByteArray packId = toQByteArray(pack_.packId);
    const QByteArray address = crypto::recordAddress(packId);
    requests_->getRecord(address, [this, guard = QPointer<FetchJob>(this)](auto record) {
        if (!guard) {
            return;
        }
        if (!record) {
            if (record.error().code == transport::TransportError::Code::NotFound) {
                finish(coreError(CoreErrorCode::Rejected,
                                 QStringLiteral("No sticker pack was published under this link "
                                                "on this network (or it expired).")));
            } else {
                finish(unexpected(fromTransport(record.error())));
            }
            return;
        }
        onRecord(*record);
    });
}

void FetchJob::onRecord(const crypto::SignedRecord& record) {
    // The transport checked the signature and the address; the pack id must also be the name
    // of the key that signed it, or anyone holding the link could have published this.
    const QByteArray packId = toQByteArray(pack_.packId);
    const QByteArray name = crypto::recordName(record.ownerKey);
    if (name.size() != packId.size() ||
        sodium_memcmp(name.constData(), packId.constData(),
                      static_cast<std::size_t>(name.size())) != 0 ||
        !crypto::verifyRecord(record)) {
        finish(coreError(CoreErrorCode::Crypto,
                         QStringLiteral("The sticker pack's record was not signed by its owner.")));
        return;
    }
    auto manifest = crypto::decryptStickerManifest(pack_, viewOf(record.payload));
    if (!manifest) {
        finish(coreError(CoreErrorCode::Crypto,
                         QStringLiteral("The sticker pack could not be opened with this link's "
                                        "key (%1).")
                             .arg(manifest.error().message)));
        return;
    }
    out_.manifest = std::move(manifest).value();
    out_.version = record.version;
    for (const crypto::StickerInfo& s : out_.manifest.stickers) {
        if (!wanted_ || wanted_->count(s.id) != 0 || (coverToo_ && s.id == out_.manifest.coverId)) {
            if (s.blobId.isEmpty() || s.blobSize == 0) {
                finish(coreError(CoreErrorCode::Crypto,
                                 QStringLiteral("The sticker pack's manifest names no image for "
                                                "sticker %1.")
                                     .arg(s.id)));
                return;
            }
            queue_.push_back(s);
        }
    }
    for (const std::uint32_t id : wanted_.value_or(std::set<std::uint32_t>())) {
        const bool listed =
            std::any_of(out_.manifest.stickers.begin(), out_.manifest.stickers.end(),
                        [id](const crypto::StickerInfo& s) { return s.id == id; });
        if (!listed) {
            finish(coreError(CoreErrorCode::Rejected,
                             QStringLiteral("The sticker pack has no sticker %1.").arg(id)));
            return;
        }
    }
    next();
}

void FetchJob::next() {
    if (finished_) {
        return;
    }
    if (!requests_) {
        finish(coreError(CoreErrorCode::Network, QStringLiteral("the connection went away")));
        return;
    }
    while (!finished_ && inFlight_ < kInFlight && next_ < queue_.size()) {
        const crypto::StickerInfo info = queue_[next_++];
        ++inFlight_;
        requests_->getBlob(
            {info.blobId, static_cast<std::int64_t>(info.blobSize)},
            [this, info, guard = QPointer<FetchJob>(this)](auto fetched) {
                if (!guard) {
                    return;
                }
                --inFlight_;
                if (!fetched) {
                    finish(unexpected(fromTransport(fetched.error())));
                    return;
                }
                if (static_cast<std::uint64_t>(fetched->size()) != info.blobSize) {
                    finish(coreError(CoreErrorCode::Crypto,
                                     QStringLiteral("Sticker %1 is not the size its pack's "
                                                    "manifest says.")
                                         .arg(info.id)));
                    return;
                }
                auto image = crypto::decryptStickerImage(pack_, info.id, viewOf(*fetched));
                if (!image) {
                    finish(coreError(CoreErrorCode::Crypto,
                                     QStringLiteral("Sticker %1 could not be decrypted: %2")
                                         .arg(info.id)
                                         .arg(image.error().message)));
                    return;
                }
                QByteArray webp(reinterpret_cast<const char*>(image->data()),  // NOLINT
                                static_cast<qsizetype>(image->size()));
                if (auto valid = media::validateStickerWebp(webp); !valid) {
                    finish(coreError(CoreErrorCode::Rejected,
                                     QStringLiteral("Sticker %1 is not a sticker image: %2")
                                         .arg(info.id)
                                         .arg(valid.error().message)));
                    return;
                }
                out_.images.push_back({info.id, info.emoji, std::move(webp)});
                next();
            });
    }
    if (!finished_ && next_ >= queue_.size() && inFlight_ == 0) {
        finish(std::move(out_));
    }
}

void FetchJob::finish(CoreResult<FetchedPack> result) {
    if (finished_) {
        return;
    }
    finished_ = true;
    if (done_) {
        Done done = std::move(done_);
        done(std::move(result));
    }
    deleteLater();
}

}  // namespace tandem::core
