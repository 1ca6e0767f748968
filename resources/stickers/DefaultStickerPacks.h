// The sticker packs compiled into the app (resources/stickers/README.md): their WebP stickers
// are rendered from SVG at build time and read from Qt resources here.
//
// Contract:
// - defaultStickerPacks() returns every pack, ordered by name, with stickers in pack.json's
//   order; a sticker's id is its index. The result is the same on every call and every build
//   of the same sources. It registers the resources itself, so a static link needs nothing.
// - packId and packKey come from the pack's name alone (BLAKE2b-256, libsodium's
//   crypto_generichash): packId = the first 16 bytes of H("tandem default sticker pack:" +
//   name), packKey = H("tandem default sticker pack key:" + name). The art is public, so the
//   key is no secret; it lets a default pack travel like any other pack.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <QByteArray>
#include <QString>

namespace tandem::stickers {

struct DefaultSticker {
    std::uint32_t id = 0;
    QString emoji;
    QByteArray webp;  // 512x512, under 300 KiB; animated WebP when animated
    bool animated = false;
};

struct DefaultPack {
    QString name;  // e.g. "tandem-friends"
    QString title;
    QString author;
    int version = 1;
    std::uint32_t coverId = 0;
    QByteArray packId;   // 16 bytes
    QByteArray packKey;  // 32 bytes
    std::vector<DefaultSticker> stickers;
};

std::vector<DefaultPack> defaultStickerPacks();

// Every pack's manifest (name, title, author, version, cover, ids) in the same order, with no
// stickers read: what a start needs to tell whether the stored copies are current, without
// copying the packs' images (2.6 MB) out of the resources each time.
std::vector<DefaultPack> defaultStickerPackManifests();

// One pack, by name, with its stickers; nullopt when there is none of that name (or it does not
// read, which is logged).
std::optional<DefaultPack> defaultStickerPack(const QString& name);

// Whether packId is the id of one of defaultStickerPacks() (without reading their stickers).
bool isDefaultStickerPack(const QByteArray& packId);

// The ids defaultStickerPacks() gives a pack of this name.
QByteArray defaultPackId(const QString& name);
QByteArray defaultPackKey(const QString& name);

}  // namespace tandem::stickers
