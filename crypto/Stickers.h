// Encrypted sticker packs. A pack has a random 16-byte id and a random 32-byte pack key;
//   AEAD key = HKDF-SHA256(pack key, info "Sticker Pack")
// encrypts the manifest and every image (XChaCha20-Poly1305, random nonce, the pack id and
// the item's name as associated data, so no item can be swapped for another). Storage
// servers only ever hold ciphertext. A pack is shared as
//   tandem://stickers/#pack_id=<32 hex>&pack_key=<64 hex>
// (the id and key in the fragment, which no server is ever sent), and parseStickerLink()
// accepts exactly that form (also without the "/", as the first links were) and nothing else.
// The manifest names, for each sticker, the blob that holds its encrypted image on the
// network the manifest was published to (a relay's blob id or an onion blob's hash).
#pragma once

#include <cstdint>
#include <vector>

#include <QString>

#include "crypto/Primitives.h"

namespace tandem::crypto {

inline constexpr std::size_t kStickerPackIdBytes = 16;
inline constexpr std::size_t kMaxStickersPerPack = 200;
inline constexpr std::size_t kMaxStickerImageBytes = 1024 * 1024;
inline constexpr std::size_t kMaxManifestBytes = 64 * 1024;
inline constexpr int kMaxStickerTitleChars = 128;
inline constexpr std::size_t kMaxStickerBlobIdBytes = 64;

struct StickerPackSecret {
    Bytes packId;         // 16
    SecretBytes packKey;  // 32
    static StickerPackSecret generate();
};

struct StickerInfo {
    std::uint32_t id = 0;
    QString emoji;
    QString contentType;
    QByteArray blobId;           // where its encrypted image is, on the manifest's network
    std::uint64_t blobSize = 0;  // the encrypted image's bytes
};

struct StickerManifest {
    QString title;
    QString author;
    std::uint32_t coverId = 0;
    std::vector<StickerInfo> stickers;
};

SecretBytes stickerPackAeadKey(ByteView packKey);

Bytes encryptStickerManifest(const StickerPackSecret& pack, const StickerManifest& manifest);
CryptoResult<StickerManifest> decryptStickerManifest(const StickerPackSecret& pack,
                                                     ByteView ciphertext);
// Decodes a manifest's plaintext (bounded; every field checked).
CryptoResult<StickerManifest> decodeStickerManifest(ByteView plaintext);

Bytes encryptStickerImage(const StickerPackSecret& pack, std::uint32_t stickerId, ByteView image);
CryptoResult<SecretBytes> decryptStickerImage(const StickerPackSecret& pack,
                                              std::uint32_t stickerId, ByteView ciphertext);

QString stickerLink(const StickerPackSecret& pack);
CryptoResult<StickerPackSecret> parseStickerLink(const QString& link);

}  // namespace tandem::crypto
