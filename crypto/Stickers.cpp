#include "crypto/Stickers.h"

#include <sodium.h>

#include <QStringList>

#include <tandem/common/Ascii.h>

#include "tandem/sticker.pb.h"

namespace tandem::crypto {

namespace {

constexpr std::string_view kInfo = "Sticker Pack";
constexpr std::string_view kStickerAd = "tandem sticker v1";
constexpr std::string_view kLinkPrefix = "tandem://stickers/#";
// Links made before the path was added; still accepted.
constexpr std::string_view kOldLinkPrefix = "tandem://stickers#";
constexpr qsizetype kMaxLinkChars = 256;

Bytes itemAd(const Bytes& packId, std::string_view item, std::uint32_t id) {
    Bytes ad = concat({view(kStickerAd), packId, view(item)});
    for (int shift = 24; shift >= 0; shift -= 8) {
        ad.push_back(static_cast<std::uint8_t>(id >> shift));
    }
    return ad;
}

Bytes seal(const StickerPackSecret& pack, std::string_view item, std::uint32_t id, ByteView plain) {
    const SecretBytes key = stickerPackAeadKey(pack.packKey.span());
    return aeadSealWithNonce(key.span(), itemAd(pack.packId, item, id), plain);
}

CryptoResult<SecretBytes> open(const StickerPackSecret& pack, std::string_view item,
                               std::uint32_t id, ByteView sealed) {
    if (sealed.size() < 24 + kAeadTagSize) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("the sticker data is truncated"));
    }
    const SecretBytes key = stickerPackAeadKey(pack.packKey.span());
    return aeadOpen(key.span(), sealed.first(24), itemAd(pack.packId, item, id),
                    sealed.subspan(24));
}

CryptoResult<Bytes> fromHex(const QString& hex, std::size_t bytes, const char* what) {
    const auto raw = parseLowerHex(hex, static_cast<qsizetype>(bytes));
    if (!raw) {
        return cryptoError(CryptoErrorCode::InvalidLink,
                           QStringLiteral("%1 must be %2 lowercase hexadecimal digits")
                               .arg(QLatin1String(what))
                               .arg(bytes * 2));
    }
    return Bytes(raw->begin(), raw->end());
}

}  // namespace

StickerPackSecret StickerPackSecret::generate() {
    StickerPackSecret pack;
    pack.packId.resize(kStickerPackIdBytes);
    randombytes_buf(pack.packId.data(), pack.packId.size());
    pack.packKey = SecretBytes(kKeySize);
    randombytes_buf(pack.packKey.data(), pack.packKey.size());
    return pack;
}

SecretBytes stickerPackAeadKey(ByteView packKey) {
    return hkdfSha256(packKey, {}, view(kInfo), kKeySize);
}

Bytes encryptStickerManifest(const StickerPackSecret& pack, const StickerManifest& manifest) {
    proto::StickerManifest p;
    p.set_title(manifest.title.toStdString());
    p.set_author(manifest.author.toStdString());
    p.set_cover_id(manifest.coverId);
    for (const StickerInfo& s : manifest.stickers) {
        auto* sticker = p.add_stickers();
        sticker->set_id(s.id);
        sticker->set_emoji(s.emoji.toStdString());
        sticker->set_content_type(s.contentType.toStdString());
        sticker->set_blob_id(s.blobId.toStdString());
        sticker->set_blob_size(s.blobSize);
    }
    return seal(pack, "manifest", 0, view(p.SerializeAsString()));
}

CryptoResult<StickerManifest> decodeStickerManifest(ByteView plaintext) {
    proto::StickerManifest p;
    if (plaintext.size() > kMaxManifestBytes ||
        !p.ParseFromArray(plaintext.data(), static_cast<int>(plaintext.size()))) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("the sticker manifest is malformed"));
    }
    if (p.stickers_size() == 0 ||
        static_cast<std::size_t>(p.stickers_size()) > kMaxStickersPerPack) {
        return cryptoError(
            CryptoErrorCode::Malformed,
            QStringLiteral("a sticker pack holds 1 to %1 stickers").arg(kMaxStickersPerPack));
    }
    StickerManifest m;
    m.title = QString::fromStdString(p.title());
    m.author = QString::fromStdString(p.author());
    if (m.title.size() > kMaxStickerTitleChars || m.author.size() > kMaxStickerTitleChars) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("the pack's title or author is too long"));
    }
    m.coverId = p.cover_id();
    bool coverFound = false;
    for (const auto& s : p.stickers()) {
        for (const StickerInfo& seen : m.stickers) {
            if (seen.id == s.id()) {
                return cryptoError(CryptoErrorCode::Malformed,
                                   QStringLiteral("sticker %1 appears twice").arg(s.id()));
            }
        }
        if (s.emoji().size() > 32 || s.content_type().size() > 64 ||
            s.blob_id().size() > kMaxStickerBlobIdBytes) {
            return cryptoError(CryptoErrorCode::Malformed,
                               QStringLiteral("sticker %1 has an oversize field").arg(s.id()));
        }
        if (s.blob_size() > kMaxStickerImageBytes + 64) {
            return cryptoError(CryptoErrorCode::Malformed,
                               QStringLiteral("sticker %1 claims %2 bytes, more than a sticker "
                                              "may have")
                                   .arg(s.id())
                                   .arg(s.blob_size()));
        }
        m.stickers.push_back({s.id(), QString::fromStdString(s.emoji()),
                              QString::fromStdString(s.content_type()),
                              QByteArray::fromStdString(s.blob_id()), s.blob_size()});
        coverFound = coverFound || s.id() == m.coverId;
    }
    if (!coverFound) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("the cover is not one of the pack's stickers"));
    }
    return m;
}

CryptoResult<StickerManifest> decryptStickerManifest(const StickerPackSecret& pack,
                                                     ByteView ciphertext) {
    if (ciphertext.size() > kMaxManifestBytes + 64) {
        return cryptoError(CryptoErrorCode::TooLarge,
                           QStringLiteral("the sticker manifest is too large"));
    }
    TANDEM_TRY_ASSIGN(const SecretBytes plain, open(pack, "manifest", 0, ciphertext));
    return decodeStickerManifest(plain.span());
}

Bytes encryptStickerImage(const StickerPackSecret& pack, std::uint32_t stickerId, ByteView image) {
    return seal(pack, "sticker", stickerId, image);
}

CryptoResult<SecretBytes> decryptStickerImage(const StickerPackSecret& pack,
                                              std::uint32_t stickerId, ByteView ciphertext) {
    if (ciphertext.size() > kMaxStickerImageBytes + 64) {
        return cryptoError(CryptoErrorCode::TooLarge,
                           QStringLiteral("the sticker image is too large"));
    }
    return open(pack, "sticker", stickerId, ciphertext);
}

QString stickerLink(const StickerPackSecret& pack) {
    const QByteArray id(reinterpret_cast<const char*>(pack.packId.data()),  // NOLINT
                        static_cast<qsizetype>(pack.packId.size()));
    const QByteArray key(reinterpret_cast<const char*>(pack.packKey.data()),  // NOLINT
                         static_cast<qsizetype>(pack.packKey.size()));
    return QString::fromLatin1(kLinkPrefix.data(), static_cast<qsizetype>(kLinkPrefix.size())) +
           QStringLiteral("pack_id=") + QString::fromLatin1(id.toHex()) +
           QStringLiteral("&pack_key=") + QString::fromLatin1(key.toHex());
}

CryptoResult<StickerPackSecret> parseStickerLink(const QString& link) {
    const auto invalid = [](const QString& why) {
        return cryptoError(CryptoErrorCode::InvalidLink,
                           QStringLiteral("not a sticker pack link: %1").arg(why));
    };
    if (link.size() > kMaxLinkChars) {
        return invalid(QStringLiteral("it is too long"));
    }
    QString prefix =
        QString::fromLatin1(kLinkPrefix.data(), static_cast<qsizetype>(kLinkPrefix.size()));
    if (!link.startsWith(prefix)) {
        const QString old = QString::fromLatin1(kOldLinkPrefix.data(),
                                                static_cast<qsizetype>(kOldLinkPrefix.size()));
        if (!link.startsWith(old)) {
            return invalid(QStringLiteral("it must start with %1").arg(prefix));
        }
        prefix = old;
    }
    const QStringList params = link.mid(prefix.size()).split(u'&');
    if (params.size() != 2) {
        return invalid(QStringLiteral("it must carry exactly pack_id and pack_key"));
    }
    QString id;
    QString key;
    for (const QString& param : params) {
        const qsizetype eq = param.indexOf(u'=');
        const QString name = param.left(eq);
        const QString value = eq >= 0 ? param.mid(eq + 1) : QString();
        if (eq < 0 || (name != QLatin1String("pack_id") && name != QLatin1String("pack_key"))) {
            return invalid(QStringLiteral("unexpected parameter \"%1\"").arg(name.left(32)));
        }
        QString& slot = name == QLatin1String("pack_id") ? id : key;
        if (!slot.isNull()) {
            return invalid(QStringLiteral("%1 appears twice").arg(name));
        }
        slot = value.isNull() ? QStringLiteral("") : value;
    }
    StickerPackSecret pack;
    auto packId = fromHex(id, kStickerPackIdBytes, "pack_id");
    if (!packId) {
        return invalid(packId.error().message);
    }
    auto packKey = fromHex(key, kKeySize, "pack_key");
    if (!packKey) {
        return invalid(packKey.error().message);
    }
    pack.packId = std::move(packId).value();
    Bytes keyBytes = std::move(packKey).value();
    pack.packKey = SecretBytes(keyBytes);
    sodium_memzero(keyBytes.data(), keyBytes.size());
    return pack;
}

}  // namespace tandem::crypto
