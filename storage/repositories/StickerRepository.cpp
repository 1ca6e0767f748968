#include "storage/repositories/StickerRepository.h"

#include <algorithm>

#include "storage/Limits.h"
#include "storage/repositories/RepositoryUtil.h"

namespace tandem::storage {

using namespace detail;

namespace {

#define PACK_COLUMNS                                                                        \
    "pack_id, pack_key, title, author, cover_sticker_id, origin, installed, published_at, " \
    "created_at, builtin, hidden, version, owner_secret, checked_at"

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
    p.builtin = stmt.int64(9) != 0;
    p.hidden = stmt.int64(10) != 0;
    p.version = stmt.int64(11);
    if (!stmt.isNull(12)) {
        p.ownerSecret = secretColumn(stmt, 12);
    }
    p.checkedAt = stmt.optInt64(13);
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
    if (p.ownerSecret && p.ownerSecret->size() != 64) {
        return storeError(StoreErrorCode::InvalidArgument,
                          QStringLiteral("A sticker pack owner's key has 64 bytes."));
    }
    if (p.version < 0) {
        return storeError(StoreErrorCode::InvalidArgument,
                          QStringLiteral("A sticker pack version is not negative."));
    }
    TANDEM_TRY_ASSIGN(Statement * update,
                      db_.prepare("UPDATE sticker_packs SET pack_key = ?, title = ?, author = ?, "
                                  "cover_sticker_id = ?, installed = ?, published_at = ?, "
                                  "builtin = ?, hidden = ?, version = ?, owner_secret = ?, "
                                  "checked_at = ?, origin = ? WHERE pack_id = ?"));
    update->bindAll(bytes(p.packKey), p.title, p.author);
    update->bind(4, p.coverStickerId);
    update->bind(5, std::int64_t{p.installed ? 1 : 0});
    update->bind(6, p.publishedAt);
    update->bind(7, std::int64_t{p.builtin ? 1 : 0});
    update->bind(8, std::int64_t{p.hidden ? 1 : 0});
    update->bind(9, p.version);
    p.ownerSecret ? update->bind(10, bytes(p.ownerSecret)) : update->bindNull(10);
    update->bind(11, p.checkedAt);
    update->bind(12, fromEnum(p.origin));
    update->bind(13, p.packId);
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

StoreResult<void> StickerRepository::setHidden(const QByteArray& packId, bool hidden) {
    return updatePack("UPDATE sticker_packs SET hidden = ? WHERE pack_id = ?", hidden ? 1 : 0,
                      packId);
}

StoreResult<void> StickerRepository::setChecked(const QByteArray& packId, std::int64_t at) {
    return updatePack("UPDATE sticker_packs SET checked_at = ? WHERE pack_id = ?", at, packId);
}

StoreResult<int> StickerRepository::removeUnreferenced() {
    // Built-in packs stay (hidden at most); created and installed ones stay while installed;
    // a pack known only from a received sticker goes with the last message showing it.
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("DELETE FROM sticker_packs WHERE builtin = 0 AND installed = 0 "
                                  "AND NOT EXISTS (SELECT 1 FROM messages "
                                  "WHERE messages.sticker_pack_id = sticker_packs.pack_id)"));
    TANDEM_TRY(stmt->run());
    return static_cast<int>(db_.changes());
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
    // The row has no dependants, so REPLACE is safe here; when it was used, it stays in the
    // recents.
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("INSERT OR REPLACE INTO stickers (pack_id, sticker_id, emoji, "
                                  "content_type, image, used_at) VALUES (?, ?, ?, ?, ?, "
                                  "(SELECT used_at FROM stickers WHERE pack_id = ? AND "
                                  "sticker_id = ?))"));
    stmt->bindAll(s.packId, s.stickerId, s.emoji, s.contentType);
    s.image.isEmpty() ? stmt->bindNull(5) : stmt->bind(5, s.image);
    stmt->bind(6, s.packId);
    stmt->bind(7, s.stickerId);
    return stmt->run();
}

StoreResult<int> StickerRepository::keepOnlyStickers(const QByteArray& packId,
                                                     const std::vector<std::int64_t>& keep) {
    // A new version of a pack dropped some stickers: the rest of the pack goes.
    TANDEM_TRY_ASSIGN(Statement * all,
                      db_.prepare("SELECT sticker_id FROM stickers WHERE pack_id = ?"));
    all->bind(1, packId);
    TANDEM_TRY_ASSIGN(const auto ids,
                      collectRows(*all, [](const Statement& row) { return row.int64(0); }));
    TANDEM_TRY_ASSIGN(Statement * remove,
                      db_.prepare("DELETE FROM stickers WHERE pack_id = ? AND sticker_id = ?"));
    int removed = 0;
    for (const std::int64_t id : ids) {
        if (std::find(keep.begin(), keep.end(), id) == keep.end()) {
            remove->bindAll(packId, id);
            TANDEM_TRY(remove->run());
            removed += static_cast<int>(db_.changes());
        }
    }
    return removed;
}

StoreResult<void> StickerRepository::replaceStickers(const QByteArray& packId,
                                                     std::vector<Sticker> listed) {
    std::vector<std::int64_t> keep;
    keep.reserve(listed.size());
    for (Sticker& s : listed) {
        s.packId = packId;
        keep.push_back(s.stickerId);
        if (s.image.isEmpty()) {
            TANDEM_TRY_ASSIGN(const auto old, sticker(packId, s.stickerId));
            if (old && old->emoji == s.emoji) {
                s.image = old->image;
            }
        }
        TANDEM_TRY(putSticker(s));
    }
    TANDEM_TRY(keepOnlyStickers(packId, keep));
    return {};
}

StoreResult<std::vector<Sticker>> StickerRepository::stickers(const QByteArray& packId) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT pack_id, sticker_id, emoji, content_type, "
                                  "image IS NOT NULL, used_at FROM stickers WHERE pack_id = ? "
                                  "ORDER BY sticker_id"));
    stmt->bind(1, packId);
    return collectRows(*stmt, [](const Statement& row) {
        Sticker s = readStickerMetadata(row);
        s.hasImage = row.int64(4) != 0;
        s.usedAt = row.optInt64(5);
        return s;
    });
}

StoreResult<void> StickerRepository::markUsed(const QByteArray& packId, std::int64_t stickerId,
                                              std::int64_t at) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("UPDATE stickers SET used_at = ? WHERE pack_id = ? AND "
                                  "sticker_id = ?"));
    stmt->bindAll(at, packId, stickerId);
    return stmt->run();
}

StoreResult<std::vector<Sticker>> StickerRepository::recent(int limit) {
    TANDEM_TRY_ASSIGN(Statement * stmt,
                      db_.prepare("SELECT s.pack_id, s.sticker_id, s.emoji, s.content_type, "
                                  "s.image IS NOT NULL, s.used_at FROM stickers s "
                                  "JOIN sticker_packs p ON p.pack_id = s.pack_id "
                                  "WHERE s.used_at IS NOT NULL AND p.installed = 1 AND "
                                  "p.hidden = 0 ORDER BY s.used_at DESC LIMIT ?"));
    stmt->bind(1, std::int64_t{std::max(0, limit)});
    return collectRows(*stmt, [](const Statement& row) {
        Sticker s = readStickerMetadata(row);
        s.hasImage = row.int64(4) != 0;
        s.usedAt = row.optInt64(5);
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
