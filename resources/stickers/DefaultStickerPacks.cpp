#include "resources/stickers/DefaultStickerPacks.h"

#include <sodium.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

// Outside any namespace, as Q_INIT_RESOURCE requires.
static void initDefaultStickerResources() {
    Q_INIT_RESOURCE(tandem_default_stickers);
}

namespace tandem::stickers {
namespace {

Q_LOGGING_CATEGORY(lcStickers, "tandem.stickers")

const QString kRoot = QStringLiteral(":/tandem/stickers");

QByteArray blake2b256(const QByteArray& input) {
    // Idempotent and thread-safe; picks the fastest BLAKE2b for this CPU.
    if (sodium_init() < 0) {
        qFatal("libsodium could not be initialised");
    }
    QByteArray out(crypto_generichash_BYTES, '\0');
    crypto_generichash(reinterpret_cast<unsigned char*>(out.data()),
                       static_cast<std::size_t>(out.size()),
                       reinterpret_cast<const unsigned char*>(input.constData()),
                       static_cast<unsigned long long>(input.size()), nullptr, 0);
    return out;
}

QStringList packNames() {
    initDefaultStickerResources();
    return QDir(kRoot).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
}

QByteArray readResource(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    return file.readAll();
}

// The resources are compiled from the build's own render, so a pack that does not read is a
// broken build: it is logged and left out rather than shown half.
bool readPack(const QString& name, DefaultPack& pack, bool withStickers) {
    const QString dir = kRoot + QLatin1Char('/') + name;
    const QJsonObject manifest =
        QJsonDocument::fromJson(readResource(dir + QStringLiteral("/pack.json"))).object();
    pack.name = manifest.value(QStringLiteral("name")).toString();
    if (pack.name != name) {
        qCWarning(lcStickers) << "default sticker pack" << name << "has no readable pack.json";
        return false;
    }
    pack.title = manifest.value(QStringLiteral("title")).toString();
    pack.author = manifest.value(QStringLiteral("author")).toString();
    pack.version = manifest.value(QStringLiteral("version")).toInt(1);
    pack.coverId = static_cast<std::uint32_t>(manifest.value(QStringLiteral("cover")).toInt(0));
    pack.packId = defaultPackId(name);
    pack.packKey = defaultPackKey(name);
    const QJsonArray stickers = manifest.value(QStringLiteral("stickers")).toArray();
    if (!withStickers) {
        return !stickers.isEmpty();
    }
    for (qsizetype i = 0; i < stickers.size(); ++i) {
        const QJsonObject entry = stickers.at(i).toObject();
        DefaultSticker sticker;
        sticker.id = static_cast<std::uint32_t>(i);
        sticker.emoji = entry.value(QStringLiteral("emoji")).toString();
        sticker.animated = entry.value(QStringLiteral("animated")).toBool();
        sticker.webp = readResource(dir + QStringLiteral("/%1.webp").arg(i));
        if (sticker.webp.isEmpty()) {
            qCWarning(lcStickers) << "default sticker pack" << name << "is missing sticker" << i;
            return false;
        }
        pack.stickers.push_back(std::move(sticker));
    }
    return !pack.stickers.empty();
}

std::vector<DefaultPack> readPacks(bool withStickers) {
    std::vector<DefaultPack> packs;
    for (const QString& name : packNames()) {
        DefaultPack pack;
        if (readPack(name, pack, withStickers)) {
            packs.push_back(std::move(pack));
        }
    }
    return packs;
}

}  // namespace

QByteArray defaultPackId(const QString& name) {
    return blake2b256(QByteArrayLiteral("tandem default sticker pack:") + name.toUtf8()).left(16);
}

QByteArray defaultPackKey(const QString& name) {
    return blake2b256(QByteArrayLiteral("tandem default sticker pack key:") + name.toUtf8());
}

std::vector<DefaultPack> defaultStickerPacks() {
    return readPacks(true);
}

std::vector<DefaultPack> defaultStickerPackManifests() {
    return readPacks(false);
}

std::optional<DefaultPack> defaultStickerPack(const QString& name) {
    if (!packNames().contains(name)) {
        return std::nullopt;
    }
    DefaultPack pack;
    if (!readPack(name, pack, true)) {
        return std::nullopt;
    }
    return pack;
}

bool isDefaultStickerPack(const QByteArray& packId) {
    static const QList<QByteArray> ids = [] {
        QList<QByteArray> out;
        for (const QString& name : packNames()) {
            out.append(defaultPackId(name));
        }
        return out;
    }();
    return packId.size() == 16 && ids.contains(packId);
}

}  // namespace tandem::stickers
