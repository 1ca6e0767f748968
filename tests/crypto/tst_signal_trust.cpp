// Signal mode, who is who: sealed sender (what the relay sees of a sender, the certificate
// checks, the cache), safety numbers against libsignal's published vectors, and
// registration-lock PINs. Sessions and the ratchet: tst_signal.
#include <map>
#include <set>
#include <sodium.h>

#include <QTest>

#include "crypto/signal/RegistrationLock.h"
#include "crypto/signal/SafetyNumber.h"
#include "crypto/signal/SealedSender.h"
#include "tandem/signal.pb.h"
#include "tests/crypto/CryptoTestUtil.h"

using namespace tandem;
using namespace tandem::crypto;
using namespace tandem::crypto::signal;
using tandem::test::hex;
using tandem::test::text;
using tandem::test::toHex;

class SignalTrustTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(sodium_init() >= 0); }

    // ---- sealed sender --------------------------------------------------------------------

    void sealedSenderCacheChangesNothingButTheCost() {
        const Ed25519KeyPair relay = Ed25519KeyPair::generate();
        const std::map<std::uint32_t, PublicKey> trusted = {{3, relay.publicKey}};
        const IdentityKeyPair alice = IdentityKeyPair::generate();
        const IdentityKeyPair bob = IdentityKeyPair::generate();
        const std::uint64_t now = 1'800'000'000'000;
        const Bytes aci(SenderCertificate::kAciBytes, 1);
        const Bytes certificate = SenderCertificate::issue(relay, 3, aci, QString(), 1,
                                                           alice.publicKey().ed25519, now + 1000);
        SealedSenderCache aliceCache;
        SealedSenderCache bobCache;
        for (int i = 0; i < 3; ++i) {
            // Sealed with a cache, opened without one, and the other way round.
            const Bytes cached = sealSender(alice, certificate, MessageType::Whisper, view("c"),
                                            bob.publicKey(), &aliceCache)
                                     .value();
            QVERIFY(openSealed(bob, cached, trusted, now).has_value());
            const Bytes plain =
                sealSender(alice, certificate, MessageType::Whisper, view("p"), bob.publicKey())
                    .value();
            const auto opened = openSealed(bob, plain, trusted, now, &bobCache);
            QVERIFY(opened.has_value());
            QCOMPARE(text(opened->message), std::string("p"));
            QCOMPARE(toHex(opened->certificate.identityKey), toHex(alice.publicKey().ed25519));
        }
        const Bytes envelope = sealSender(alice, certificate, MessageType::Whisper, view("x"),
                                          bob.publicKey(), &aliceCache)
                                   .value();
        // A certificate checked before still expires, and still needs a trusted signer.
        QCOMPARE(openSealed(bob, envelope, trusted, now + 1000, &bobCache).error().code,
                 CryptoErrorCode::Expired);
        QCOMPARE(
            openSealed(bob, envelope, {{3, Ed25519KeyPair::generate().publicKey}}, now, &bobCache)
                .error()
                .code,
            CryptoErrorCode::UntrustedCertificate);
        QCOMPARE(openSealed(bob, envelope, {}, now, &bobCache).error().code,
                 CryptoErrorCode::UntrustedCertificate);
        // Mallory with Alice's (cached) certificate is still caught.
        const IdentityKeyPair mallory = IdentityKeyPair::generate();
        const Bytes forged = sealSender(mallory, certificate, MessageType::Whisper, view("m"),
                                        bob.publicKey(), &aliceCache)
                                 .value();
        QCOMPARE(openSealed(bob, forged, trusted, now, &bobCache).error().code,
                 CryptoErrorCode::UntrustedCertificate);
    }

    // An ephemeral made ahead for a recipient is used by the next seal to that recipient only,
    // once; the envelope opens as any other. Bounded: the oldest recipient's goes first.
    void preparedEphemeralsAreUsedOnceForTheirRecipient() {
        const Ed25519KeyPair relay = Ed25519KeyPair::generate();
        const std::map<std::uint32_t, PublicKey> trusted = {{3, relay.publicKey}};
        const IdentityKeyPair alice = IdentityKeyPair::generate();
        const IdentityKeyPair bob = IdentityKeyPair::generate();
        const IdentityKeyPair carol = IdentityKeyPair::generate();
        const std::uint64_t now = 1'800'000'000'000;
        const Bytes certificate =
            SenderCertificate::issue(relay, 3, Bytes(SenderCertificate::kAciBytes, 1), QString(), 1,
                                     alice.publicKey().ed25519, now + 1000);
        const auto ephemeralOf = [](const Bytes& envelope) {
            proto::SealedEnvelope e;
            [&] {
                QVERIFY(e.ParseFromArray(envelope.data(), static_cast<int>(envelope.size())));
            }();
            return QString::fromLatin1(QByteArray::fromStdString(e.ephemeral_key()).toHex());
        };
        SealedSenderCache cache;
        QVERIFY(cache.prepareEphemeral(bob.publicKey().x25519).has_value());
        QVERIFY(cache.prepareEphemeral(bob.publicKey().x25519).has_value());  // replaces it
        // Not for Carol: her seal makes its own, Bob's stays.
        const Bytes toCarol = sealSender(alice, certificate, MessageType::Whisper, view("c"),
                                         carol.publicKey(), &cache)
                                  .value();
        QCOMPARE(text(openSealed(carol, toCarol, trusted, now).value().message), std::string("c"));
        auto prepared = cache.takeEphemeral(bob.publicKey().x25519);
        QVERIFY(prepared.has_value());
        const QString preparedKey = toHex(prepared->keyPair.publicKey);
        QVERIFY(!cache.takeEphemeral(bob.publicKey().x25519).has_value());  // only one was kept
        QVERIFY(cache.prepareEphemeral(bob.publicKey().x25519).has_value());
        prepared = cache.takeEphemeral(bob.publicKey().x25519);
        const QString next = toHex(prepared->keyPair.publicKey);
        QVERIFY(next != preparedKey);
        QVERIFY(cache.prepareEphemeral(bob.publicKey().x25519).has_value());
        const QString third = toHex(cache.takeEphemeral(bob.publicKey().x25519)->keyPair.publicKey);
        QVERIFY(cache.prepareEphemeral(bob.publicKey().x25519).has_value());
        // The seal to Bob uses the one made for him, and it opens; the next seal makes its own.
        const Bytes first =
            sealSender(alice, certificate, MessageType::Whisper, view("1"), bob.publicKey(), &cache)
                .value();
        const Bytes second =
            sealSender(alice, certificate, MessageType::Whisper, view("2"), bob.publicKey(), &cache)
                .value();
        QVERIFY(ephemeralOf(first) != third && ephemeralOf(first) != next);
        QVERIFY(ephemeralOf(first) != ephemeralOf(second));
        QCOMPARE(text(openSealed(bob, first, trusted, now).value().message), std::string("1"));
        QCOMPARE(text(openSealed(bob, second, trusted, now).value().message), std::string("2"));
        QVERIFY(!cache.takeEphemeral(bob.publicKey().x25519).has_value());
        // Bounded: one more recipient than it keeps pushes out the first.
        std::vector<IdentityKeyPair> many;
        for (std::size_t i = 0; i <= SealedSenderCache::kMaxPrepared; ++i) {
            many.push_back(IdentityKeyPair::generate());
            QVERIFY(cache.prepareEphemeral(many.back().publicKey().x25519).has_value());
        }
        QVERIFY(!cache.takeEphemeral(many.front().publicKey().x25519).has_value());
        QVERIFY(cache.takeEphemeral(many.back().publicKey().x25519).has_value());
        QVERIFY(cache.takeEphemeral(many[1].publicKey().x25519).has_value());
    }

    void sealedSender() {
        const Ed25519KeyPair relay = Ed25519KeyPair::generate();
        const std::map<std::uint32_t, PublicKey> trusted = {{3, relay.publicKey}};
        const IdentityKeyPair alice = IdentityKeyPair::generate();
        const IdentityKeyPair bob = IdentityKeyPair::generate();
        const std::uint64_t now = 1'800'000'000'000;
        const Bytes aliceAci(SenderCertificate::kAciBytes, 0xa1);
        const Bytes certificate =
            SenderCertificate::issue(relay, 3, aliceAci, QStringLiteral("+4915112345678"), 1,
                                     alice.publicKey().ed25519, now + 86'400'000);
        const Bytes envelope = sealSender(alice, certificate, MessageType::Whisper,
                                          view("sealed hello"), bob.publicKey())
                                   .value();

        const auto opened = openSealed(bob, envelope, trusted, now);
        QVERIFY2(opened.has_value(), qPrintable(opened ? QString() : opened.error().message));
        QCOMPARE(opened->certificate.sender, QStringLiteral("+4915112345678"));
        QCOMPARE(toHex(opened->certificate.senderAci), toHex(aliceAci));
        QCOMPARE(toHex(opened->certificate.identityKey), toHex(alice.publicKey().ed25519));
        QCOMPARE(opened->type, MessageType::Whisper);
        QCOMPARE(text(opened->message), std::string("sealed hello"));

        // What the relay sees names neither the sender's number nor her identity key.
        const std::string bytes = toString(envelope);
        QVERIFY(bytes.find("4915112345678") == std::string::npos);
        QVERIFY(bytes.find(toString(alice.publicKey().ed25519)) == std::string::npos);
        QVERIFY(bytes.find(toString(alice.publicKey().x25519)) == std::string::npos);
        // Padding: envelope sizes move only in 160-byte steps, whatever the message length.
        const auto sizeFor = [&](std::size_t n) {
            return sealSender(alice, certificate, MessageType::Whisper, Bytes(n, 'x'),
                              bob.publicKey())
                .value()
                .size();
        };
        const std::size_t base = sizeFor(0);
        std::set<std::size_t> sizes;
        for (std::size_t n = 0; n < 400; n += 7) {
            const std::size_t size = sizeFor(n);
            QVERIFY(size >= base);
            QCOMPARE((size - base) % 160, std::size_t{0});
            sizes.insert(size);
        }
        QVERIFY(sizes.size() <= 4);

        QCOMPARE(openSealed(bob, envelope, trusted, now + 86'400'000).error().code,
                 CryptoErrorCode::Expired);
        const std::map<std::uint32_t, PublicKey> otherRelay = {
            {3, Ed25519KeyPair::generate().publicKey}};
        QCOMPARE(openSealed(bob, envelope, otherRelay, now).error().code,
                 CryptoErrorCode::UntrustedCertificate);
        QCOMPARE(openSealed(bob, envelope, {{4, relay.publicKey}}, now).error().code,
                 CryptoErrorCode::UntrustedCertificate);
        QCOMPARE(openSealed(IdentityKeyPair::generate(), envelope, trusted, now).error().code,
                 CryptoErrorCode::DecryptFailed);

        // Mallory seals with Alice's certificate but her own identity: caught.
        const IdentityKeyPair mallory = IdentityKeyPair::generate();
        const Bytes forged = sealSender(mallory, certificate, MessageType::Whisper,
                                        view("it is me, alice"), bob.publicKey())
                                 .value();
        QCOMPARE(openSealed(bob, forged, trusted, now).error().code,
                 CryptoErrorCode::UntrustedCertificate);
        // A certificate signed by some other key.
        const Bytes selfSigned = SenderCertificate::issue(Ed25519KeyPair::generate(), 3, aliceAci,
                                                          QStringLiteral("+4915112345678"), 1,
                                                          alice.publicKey().ed25519, now + 1000);
        const Bytes foreign =
            sealSender(alice, selfSigned, MessageType::Whisper, view("x"), bob.publicKey()).value();
        QCOMPARE(openSealed(bob, foreign, trusted, now).error().code,
                 CryptoErrorCode::UntrustedCertificate);

        // A number the sender does not share stays out of the certificate; the id is enough.
        const Bytes privateCertificate = SenderCertificate::issue(
            relay, 3, aliceAci, QString(), 1, alice.publicKey().ed25519, now + 1000);
        QVERIFY(toString(privateCertificate).find("4915112345678") == std::string::npos);
        const auto privately = openSealed(
            bob,
            sealSender(alice, privateCertificate, MessageType::Whisper, view("x"), bob.publicKey())
                .value(),
            trusted, now);
        QVERIFY(privately.has_value());
        QVERIFY(privately->certificate.sender.isEmpty());
        QCOMPARE(toHex(privately->certificate.senderAci), toHex(aliceAci));
        // A certificate without an account id is refused.
        const Bytes noAci = SenderCertificate::issue(relay, 3, Bytes(), QStringLiteral("+1"), 1,
                                                     alice.publicKey().ed25519, now + 1000);
        QCOMPARE(SenderCertificate::verify(noAci, trusted, now).error().code,
                 CryptoErrorCode::Malformed);

        Bytes damaged = envelope;
        damaged[damaged.size() - 5] ^= 1;
        QCOMPARE(openSealed(bob, damaged, trusted, now).error().code,
                 CryptoErrorCode::DecryptFailed);
        QCOMPARE(openSealed(bob, hex("0102"), trusted, now).error().code,
                 CryptoErrorCode::Malformed);
    }

    // ---- safety numbers ---------------------------------------------------------------------

    void safetyNumberMatchesLibsignalVectors() {
        const SerializedKey alice = [] {
            SerializedKey k{};
            const Bytes b =
                hex("0506863bc66d02b40d27b8d49ca7c09e9239236f9d7d25d6fcca5ce13c7064d868");
            std::copy(b.begin(), b.end(), k.begin());
            return k;
        }();
        const SerializedKey bob = [] {
            SerializedKey k{};
            const Bytes b =
                hex("05f781b6fb32fed9ba1cf2de978d4d5da28dc34046ae814402b5c0dbd96fda907b");
            std::copy(b.begin(), b.end(), k.begin());
            return k;
        }();
        const QString aliceId = QStringLiteral("+14152222222");
        const QString bobId = QStringLiteral("+14153333333");
        const auto a = safetyNumber(aliceId, alice, bobId, bob).value();
        const auto b = safetyNumber(bobId, bob, aliceId, alice).value();
        QCOMPARE(a.digits,
                 QStringLiteral("300354477692869396892869876765458257569162576843440918079131"));
        QCOMPARE(b.digits, a.digits);
        QCOMPARE(toHex(a.scannable),
                 QStringLiteral(
                     "080112220a201e301a0353dce3dbe7684cb8336e85136cdc0ee96219494ada305d62a7bd61df"
                     "1a220a20d62cbf73a11592015b6b9f1682ac306fea3aaf3885b84d12bca631e9d4fb3a4d"));
        QCOMPARE(toHex(b.scannable),
                 QStringLiteral(
                     "080112220a20d62cbf73a11592015b6b9f1682ac306fea3aaf3885b84d12bca631e9d4fb3a4d"
                     "1a220a201e301a0353dce3dbe7684cb8336e85136cdc0ee96219494ada305d62a7bd61df"));
        QCOMPARE(a.grouped(),
                 QStringLiteral(
                     "30035 44776 92869 39689 28698 76765 45825 75691 62576 84344 09180 79131"));
        QVERIFY(compareScanned(a, b.scannable).value());
        QVERIFY(compareScanned(b, a.scannable).value());
        QVERIFY(!compareScanned(a, a.scannable).value());  // one's own code is not a match
    }

    void safetyNumberDetectsAnotherKeyOrId() {
        const auto id = [] { return IdentityKeyPair::generate().publicKey().serialized(); };
        const SerializedKey alice = id();
        const SerializedKey bob = id();
        const SerializedKey mitm = id();
        const auto a =
            safetyNumber(QStringLiteral("+1"), alice, QStringLiteral("+2"), mitm, 1, 1024).value();
        const auto b =
            safetyNumber(QStringLiteral("+2"), bob, QStringLiteral("+1"), alice, 1, 1024).value();
        QVERIFY(a.digits != b.digits);
        QVERIFY(!compareScanned(a, b.scannable).value());
        const auto c =
            safetyNumber(QStringLiteral("+3"), bob, QStringLiteral("+1"), alice, 1, 1024).value();
        QVERIFY(c.digits != b.digits);
        const auto v2 =
            safetyNumber(QStringLiteral("+2"), bob, QStringLiteral("+1"), alice, 2, 1024).value();
        QCOMPARE(compareScanned(v2, b.scannable).error().code, CryptoErrorCode::Malformed);
        QCOMPARE(compareScanned(b, hex("0a0b")).error().code, CryptoErrorCode::Malformed);
    }

    // A registration lock PIN: the weakest PINs are refused with a reason; the token depends on
    // the PIN and on the number, and is the same for the same pair.
    void registrationLockPinAndToken() {
        using crypto::signal::pinProblem;
        using crypto::signal::registrationLockToken;
        for (const char* bad : {"", "123", "0000", "1234", "9876", "aaaaa"}) {
            QVERIFY2(pinProblem(QString::fromLatin1(bad)).has_value(), bad);
        }
        QVERIFY(pinProblem(QString(65, u'x')).has_value());
        for (const char* good : {"2580", "1397", "hunter42", "1235"}) {
            QVERIFY2(!pinProblem(QString::fromLatin1(good)).has_value(), good);
        }
        QVERIFY(!pinProblem(QStringLiteral("密码安全")).has_value());  // not only digits
        const auto pin = [](std::string_view text) { return SecretBytes::fromString(text); };
        const SecretBytes a = registrationLockToken("+4915100000001", pin("2580"));
        QCOMPARE(a.size(), crypto::signal::kRegistrationLockTokenBytes);
        QVERIFY(a.equals(registrationLockToken("+4915100000001", pin("2580")).span()));
        QVERIFY(!a.equals(registrationLockToken("+4915100000002", pin("2580")).span()));
        QVERIFY(!a.equals(registrationLockToken("+4915100000001", pin("2581")).span()));
    }
};

QTEST_GUILESS_MAIN(SignalTrustTest)
#include "tst_signal_trust.moc"
