// The primitives against their RFCs: HKDF-SHA256 (RFC 5869), X25519 (RFC 7748), Ed25519
// (RFC 8032); plus the refusals that protocols rely on (low-order points, tampering).
#include <sodium.h>

#include <QTest>

#include "crypto/Padding.h"
#include "crypto/Primitives.h"
#include "tests/crypto/CryptoTestUtil.h"

using namespace tandem;
using namespace tandem::crypto;
using tandem::test::hex;
using tandem::test::key;
using tandem::test::toHex;

class PrimitivesTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(sodium_init() >= 0); }

    void hkdfRfc5869_data() {
        QTest::addColumn<QByteArray>("ikm");
        QTest::addColumn<QByteArray>("salt");
        QTest::addColumn<QByteArray>("info");
        QTest::addColumn<int>("length");
        QTest::addColumn<QString>("okm");
        QTest::newRow("A.1 basic")
            << QByteArray::fromHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b")
            << QByteArray::fromHex("000102030405060708090a0b0c")
            << QByteArray::fromHex("f0f1f2f3f4f5f6f7f8f9") << 42
            << QStringLiteral(
                   "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b8871"
                   "85865");
        QByteArray ikm2;
        QByteArray salt2;
        QByteArray info2;
        for (int i = 0; i < 80; ++i) {
            ikm2.append(static_cast<char>(i));
            salt2.append(static_cast<char>(0x60 + i));
            info2.append(static_cast<char>(0xb0 + i));
        }
        QTest::newRow("A.2 long inputs")
            << ikm2 << salt2 << info2 << 82
            << QStringLiteral(
                   "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827"
                   "271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f343"
                   "4f1d87");
        QTest::newRow("A.3 no salt, no info")
            << QByteArray(22, 0x0b) << QByteArray() << QByteArray() << 42
            << QStringLiteral(
                   "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61"
                   "a96c8");
    }

    void hkdfRfc5869() {
        QFETCH(QByteArray, ikm);
        QFETCH(QByteArray, salt);
        QFETCH(QByteArray, info);
        QFETCH(int, length);
        QFETCH(QString, okm);
        const auto v = [](const QByteArray& b) {
            return ByteView(reinterpret_cast<const std::uint8_t*>(b.constData()),
                            static_cast<std::size_t>(b.size()));
        };
        const SecretBytes out =
            hkdfSha256(v(ikm), v(salt), v(info), static_cast<std::size_t>(length));
        QCOMPARE(toHex(out.span()), okm);
    }

    void x25519Rfc7748_data() {
        QTest::addColumn<QString>("scalar");
        QTest::addColumn<QString>("point");
        QTest::addColumn<QString>("output");
        QTest::newRow("5.2 first")
            << "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"
            << "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"
            << "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552";
        QTest::newRow("5.2 second")
            << "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d"
            << "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493"
            << "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957";
    }

    void x25519Rfc7748() {
        QFETCH(QString, scalar);
        QFETCH(QString, point);
        QFETCH(QString, output);
        const auto shared = x25519(SecretBytes(hex(qPrintable(scalar))), key(qPrintable(point)));
        QVERIFY(shared.has_value());
        QCOMPARE(toHex(shared->span()), output);
    }

    void x25519Rfc7748DiffieHellman() {
        const auto alice = X25519KeyPair::fromPrivate(
            SecretBytes(hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")));
        const auto bob = X25519KeyPair::fromPrivate(
            SecretBytes(hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")));
        QCOMPARE(
            toHex(alice.publicKey),
            QStringLiteral("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"));
        QCOMPARE(
            toHex(bob.publicKey),
            QStringLiteral("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"));
        const QString expected =
            QStringLiteral("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        QCOMPARE(toHex(x25519(alice.privateKey, bob.publicKey)->span()), expected);
        QCOMPARE(toHex(x25519(bob.privateKey, alice.publicKey)->span()), expected);
    }

    void lowOrderPointsAreRefused() {
        const auto pair = X25519KeyPair::generate();
        PublicKey zero{};
        const auto result = x25519(pair.privateKey, zero);
        QVERIFY(!result.has_value());
        QCOMPARE(result.error().code, CryptoErrorCode::InvalidKey);
        PublicKey one{};
        one[0] = 1;
        QVERIFY(!x25519(pair.privateKey, one).has_value());
    }

    void ed25519Rfc8032_data() {
        QTest::addColumn<QString>("secret");
        QTest::addColumn<QString>("publicKey");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("signature");
        QTest::newRow("TEST 1")
            << "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
            << "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
            << ""
            << "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61"
               "e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
        QTest::newRow("TEST 2")
            << "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"
            << "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"
            << "72"
            << "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458"
               "f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00";
        QTest::newRow("TEST 3")
            << "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7"
            << "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025"
            << "af82"
            << "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae6"
               "7f760984dc6594a7c15e9716ed28dc027beceea1ec40a";
    }

    void ed25519Rfc8032() {
        QFETCH(QString, secret);
        QFETCH(QString, publicKey);
        QFETCH(QString, message);
        QFETCH(QString, signature);
        const auto pair = Ed25519KeyPair::fromSeed(hex(qPrintable(secret)));
        QCOMPARE(toHex(pair.publicKey), publicKey);
        const Bytes msg = hex(qPrintable(message));
        const Signature sig = pair.sign(msg);
        QCOMPARE(toHex(sig), signature);
        QVERIFY(ed25519Verify(pair.publicKey, msg, sig));
        Bytes other = msg;
        other.push_back(0);
        QVERIFY(!ed25519Verify(pair.publicKey, other, sig));
        Signature bad = sig;
        bad[10] ^= 1;
        QVERIFY(!ed25519Verify(pair.publicKey, msg, bad));
    }

    void edToX25519MatchesItsSecret() {
        for (int i = 0; i < 20; ++i) {
            const auto ed = Ed25519KeyPair::generate();
            const auto x = ed.toX25519();
            QCOMPARE(toHex(ed25519ToX25519(ed.publicKey).value()), toHex(x.publicKey));
        }
    }

    void aeadRejectsEveryChange() {
        const SecretBytes key(Bytes(32, 7));
        const Nonce nonce = randomNonce();
        const Bytes ad = hex("01020304");
        const Bytes sealed = aeadSeal(key.span(), nonce, ad, view("attack at dawn"));
        QCOMPARE(toString(aeadOpen(key.span(), nonce, ad, sealed)->span()),
                 std::string("attack at dawn"));
        for (std::size_t i = 0; i < sealed.size(); ++i) {
            Bytes changed = sealed;
            changed[i] ^= 0x80;
            QCOMPARE(aeadOpen(key.span(), nonce, ad, changed).error().code,
                     CryptoErrorCode::DecryptFailed);
        }
        QVERIFY(!aeadOpen(key.span(), nonce, hex("01020305"), sealed).has_value());
        QCOMPARE(aeadOpen(key.span(), nonce, ad, ByteView(sealed).first(10)).error().code,
                 CryptoErrorCode::Malformed);
    }

    void paddingBuckets() {
        for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{158},
                                    std::size_t{159}, std::size_t{160}, std::size_t{1000}}) {
            const Bytes content(n, 0x00);  // zeros: the hardest case for unpadding
            const Bytes padded = pad(content);
            QCOMPARE(padded.size() % kPaddingBucket, std::size_t{0});
            QVERIFY(padded.size() > n);
            QCOMPARE(unpad(padded)->size(), n);
        }
        QCOMPARE(unpad(Bytes(160, 0)).error().code, CryptoErrorCode::Malformed);
        QCOMPARE(unpad(Bytes()).error().code, CryptoErrorCode::Malformed);
    }
};

QTEST_GUILESS_MAIN(PrimitivesTest)
#include "tst_primitives.moc"
