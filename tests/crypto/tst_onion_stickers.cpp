// Onion layers (each hop learns only the next hop; replies come back through the path) and
// encrypted sticker packs (manifest, images, share links).
#include <sodium.h>

#include <QTest>

#include "crypto/Onion.h"
#include "crypto/Stickers.h"
#include "tests/crypto/CryptoTestUtil.h"

using namespace tandem;
using namespace tandem::crypto;
using tandem::test::hex;
using tandem::test::toHex;

namespace {

struct Node {
    QString address;
    X25519KeyPair keys = X25519KeyPair::generate();
};

}  // namespace

class OnionStickersTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(sodium_init() >= 0); }

    void threeHopsEachLearnOnlyTheNextHop() {
        std::vector<Node> nodes(3);
        for (std::size_t i = 0; i < nodes.size(); ++i) {
            nodes[i].address = QStringLiteral("127.0.0.%1:400%2").arg(11 + i).arg(i + 1);
        }
        std::vector<OnionHop> path;
        for (const Node& n : nodes) {
            path.push_back({n.address, n.keys.publicKey});
        }
        const std::string request = "store message for 05abc…";
        const auto wrapped = wrapOnion(path, view(request));
        QVERIFY(wrapped.has_value());
        QCOMPARE(wrapped->layerKeys.size(), std::size_t{3});

        Bytes packet = wrapped->packet;
        std::vector<SecretBytes> hopKeys;
        for (std::size_t i = 0; i < nodes.size(); ++i) {
            // Only the right node can peel its layer.
            const Node& wrong = nodes[(i + 1) % nodes.size()];
            QCOMPARE(peelOnion(wrong.keys, packet).error().code, CryptoErrorCode::DecryptFailed);
            const auto layer = peelOnion(nodes[i].keys, packet);
            QVERIFY(layer.has_value());
            const std::string seen = toString(layer->payload);
            if (i + 1 < nodes.size()) {
                QCOMPARE(layer->nextHop.value(), nodes[i + 1].address);
                QVERIFY(seen.find(request) == std::string::npos);  // the request stays wrapped
                for (std::size_t later = i + 2; later < nodes.size(); ++later) {
                    QVERIFY(seen.find(nodes[later].address.toStdString()) == std::string::npos);
                }
            } else {
                QVERIFY(!layer->nextHop.has_value());
                QCOMPARE(seen, request);
            }
            QVERIFY(layer->layerKey.equals(wrapped->layerKeys[i].span()));
            hopKeys.push_back(layer->layerKey.clone());
            packet = layer->payload;
        }
        // The reply goes back: the destination seals first, then each hop on the way.
        Bytes reply = sealOnionReply(hopKeys[2].span(), view("stored: ok"));
        reply = sealOnionReply(hopKeys[1].span(), reply);
        reply = sealOnionReply(hopKeys[0].span(), reply);
        const auto opened = openOnionReply(wrapped->layerKeys, reply);
        QVERIFY(opened.has_value());
        QCOMPARE(toString(opened->span()), std::string("stored: ok"));
        Bytes bad = reply;
        bad[40] ^= 1;
        QCOMPARE(openOnionReply(wrapped->layerKeys, bad).error().code,
                 CryptoErrorCode::DecryptFailed);
    }

    void malformedLayersAreRefused() {
        const Node node{QStringLiteral("127.0.0.1:1")};
        QCOMPARE(peelOnion(node.keys, hex("00")).error().code, CryptoErrorCode::Malformed);
        QCOMPARE(peelOnion(node.keys, Bytes(kMaxOnionBytes + 1, 0)).error().code,
                 CryptoErrorCode::TooLarge);
        const auto wrapped = wrapOnion({{node.address, node.keys.publicKey}}, view("x")).value();
        Bytes tampered = wrapped.packet;
        tampered[tampered.size() - 1] ^= 1;
        QCOMPARE(peelOnion(node.keys, tampered).error().code, CryptoErrorCode::DecryptFailed);
        Bytes lowOrder = wrapped.packet;
        std::fill(lowOrder.begin(), lowOrder.begin() + 32, 0);
        QCOMPARE(peelOnion(node.keys, lowOrder).error().code, CryptoErrorCode::InvalidKey);
        QVERIFY(!wrapOnion({}, view("x")).has_value());
        QVERIFY(!wrapOnion(
                     std::vector<OnionHop>(kMaxOnionHops + 1, {node.address, node.keys.publicKey}),
                     view("x"))
                     .has_value());
    }

    void stickerPacks() {
        const StickerPackSecret pack = StickerPackSecret::generate();
        StickerManifest manifest;
        manifest.title = QStringLiteral("Cats 🐱");
        manifest.author = QStringLiteral("Alice");
        manifest.coverId = 1;
        manifest.stickers = {
            {0, QStringLiteral("😺"), QStringLiteral("image/png"), QByteArrayLiteral("b0"), 100},
            {1, QStringLiteral("😸"), QStringLiteral("image/webp"), QByteArray(32, 'x'), 5000}};
        const Bytes sealedManifest = encryptStickerManifest(pack, manifest);
        const auto back = decryptStickerManifest(pack, sealedManifest);
        QVERIFY2(back.has_value(), qPrintable(back ? QString() : back.error().message));
        QCOMPARE(back->title, manifest.title);
        QCOMPARE(back->stickers.size(), std::size_t{2});
        QCOMPARE(back->stickers[1].emoji, QStringLiteral("😸"));
        // Where each image is on the network travels with it.
        QCOMPARE(back->stickers[1].blobId, QByteArray(32, 'x'));
        QCOMPARE(back->stickers[1].blobSize, std::uint64_t{5000});
        // A manifest may not name a blob id past the limit, nor an image larger than a sticker.
        StickerManifest lying = manifest;
        lying.stickers[0].blobId = QByteArray(kMaxStickerBlobIdBytes + 1, 'y');
        QCOMPARE(decryptStickerManifest(pack, encryptStickerManifest(pack, lying)).error().code,
                 CryptoErrorCode::Malformed);
        lying = manifest;
        lying.stickers[0].blobSize = kMaxStickerImageBytes + 1000;
        QCOMPARE(decryptStickerManifest(pack, encryptStickerManifest(pack, lying)).error().code,
                 CryptoErrorCode::Malformed);
        QVERIFY(toString(sealedManifest).find("Cats") == std::string::npos);

        const Bytes image(50000, 0x42);
        const Bytes sealedImage = encryptStickerImage(pack, 1, image);
        QCOMPARE(decryptStickerImage(pack, 1, sealedImage)->size(), image.size());
        // No swapping: image 1 is not image 0, and not the manifest.
        QCOMPARE(decryptStickerImage(pack, 0, sealedImage).error().code,
                 CryptoErrorCode::DecryptFailed);
        QCOMPARE(decryptStickerManifest(pack, sealedImage).error().code,
                 CryptoErrorCode::DecryptFailed);
        // Another pack's key opens nothing.
        QCOMPARE(decryptStickerImage(StickerPackSecret::generate(), 1, sealedImage).error().code,
                 CryptoErrorCode::DecryptFailed);
        // The AEAD key is derived from, and differs from, the pack key.
        QVERIFY(!stickerPackAeadKey(pack.packKey.span()).equals(pack.packKey.span()));
    }

    void manifestsAreChecked() {
        const auto encode = [](const StickerManifest& m) {
            const StickerPackSecret pack = StickerPackSecret::generate();
            return decryptStickerManifest(pack, encryptStickerManifest(pack, m));
        };
        StickerManifest empty;
        QCOMPARE(encode(empty).error().code, CryptoErrorCode::Malformed);
        StickerManifest duplicate;
        duplicate.stickers = {{1, {}, {}, {}, 0}, {1, {}, {}, {}, 0}};
        duplicate.coverId = 1;
        QVERIFY(encode(duplicate).error().message.contains(QStringLiteral("twice")));
        StickerManifest noCover;
        noCover.stickers = {{1, {}, {}, {}, 0}};
        noCover.coverId = 2;
        QVERIFY(encode(noCover).error().message.contains(QStringLiteral("cover")));
        StickerManifest tooMany;
        for (std::uint32_t i = 0; i <= kMaxStickersPerPack; ++i) {
            tooMany.stickers.push_back({i, {}, {}, {}, 0});
        }
        QCOMPARE(encode(tooMany).error().code, CryptoErrorCode::Malformed);
        QCOMPARE(decodeStickerManifest(hex("ffffffff")).error().code, CryptoErrorCode::Malformed);
    }

    void stickerLinks() {
        const StickerPackSecret pack = StickerPackSecret::generate();
        const QString link = stickerLink(pack);
        QVERIFY(link.startsWith(QStringLiteral("tandem://stickers/#pack_id=")));
        const auto parsed = parseStickerLink(link);
        QVERIFY(parsed.has_value());
        QCOMPARE(parsed->packId, pack.packId);
        QVERIFY(parsed->packKey.equals(pack.packKey.span()));
        const QString id = QString(32, u'a');
        const QString key = QString(64, u'b');
        QVERIFY(parseStickerLink(
                    QStringLiteral("tandem://stickers#pack_key=%1&pack_id=%2").arg(key, id))
                    .has_value());
        for (const QString& bad : {
                 QString(),
                 QStringLiteral("https://signal.art/addstickers/#pack_id=%1&pack_key=%2")
                     .arg(id, key),
                 QStringLiteral("tandem://stickers#pack_id=%1").arg(id),
                 QStringLiteral("tandem://stickers#pack_id=%1&pack_key=%2&x=1").arg(id, key),
                 QStringLiteral("tandem://stickers#pack_id=%1&pack_id=%1").arg(id),
                 QStringLiteral("tandem://stickers#pack_id=%1&pack_key=%2").arg(id.left(30), key),
                 QStringLiteral("tandem://stickers#pack_id=%1&pack_key=%2").arg(id.toUpper(), key),
                 QStringLiteral("tandem://stickers#pack_id=%1&pack_key=%2")
                     .arg(QString(32, u'g'), key),
                 QStringLiteral("tandem://stickers#pack_id=%1&pack_key=%2 ").arg(id, key),
                 QStringLiteral("tandem://stickers#pack_id&pack_key=%1").arg(key),
                 QStringLiteral("tandem://stickers?pack_id=%1&pack_key=%2").arg(id, key),
                 QStringLiteral("tandem://stickers#pack_id=%1&pack_key=%2").arg(id, key) +
                     QString(300, u'a'),
             }) {
            const auto result = parseStickerLink(bad);
            QVERIFY2(!result.has_value(), qPrintable(bad));
            QCOMPARE(result.error().code, CryptoErrorCode::InvalidLink);
            QVERIFY(result.error().message.startsWith(QStringLiteral("not a sticker pack link")));
        }
    }
};

QTEST_GUILESS_MAIN(OnionStickersTest)
#include "tst_onion_stickers.moc"
