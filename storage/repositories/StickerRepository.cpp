#include "storage/repositories/StickerRepository.h"

#include "storage/Limits.h"
#include "storage/repositories/RepositoryUtil.h"

namespace tandem::storage {

using namespace detail;

namespace {

#define PACK_COLUMNS                                                                        \
    "pack_id, pack_key, title, author, cover_sticker_id, origin, installed, published_at, " \
    "created_at"

StickerPack readPack(const Statement& stmt) {
    StickerPack p;
    p.packId = stmt.blob(0);
    p.packKey = secretColumn(stmt, 1);
    p.title = stmt.text(2);
    p.author = stmt.text(3);
    p.coverStickerId = stmt.optInt64(4);
    p.origin = toEnum<StickerOrigin>(stmt.int64(5));
    p.installed = stmt.int64(6) != 0;
    p.publishedAt = stmt.optInt64(7);
    p.createdAt = stmt.int64(8);
    return p;
}

// For "SELECT pack_id, sticker_id, emoji, content_type, …".
Sticker readStickerMetadata(const Statement& stmt) {
    Sticker s;
    s.packId = stmt.blob(0);
    s.stickerId = stmt.int64(1);
    s.emoji = stmt.text(2);
    s.contentType = stmt.text(3);
    return s;
}

StoreResult<void> checkPackId(const QByteArray& packId) {
    if (packId.size() < 16 || packId.size() > 32) {
        return storeError(StoreErrorCode::InvalidArgument,
                          QStringLiteral("A sticker pack id has 16 to 32 bytes."));
    }
    return {};
}

}  // namespace

StoreResult<void> StickerRepository::putPack(const StickerPack& p) {
    TANDEM_TRY(checkPackId(p.packId));
    if (!p.packKey || p.packKey->size() != 32) {
        return storeError(StoreErrorCode::InvalidArgument,
                          QStringLiteral("A sticker pack key has 32 bytes."));
    }
    TANDEM_TRY(checkLimit(p.title.size() <= limits::kMaxStickerPackTitleChars &&
                              p.author.size() <= limits::kMaxStickerPackTitleChars,
                          "sticker pack title or author", limits::kMaxStickerPackTitleChars));
    // No UPSERT in SQLite 3.15, and REPLACE would cascade-delete the stickers: insert if
    // new, then update.
    TANDEM_TRY_ASSIGN(Statement * insert,
                      db_.prepare("INSERT OR IGNORE INTO sticker_packs (pack_id, pack_key, "
                                  "origin, created_at) VALUES (?, ?, ?, ?)"));
    insert->bindAll(p.packId, bytes(p.packKey), fromEnum(p.origin), p.createdAt);
    TANDEM_TRY(insert->run());
    TANDEM_TRY_ASSIGN(Statement * update,
                      db_.prepare("UPDATE sticker_packs SET pack_key = ?, title = ?, author = ?, "
                                  "cover_sticker_id = ?, installed = ?, published_at = ? "
                                  "WHERE pack_id = ?"));
    update->bindAll(bytes(p.packKey), p.title, p.author);
    update->bind(4, p.coverStickerId);
    update->bind(5, std::int64_t{p.installed ? 1 : 0});
    update->bind(6, p.publishedAt);
    update->bind(7, p.packId);
    return update->run();
}

StoreResult<std::optional<StickerPack>> StickerRepository::pack(const QByteArray& packId) {
    TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare("SELECT " PACK_COLUMNS " FROM sticker_packs "
                                                    "WHERE pack_id = ?"));
    stmt->bind(1, packId);
    return optionalRow(*stmt, readPack);
}

StoreResult<std::vector<StickerPack>> StickerRepository::packs(bool installedOnly) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT " PACK_COLUMNS " FROM sticker_packs "
                                  "WHERE ? = 0 OR installed = 1 ORDER BY created_at, pack_id"));
    stmt->bind(1, std::int64_t{installedOnly ? 1 : 0});
    return collectRows(*stmt, readPack);
}

StoreResult<void> StickerRepository::updatePack(std::string_view sql, std::int64_t value,
                                                const QByteArray& packId) {
    TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare(sql));
    stmt->bind(1, value);
    stmt->bind(2, packId);
    TANDEM_TRY(stmt->run());
    if (db_.changes() == 0) {
        return storeError(StoreErrorCode::NotFound, QStringLiteral("No such sticker pack."));
    }
    return {};
}

StoreResult<void> StickerRepository::setInstalled(const QByteArray& packId, bool installed) {
    return updatePack("UPDATE sticker_packs SET installed = ? WHERE pack_id = ?", installed ? 1 : 0,
                      packId);
}

StoreResult<void> StickerRepository::setPublished(const QByteArray& packId, std::int64_t at) {
    return updatePack("UPDATE sticker_packs SET published_at = ? WHERE pack_id = ?", at, packId);
}

StoreResult<bool> StickerRepository::removePack(const QByteArray& packId) {
    TANDEM_TRY_ASSIGN(Statement * stmt, db_.prepare("DELETE FROM sticker_packs WHERE pack_id = ?"));
    stmt->bind(1, packId);
    return runDelete(db_, *stmt);
}

StoreResult<void> StickerRepository::putSticker(const Sticker& s) {
    TANDEM_TRY(checkPackId(s.packId));
    TANDEM_TRY(checkLimit(s.image.size() <= limits::kMaxStickerImageBytes, "sticker image",
                          limits::kMaxStickerImageBytes));
    TANDEM_TRY(checkLimit(s.emoji.size() <= 32 && s.contentType.size() <= 64,
                          "sticker emoji or content type", 64));
    if (s.stickerId < 0) {
        return storeError(StoreErrorCode::InvalidArgument,
                          QStringLiteral("A sticker id is not negative."));
    }
    // The row has no dependants, so REPLACE is safe here.
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("INSERT OR REPLACE INTO stickers (pack_id, sticker_id, emoji, "
                                  "content_type, image) VALUES (?, ?, ?, ?, ?)"));
    stmt->bindAll(s.packId, s.stickerId, s.emoji, s.contentType);
    s.image.isEmpty() ? stmt->bindNull(5) : stmt->bind(5, s.image);
    return stmt->run();
}

StoreResult<std::vector<Sticker>> StickerRepository::stickers(const QByteArray& packId) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT pack_id, sticker_id, emoji, content_type, "
                                  "image IS NOT NULL FROM stickers WHERE pack_id = ? "
                                  "ORDER BY sticker_id"));
    stmt->bind(1, packId);
    return collectRows(*stmt, [](const Statement& row) {
        Sticker s = readStickerMetadata(row);
        s.hasImage = row.int64(4) != 0;
        return s;
    });
}

StoreResult<std::optional<Sticker>> StickerRepository::sticker(const QByteArray& packId,
                                                               std::int64_t stickerId) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT pack_id, sticker_id, emoji, content_type, image "
                                  "FROM stickers WHERE pack_id = ? AND sticker_id = ?"));
    stmt->bindAll(packId, stickerId);
    return optionalRow(*stmt, [](const Statement& row) {
        Sticker s = readStickerMetadata(row);
        s.hasImage = !row.isNull(4);
        s.image = row.blob(4);
        return s;
    });
}

}  // namespace tandem::storage
