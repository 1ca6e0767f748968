// StickerRepository: sticker packs (created here or installed from a link) and their
// stickers' image bytes. The pack key is secret; images are kept only inside the encrypted
// database, never as loose files.
#pragma once

#include <optional>
#include <vector>

#include "storage/StoreError.h"
#include "storage/Types.h"

namespace tandem::storage {

class Database;

class StickerRepository {
public:
    explicit StickerRepository(Database& db) : db_(db) {}

    // Inserts the pack, or updates its metadata if the pack id exists (its stickers stay).
    StoreResult<void> putPack(const StickerPack& pack);
    StoreResult<std::optional<StickerPack>> pack(const QByteArray& packId);
    StoreResult<std::vector<StickerPack>> packs(bool installedOnly);
    StoreResult<void> setInstalled(const QByteArray& packId, bool installed);
    StoreResult<void> setPublished(const QByteArray& packId, std::int64_t at);
    // Removes the pack with all its stickers.
    StoreResult<bool> removePack(const QByteArray& packId);

    // Inserts or replaces one sticker (image may be empty: not downloaded yet).
    StoreResult<void> putSticker(const Sticker& sticker);
    // The stickers of a pack, without image bytes (hasImage tells whether they are here).
    StoreResult<std::vector<Sticker>> stickers(const QByteArray& packId);
    // One sticker with its image bytes.
    StoreResult<std::optional<Sticker>> sticker(const QByteArray& packId, std::int64_t stickerId);

private:
    StoreResult<void> updatePack(std::string_view sql, std::int64_t value,
                                 const QByteArray& packId);
    Database& db_;
};

}  // namespace tandem::storage
