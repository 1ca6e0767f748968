// Session mode: identities from seeds exactly as Session derives them (checked against
// Session IDs that Session clients produce), recovery phrases, and signed sealed-box messages.
#include <sodium.h>

#include <QTest>

#include "crypto/session/RecoveryPhrase.h"
#include "crypto/session/SessionKeys.h"
#include "crypto/session/SessionMessage.h"
#include "tests/crypto/CryptoTestUtil.h"

using namespace tandem;
using namespace tandem::crypto;
using namespace tandem::crypto::session;
using tandem::test::hex;
using tandem::test::toHex;

class SessionTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(sodium_init() >= 0); }

    void wordList() {
        const QStringList& words = recoveryWordList();
        QCOMPARE(words.size(), qsizetype{1626});
        QCOMPARE(words.first(), QStringLiteral("abbey"));
        QCOMPARE(words.last(), QStringLiteral("zoom"));
        QSet<QString> prefixes;
        for (qsizetype i = 0; i < words.size(); ++i) {
            prefixes.insert(words[i].left(3));
            if (i > 0) {
                QVERIFY(words[i - 1] < words[i]);
            }
        }
        QCOMPARE(prefixes.size(), qsizetype{1626});
    }

    void crc32IsZlibs() {
        QCOMPARE(crc32(view("123456789")), 0xCBF43926u);  // the CRC-32 check value
        QCOMPARE(crc32(view("")), 0u);
    }

    // Phrases and Session IDs produced by Session clients (session.js test vectors).
    void realSessionPhrasesRestoreTheSameId_data() {
        QTest::addColumn<QString>("phrase");
        QTest::addColumn<QString>("sessionId");
        QTest::newRow("session ×13")
            << "session session session session session session session session session session "
               "session session session"
            << "0512742fb4ac033a8a33f5776aa0e7e88f35f7af9f65dee31e57fbc7d6f8664b12";
        QTest::newRow("love ×13")
            << "love love love love love love love love love love love love love"
            << "053db493811f729da20289e31498b8fe2b28edc90358cd3ec11a6b12ac1b9fb818";
        QTest::newRow("puffin …")
            << "puffin luxury annoyed rustled memoir faxed smidgen puddle kiwi nylon utopia zinger "
               "kiwi"
            << "054830367d369d94605247999a375dbd0a0f65fdec5de1535612bcb6d4de452c69";
        QTest::newRow("unknown …")
            << "unknown number jukebox pledge lipstick sieve tumbling federal womanly outbreak "
               "tapestry gorilla sieve"
            << "05ab0badfc19ac18f71d7bb10d5ca5c92731aa301cc483169c691cf697b83e765a";
    }

    void realSessionPhrasesRestoreTheSameId() {
        QFETCH(QString, phrase);
        QFETCH(QString, sessionId);
        const auto seed = decodeRecoveryPhrase(phrase);
        QVERIFY2(seed.has_value(), qPrintable(seed ? QString() : seed.error().message));
        const auto identity = SessionIdentity::fromSeed(seed->span());
        QCOMPARE(identity->sessionId, sessionId);
        QCOMPARE(encodeRecoveryPhrase(seed->span()), phrase);  // and back, word for word
    }

    void knownSeed() {
        const Bytes seed = hex("39038c8988db02c1af44e8c847bd9713");
        QCOMPARE(encodeRecoveryPhrase(seed),
                 QStringLiteral("puffin luxury annoyed rustled memoir faxed smidgen puddle kiwi "
                                "nylon utopia zinger kiwi"));
    }

    void randomPhrasesRoundTrip() {
        for (int i = 0; i < 500; ++i) {
            const SessionIdentity identity = SessionIdentity::generate();
            const QString phrase = encodeRecoveryPhrase(identity.seed.span());
            QCOMPARE(phrase.split(u' ').size(), qsizetype{kPhraseWords});
            const auto seed = decodeRecoveryPhrase(phrase);
            QVERIFY(seed.has_value());
            QVERIFY(seed->equals(identity.seed.span()));
            QCOMPARE(SessionIdentity::fromSeed(seed->span())->sessionId, identity.sessionId);
            QCOMPARE(identity.sessionId.size(), qsizetype{66});
            QVERIFY(identity.sessionId.startsWith(QStringLiteral("05")));
            QCOMPARE(toHex(parseSessionId(identity.sessionId).value()),
                     toHex(identity.x25519.publicKey));
        }
    }

    void phrasesAreForgivingAboutCaseSpacingAndSuffixes() {
        const QString canonical = QStringLiteral(
            "puffin luxury annoyed rustled memoir faxed smidgen puddle kiwi nylon utopia zinger "
            "kiwi");
        const auto expected = decodeRecoveryPhrase(canonical).value();
        // Session matches words by their first three letters.
        for (const QString& variant :
             {QStringLiteral("  PUFFIN Luxury annoyed\trustled memoir\nfaxed smidgen puddle kiwi "
                             "nylon utopia zinger kiwi "),
              QStringLiteral("puf lux ann rus mem fax smi pud kiw nyl uto zin kiw")}) {
            const auto seed = decodeRecoveryPhrase(variant);
            QVERIFY2(seed.has_value(), qPrintable(seed ? QString() : seed.error().message));
            QVERIFY(seed->equals(expected.span()));
        }
    }

    void malformedPhrasesSayWhatIsWrong_data() {
        QTest::addColumn<QString>("phrase");
        QTest::addColumn<QString>("mentions");
        const QString good = QStringLiteral(
            "puffin luxury annoyed rustled memoir faxed smidgen puddle kiwi nylon utopia zinger "
            "kiwi");
        QTest::newRow("empty") << QString() << QStringLiteral("has 0");
        QTest::newRow("twelve words") << good.section(u' ', 0, 11) << QStringLiteral("has 12");
        QTest::newRow("fourteen words")
            << good + QStringLiteral(" kiwi") << QStringLiteral("has 14");
        QTest::newRow("unknown word")
            << QString(good).replace(QStringLiteral("memoir"), QStringLiteral("xylophone"))
            << QStringLiteral("word 5, \"xylophone\"");
        QTest::newRow("two letters")
            << QString(good).replace(QStringLiteral("kiwi nylon"), QStringLiteral("ki nylon"))
            << QStringLiteral("word 9");
        QTest::newRow("not a letter")
            << QString(good).replace(QStringLiteral("faxed"), QStringLiteral("fa3ed"))
            << QStringLiteral("word 6");
        // Letters that QString::toLower() turns into ASCII are still not ASCII letters.
        QTest::newRow("Kelvin sign")
            << QString(good).replace(QStringLiteral("nylon utopia zinger kiwi"),
                                     QStringLiteral("nylon utopia zinger \u212Aiwi"))
            << QStringLiteral("word 13");
        QTest::newRow("fullwidth")
            << QString(good).replace(QStringLiteral("nylon"), QStringLiteral("\uFF4Eylon"))
            << QStringLiteral("word 10");
        QTest::newRow("bad checksum")
            << good.section(u' ', 0, 11) + QStringLiteral(" puffin") << QStringLiteral("checksum");
        // Three words can encode up to 1626³ > 2³²: this triple is past 32 bits.
        QTest::newRow("overflowing triple")
            << QStringLiteral("abbey abducts abbey ") + good.section(u' ', 3, 12)
            << QStringLiteral("words 1 to 3");
    }

    void malformedPhrasesSayWhatIsWrong() {
        QFETCH(QString, phrase);
        QFETCH(QString, mentions);
        const auto seed = decodeRecoveryPhrase(phrase);
        QVERIFY(!seed.has_value());
        QCOMPARE(seed.error().code, CryptoErrorCode::InvalidPhrase);
        QVERIFY2(seed.error().message.contains(mentions), qPrintable(seed.error().message));
    }

    void sessionIdsAreParsedStrictly() {
        QVERIFY(parseSessionId(QStringLiteral("05") + QString(64, u'a')).has_value());
        // One spelling per key: upper case is refused here (typed input is lowercased first).
        QVERIFY(!parseSessionId(QStringLiteral("05") + QString(64, u'A')).has_value());
        QVERIFY(!parseSessionId(QStringLiteral("05") + QString(64, u'a') + u'\n').has_value());
        QVERIFY(!parseSessionId(QStringLiteral("05") + QString(63, u'a') + u'\n').has_value());
        QVERIFY(!parseSessionId(QStringLiteral(" 05") + QString(63, u'a')).has_value());
        // Keys of small order: nobody holds their secret, anyone could open what is sealed.
        QVERIFY(!isUsableKey(parseSessionId(QStringLiteral("05") + QString(64, u'0')).value()));
        QVERIFY(!isUsableKey(
            parseSessionId(QStringLiteral("05") + QStringLiteral("01") + QString(62, u'0'))
                .value()));
        QVERIFY(isUsableKey(SessionIdentity::generate().x25519.publicKey));
        // crypto_box_seal's answer is no longer ignored.
        const SessionIdentity alice = SessionIdentity::generate();
        const PublicKey zero{};
        QCOMPARE(encryptSessionMessage(view("hi"), alice.ed25519, zero).error().code,
                 CryptoErrorCode::InvalidKey);
        QVERIFY(!parseSessionId(QStringLiteral("06") + QString(64, u'a')).has_value());
        QVERIFY(!parseSessionId(QStringLiteral("05") + QString(63, u'a')).has_value());
        QVERIFY(!parseSessionId(QStringLiteral("05") + QString(63, u'a') + u'g').has_value());
        QVERIFY(!parseSessionId(QStringLiteral("+4915112345678")).has_value());
    }

    void messagesRoundTrip() {
        const SessionIdentity alice = SessionIdentity::generate();
        const SessionIdentity bob = SessionIdentity::generate();
        for (const std::size_t n :
             {std::size_t{0}, std::size_t{1}, std::size_t{159}, std::size_t{5000}}) {
            const Bytes content(n, 'q');
            const Bytes sealed =
                encryptSessionMessage(content, alice.ed25519, bob.x25519.publicKey).value();
            // 160-byte buckets plus the fixed overhead: sizes leak only the bucket.
            QCOMPARE((sealed.size() - 48 - 32 - 64) % 160, std::size_t{0});
            const auto opened = decryptSessionMessage(sealed, bob.x25519, alice.sessionId);
            QVERIFY2(opened.has_value(), qPrintable(opened ? QString() : opened.error().message));
            QCOMPARE(opened->content.size(), n);
            QCOMPARE(opened->senderSessionId, alice.sessionId);
            QCOMPARE(toHex(opened->senderEd25519), toHex(alice.ed25519.publicKey));
        }
    }

    void aMessageForSomeoneElseIsRefused() {
        const SessionIdentity alice = SessionIdentity::generate();
        const SessionIdentity bob = SessionIdentity::generate();
        const SessionIdentity carol = SessionIdentity::generate();
        const Bytes toCarol =
            encryptSessionMessage(view("for carol"), alice.ed25519, carol.x25519.publicKey).value();
        QCOMPARE(decryptSessionMessage(toCarol, bob.x25519).error().code,
                 CryptoErrorCode::DecryptFailed);

        // Carol re-seals what Alice signed for her to Bob: the signature names Carol, so Bob
        // refuses it (no forwarding a signed message to another recipient).
        const auto opened = decryptSessionMessage(toCarol, carol.x25519).value();
        const Bytes padded = concat({opened.content.span(), Bytes{0x80}});
        Bytes resealedPlain = [&] {
            Bytes p(160, 0);
            std::copy(padded.begin(), padded.end(), p.begin());
            return p;
        }();
        const Bytes sigPart =
            concat({resealedPlain, alice.ed25519.publicKey, carol.x25519.publicKey});
        const Signature sigForCarol = alice.ed25519.sign(sigPart);
        const Bytes inner = concat({resealedPlain, alice.ed25519.publicKey, sigForCarol});
        Bytes forwarded(inner.size() + crypto_box_SEALBYTES);
        crypto_box_seal(forwarded.data(), inner.data(), inner.size(), bob.x25519.publicKey.data());
        QCOMPARE(decryptSessionMessage(forwarded, bob.x25519).error().code,
                 CryptoErrorCode::WrongRecipient);
    }

    void aMessageFromAnotherSignerIsRefused() {
        const SessionIdentity alice = SessionIdentity::generate();
        const SessionIdentity mallory = SessionIdentity::generate();
        const SessionIdentity bob = SessionIdentity::generate();
        const Bytes sealed =
            encryptSessionMessage(view("trust me"), mallory.ed25519, bob.x25519.publicKey).value();
        QCOMPARE(decryptSessionMessage(sealed, bob.x25519, alice.sessionId).error().code,
                 CryptoErrorCode::WrongSender);
        QCOMPARE(decryptSessionMessage(sealed, bob.x25519)->senderSessionId, mallory.sessionId);
        Bytes tampered = sealed;
        tampered[60] ^= 1;
        QCOMPARE(decryptSessionMessage(tampered, bob.x25519).error().code,
                 CryptoErrorCode::DecryptFailed);
        QCOMPARE(decryptSessionMessage(Bytes(20, 1), bob.x25519).error().code,
                 CryptoErrorCode::Malformed);
    }
};

QTEST_GUILESS_MAIN(SessionTest)
#include "tst_session.moc"
