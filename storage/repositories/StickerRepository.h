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
    // A built-in pack is hidden from the picker rather than removed.
    StoreResult<void> setHidden(const QByteArray& packId, bool hidden);
    // When a newer version of the pack was last looked for.
    StoreResult<void> setChecked(const QByteArray& packId, std::int64_t at);
    // Removes the packs nothing refers to: not built in, not installed, and shown by no
    // message (a pack learnt from a received sticker). Returns how many.
    StoreResult<int> removeUnreferenced();
    // Removes the pack with all its stickers.
    StoreResult<bool> removePack(const QByteArray& packId);

    // Inserts or replaces one sticker (image may be empty: not downloaded yet).
    StoreResult<void> putSticker(const Sticker& sticker);
    // The stickers of a pack, without image bytes (hasImage tells whether they are here).
    StoreResult<std::vector<Sticker>> stickers(const QByteArray& packId);
    // Removes the stickers of the pack whose ids are not in `keep` (a new version dropped
    // them). Returns how many.
    StoreResult<int> keepOnlyStickers(const QByteArray& packId,
                                      const std::vector<std::int64_t>& keep);
    // A pack's version as listed: these stickers and no others. A sticker without image bytes
    // keeps the image here if its emoji is unchanged (not downloaded: fetched when shown).
    StoreResult<void> replaceStickers(const QByteArray& packId, std::vector<Sticker> listed);
    // The sticker was sent now (the picker's recents).
    StoreResult<void> markUsed(const QByteArray& packId, std::int64_t stickerId, std::int64_t at);
    // The most recently sent stickers of installed, shown packs, newest first.
    StoreResult<std::vector<Sticker>> recent(int limit);
    // One sticker with its image bytes.
    StoreResult<std::optional<Sticker>> sticker(const QByteArray& packId, std::int64_t stickerId);

private:
    StoreResult<void> updatePack(std::string_view sql, std::int64_t value,
                                 const QByteArray& packId);
    Database& db_;
};

}  // namespace tandem::storage
