// The default sticker packs as the app sees them: two packs of at least 12 stickers, every
// sticker a 512x512 WebP under 300 KiB that Qt's image plugin decodes and tandem::media
// accepts as a received sticker, every Tandem Motion sticker animated, no two images alike,
// one emoji each, and ids that depend only on the pack's name. A start reads the manifests
// alone and one pack by name: both say what the whole read says.
#include <QBuffer>
#include <QCryptographicHash>
#include <QGuiApplication>
#include <QImageReader>
#include <QMovie>
#include <QSet>
#include <QTest>

#include "media/StickerEncoder.h"
#include "resources/stickers/DefaultStickerPacks.h"

using tandem::stickers::DefaultPack;
using tandem::stickers::defaultStickerPacks;

class TestDefaultPacks : public QObject {
    Q_OBJECT

private slots:
    void twoPacksOfTwelve();
    void everyStickerIsAValidWebp();
    void motionStickersAreAnimated();
    void imagesAreDistinct();
    void idsAreDeterministicAndDistinct();
    void manifestsAndOnePackReadAsTheWhole();
};

namespace {

const DefaultPack* findPack(const std::vector<DefaultPack>& packs, const QString& name) {
    for (const DefaultPack& pack : packs) {
        if (pack.name == name) {
            return &pack;
        }
    }
    return nullptr;
}

}  // namespace

void TestDefaultPacks::twoPacksOfTwelve() {
    const auto packs = defaultStickerPacks();
    QCOMPARE(packs.size(), std::size_t{2});
    const DefaultPack* friends = findPack(packs, QStringLiteral("tandem-friends"));
    const DefaultPack* motion = findPack(packs, QStringLiteral("tandem-motion"));
    QVERIFY(friends && motion);
    QCOMPARE(friends->title, QStringLiteral("Tandem Friends"));
    QCOMPARE(motion->title, QStringLiteral("Tandem Motion"));
    for (const DefaultPack& pack : packs) {
        QVERIFY2(pack.stickers.size() >= 12, qPrintable(pack.name));
        QCOMPARE(pack.author, QStringLiteral("Tandem"));
        QVERIFY(pack.version >= 1);
        QVERIFY(pack.coverId < pack.stickers.size());
        for (std::size_t i = 0; i < pack.stickers.size(); ++i) {
            const auto& sticker = pack.stickers[i];
            QCOMPARE(sticker.id, static_cast<std::uint32_t>(i));
            // One emoji: a single grapheme (an emoji with its variation selector counts once).
            QVERIFY2(!sticker.emoji.isEmpty() && sticker.emoji.size() <= 4,
                     qPrintable(QStringLiteral("%1/%2").arg(pack.name).arg(i)));
            QVERIFY(sticker.emoji.at(0).unicode() > 0x7f);
        }
    }
    // The static pack is static.
    for (const auto& sticker : friends->stickers) {
        QVERIFY(!sticker.animated);
    }
}

void TestDefaultPacks::everyStickerIsAValidWebp() {
    for (const DefaultPack& pack : defaultStickerPacks()) {
        for (const auto& sticker : pack.stickers) {
            const QString where = QStringLiteral("%1/%2").arg(pack.name).arg(sticker.id);
            QVERIFY2(sticker.webp.size() < tandem::media::kMaxStickerBytes, qPrintable(where));
            QBuffer buffer;
            buffer.setData(sticker.webp);
            QImageReader reader(&buffer);
            QCOMPARE(reader.format(), QByteArray("webp"));
            QCOMPARE(reader.size(), QSize(512, 512));
            const QImage first = reader.read();
            QVERIFY2(!first.isNull(),
                     qPrintable(where + QLatin1String(": ") + reader.errorString()));
            QCOMPARE(first.size(), QSize(512, 512));
            QVERIFY(first.hasAlphaChannel());
            // The corner is transparent: the art keeps its margin.
            QCOMPARE(first.pixelColor(0, 0).alpha(), 0);
            const auto accepted = tandem::media::validateStickerWebp(sticker.webp);
            // (QVERIFY2 evaluates its message even when the check passes.)
            const QString why = accepted ? QString() : accepted.error().message;
            QVERIFY2(accepted.has_value(), qPrintable(where + QLatin1String(": ") + why));
        }
    }
}

void TestDefaultPacks::motionStickersAreAnimated() {
    const auto packs = defaultStickerPacks();
    const DefaultPack* motion = findPack(packs, QStringLiteral("tandem-motion"));
    QVERIFY(motion);
    for (const auto& sticker : motion->stickers) {
        const QString where = QStringLiteral("tandem-motion/%1").arg(sticker.id);
        QVERIFY2(sticker.animated, qPrintable(where));
        QBuffer readerBuffer;
        readerBuffer.setData(sticker.webp);
        QImageReader reader(&readerBuffer);
        QVERIFY2(reader.supportsAnimation(), qPrintable(where));
        QVERIFY2(reader.imageCount() > 1, qPrintable(where));
        QBuffer movieBuffer;
        movieBuffer.setData(sticker.webp);
        QMovie movie(&movieBuffer);
        QVERIFY(movie.isValid());
        QVERIFY2(movie.frameCount() > 1, qPrintable(where));
        // The frames differ: it moves. (Qt's WebP plugin reads frames in order; it cannot jump.)
        const QImage first = reader.read();
        QVERIFY(!first.isNull());
        bool moves = false;
        for (int i = 1; i < reader.imageCount() && !moves; ++i) {
            const QImage next = reader.read();
            QVERIFY(!next.isNull());
            moves = next != first;
        }
        QVERIFY2(moves, qPrintable(where));
    }
}

void TestDefaultPacks::imagesAreDistinct() {
    QSet<QByteArray> hashes;
    int count = 0;
    for (const DefaultPack& pack : defaultStickerPacks()) {
        for (const auto& sticker : pack.stickers) {
            QBuffer buffer;
            buffer.setData(sticker.webp);
            QImageReader reader(&buffer);
            const QImage image = reader.read().convertToFormat(QImage::Format_RGBA8888);
            hashes.insert(
                QCryptographicHash::hash(QByteArrayView(image.constBits(), image.sizeInBytes()),
                                         QCryptographicHash::Sha256));
            ++count;
        }
    }
    QCOMPARE(hashes.size(), count);
}

void TestDefaultPacks::idsAreDeterministicAndDistinct() {
    const auto a = defaultStickerPacks();
    const auto b = defaultStickerPacks();
    QCOMPARE(a.size(), b.size());
    QSet<QByteArray> ids;
    QSet<QByteArray> keys;
    for (std::size_t i = 0; i < a.size(); ++i) {
        QCOMPARE(a[i].name, b[i].name);
        QCOMPARE(a[i].packId, b[i].packId);
        QCOMPARE(a[i].packKey, b[i].packKey);
        QCOMPARE(a[i].packId.size(), 16);
        QCOMPARE(a[i].packKey.size(), 32);
        QVERIFY(tandem::stickers::isDefaultStickerPack(a[i].packId));
        for (std::size_t s = 0; s < a[i].stickers.size(); ++s) {
            QCOMPARE(a[i].stickers[s].webp, b[i].stickers[s].webp);
        }
        ids.insert(a[i].packId);
        keys.insert(a[i].packKey);
    }
    QCOMPARE(ids.size(), static_cast<qsizetype>(a.size()));
    QCOMPARE(keys.size(), static_cast<qsizetype>(a.size()));
    QVERIFY(!tandem::stickers::isDefaultStickerPack(QByteArray(16, '\0')));
    QVERIFY(!tandem::stickers::isDefaultStickerPack(a.front().packKey));  // 32 bytes, not an id
    // A known answer, so the derivation cannot change without this test noticing: the first
    // 16 bytes of BLAKE2b-256("tandem default sticker pack:tandem-friends").
    QCOMPARE(tandem::stickers::defaultPackId(QStringLiteral("tandem-friends")).toHex(),
             QByteArray("a3bcffc1127587d495d0195ecb9359e5"));
}

void TestDefaultPacks::manifestsAndOnePackReadAsTheWhole() {
    const auto packs = defaultStickerPacks();
    const auto manifests = tandem::stickers::defaultStickerPackManifests();
    QCOMPARE(manifests.size(), packs.size());
    for (std::size_t i = 0; i < packs.size(); ++i) {
        const DefaultPack& whole = packs[i];
        const DefaultPack& manifest = manifests[i];
        QCOMPARE(manifest.name, whole.name);
        QCOMPARE(manifest.title, whole.title);
        QCOMPARE(manifest.author, whole.author);
        QCOMPARE(manifest.version, whole.version);
        QCOMPARE(manifest.coverId, whole.coverId);
        QCOMPARE(manifest.packId, whole.packId);
        QCOMPARE(manifest.packKey, whole.packKey);
        QVERIFY(manifest.stickers.empty());  // no image read

        const auto one = tandem::stickers::defaultStickerPack(whole.name);
        QVERIFY(one.has_value());
        QCOMPARE(one->packId, whole.packId);
        QCOMPARE(one->version, whole.version);
        QCOMPARE(one->stickers.size(), whole.stickers.size());
        for (std::size_t k = 0; k < whole.stickers.size(); ++k) {
            QCOMPARE(one->stickers[k].id, whole.stickers[k].id);
            QCOMPARE(one->stickers[k].emoji, whole.stickers[k].emoji);
            QCOMPARE(one->stickers[k].webp, whole.stickers[k].webp);
        }
    }
    QVERIFY(!tandem::stickers::defaultStickerPack(QStringLiteral("no-such-pack")).has_value());
    QVERIFY(!tandem::stickers::defaultStickerPack(QString()).has_value());
}
QTEST_MAIN(TestDefaultPacks)
#include "tst_default_packs.moc"
