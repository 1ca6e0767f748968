// The network half of sticker packs (docs/stickers.md), one job per pack and network:
//   PublishJob — encrypts every image of a pack with its key, uploads them as blobs, then
//                uploads the manifest (naming those blobs) as the pack's signed record;
//   FetchJob   — reads a pack's record, checks that it was signed by the key the pack id was
//                made from, decrypts the manifest and downloads the stickers asked for, each
//                decrypted, checked to be a sticker WebP, and only then handed back.
// Both run on the core thread and call back once. Nothing is stored by them: the caller
// stores a fetched pack in one transaction, so a pack that fails half-way leaves nothing.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include <QObject>
#include <QPointer>

#include "app/core/CoreError.h"
#include "app/core/TransportRequests.h"
#include "crypto/Stickers.h"
#include "storage/Types.h"

namespace tandem::core {

struct PackImage {
    std::uint32_t id = 0;
    QString emoji;
    QByteArray webp;
};

// A stored pack's id and key, as the jobs take them.
crypto::StickerPackSecret packSecretOf(const storage::StickerPack& pack);
QByteArray packIdOf(const crypto::StickerPackSecret& pack);
// The rows of a pack's version: every sticker `listed`, with its image where `images` has it
// (StickerRepository::replaceStickers keeps what is here for the others).
std::vector<storage::Sticker> stickerRows(const std::vector<PackImage>& images,
                                          const std::vector<crypto::StickerInfo>& listed);

class PublishJob : public QObject {
    Q_OBJECT
public:
    static constexpr int kInFlight = 4;  // uploads at once
    using Done = std::function<void(CoreResult<quint64>)>;

    PublishJob(TransportRequests& requests, crypto::StickerPackSecret pack,
               crypto::Ed25519KeyPair owner, quint64 version, QString title, QString author,
               std::uint32_t coverId, std::vector<PackImage> images, Done done,
               QObject* parent = nullptr);
    void start();

private:
    void next();
    void finish(CoreResult<quint64> result);

    QPointer<TransportRequests> requests_;
    crypto::StickerPackSecret pack_;
    crypto::Ed25519KeyPair owner_;
    quint64 version_;
    crypto::StickerManifest manifest_;
    std::vector<PackImage> images_;
    std::size_t nextImage_ = 0;
    int inFlight_ = 0;
    std::size_t uploaded_ = 0;
    bool recordSent_ = false;
    bool finished_ = false;
    Done done_;
};

struct FetchedPack {
    crypto::StickerManifest manifest;
    quint64 version = 0;
    std::vector<PackImage> images;  // those asked for, checked
};

class FetchJob : public QObject {
    Q_OBJECT
public:
    static constexpr int kInFlight = 4;
    using Done = std::function<void(CoreResult<FetchedPack>)>;

    // `wanted`: the sticker ids to download (none: only the record); nullopt: all of them.
    // `coverToo`: also the cover.
    FetchJob(TransportRequests& requests, crypto::StickerPackSecret pack,
             std::optional<std::set<std::uint32_t>> wanted, bool coverToo, Done done,
             QObject* parent = nullptr);
    void start();

private:
    void onRecord(const crypto::SignedRecord& record);
    void next();
    void finish(CoreResult<FetchedPack> result);

    QPointer<TransportRequests> requests_;
    crypto::StickerPackSecret pack_;
    std::optional<std::set<std::uint32_t>> wanted_;
    bool coverToo_;
    FetchedPack out_;
    std::vector<crypto::StickerInfo> queue_;
    std::size_t next_ = 0;
    int inFlight_ = 0;
    bool finished_ = false;
    Done done_;
};

}  // namespace tandem::core
