// Signal mode under a hostile network (issue 13): what a message that fails to open may change
// (nothing), which identity a sealed sender may claim (the session's), when a certificate is
// judged (when the relay took the envelope), stale certificates in the outbox, a verified
// contact's new identity holding sends, and blocked contacts. Real profiles (SQLCipher), the
// real core and a real tandem-relayd on loopback; envelopes an attacker would make are built
// with the real crypto and the relay's own key (read from its data folder, as a relay that
// issued them would).
#include <sodium.h>

#include <QFile>
#include <QTest>

#include "app/core/ContentHandler.h"
#include "app/core/SafetyNumbers.h"
#include "app/core/signal/SignalCodec.h"
#include "crypto/QtBytes.h"
#include "crypto/signal/Ratchet.h"
#include "crypto/signal/SealedSender.h"
#include "tandem/common/Clock.h"
#include "tandem/signal.pb.h"
#include "tests/relay/RelayTestClient.h"
#include "tests/support/Daemons.h"
#include "tests/support/SignalUser.h"

using namespace tandem;
using namespace tandem::storage;
using namespace tandem::crypto;
using namespace tandem::crypto::signal;
using core::signalmode::Opened;
using test::SignalUser;

namespace {

Bytes randomBytes(std::size_t n) {
    Bytes out(n);
    randombytes_buf(out.data(), n);
    return out;
}

core::NetworkConfig networkOf(const test::RelayProcess& relay, const QString& path) {
    return core::NetworkConfig::load(relay.writeNetworkJson(path)).value();
}

// The relay's signing key, from its data folder (64 bytes: seed ‖ public key).
Ed25519KeyPair relayKeyOf(const test::RelayProcess& relay) {
    QFile file(relay.dataDir() + QStringLiteral("/relay.key"));
    if (!file.open(QIODevice::ReadOnly)) {
        qFatal("cannot read the relay key");
    }
    const QByteArray secret = file.readAll();
    return Ed25519KeyPair::fromSeed(view(secret).first(32));
}

struct Stranger {
    IdentityKeyPair keys = IdentityKeyPair::generate();
    Bytes aci = randomBytes(16);
};

core::signalmode::Identity identityOf(SignalUser& user) {
    return test::await(
               user.store->read([](Repositories& r) { return core::signalmode::loadIdentity(r); }))
        .value()
        .value();
}

// Bob's bundle as the relay hands it out (his newest signed prekey, his highest one-time key).
PreKeyBundle bundleOf(SignalUser& user) {
    const auto me = identityOf(user);
    return test::await(user.store->read([me](Repositories& r) -> StoreResult<PreKeyBundle> {
               TANDEM_TRY_ASSIGN(const auto signedKey, r.prekeys.latestSigned());
               TANDEM_TRY_ASSIGN(const std::int64_t top, r.prekeys.maxKeyId(PrekeyKind::OneTime));
               TANDEM_TRY_ASSIGN(const auto oneTime, r.prekeys.get(PrekeyKind::OneTime, top));
               PreKeyBundle b;
               b.identity = me.keys->publicKey();
               b.signedPreKeyId = static_cast<std::uint32_t>(signedKey->keyId);
               std::copy_n(signedKey->publicKey.constData(), 32,
                           reinterpret_cast<char*>(b.signedPreKey.data()));
               std::copy_n(signedKey->signature.constData(), b.signedPreKeySignature.size(),
                           reinterpret_cast<char*>(b.signedPreKeySignature.data()));
               PublicKey otk{};
               std::copy_n(oneTime->publicKey.constData(), 32, reinterpret_cast<char*>(otk.data()));
               b.oneTimePreKey = std::make_pair(static_cast<std::uint32_t>(top), otk);
               return b;
           }))
        .value();
}

bool hasOneTimePreKey(SignalUser& user, std::uint32_t id) {
    return test::await(user.store->read([id](Repositories& r) {
               return r.prekeys.get(PrekeyKind::OneTime, id);
           }))
        .value()
        .has_value();
}

QByteArray content(const QString& text) {
    const std::int64_t now = nowMs();
    return core::textContent(MessageUid::generate(now), now, text, 0);
}

// `message` (type, bytes) sealed by `sender` under a certificate the relay signs for `aci`.
QByteArray sealed(const Ed25519KeyPair& relayKey, const IdentityKeyPair& sender, ByteView aci,
                  const PublicKey& certifiedIdentity, const OutgoingMessage& message,
                  const IdentityPublicKey& recipient, std::int64_t expiresMs) {
    const Bytes certificate = SenderCertificate::issue(
        relayKey, 1, aci, QString(), 1, certifiedIdentity, static_cast<std::uint64_t>(expiresMs));
    const Bytes envelope =
        sealSender(sender, certificate, message.type, message.bytes, recipient).value();
    return QByteArray(reinterpret_cast<const char*>(envelope.data()),
                      static_cast<qsizetype>(envelope.size()));
}

Opened openAt(SignalUser& user, const test::RelayProcess& relay, const QByteArray& envelope,
              std::int64_t now, std::int64_t receivedAt = 0) {
    const auto me = identityOf(user);
    const std::map<std::uint32_t, PublicKey> trusted = {{1, relay.key()}};
    return test::await(user.store->write([me, trusted, envelope, now, receivedAt](Repositories& r) {
               return core::signalmode::open(r, me, trusted, envelope, now, receivedAt);
           }))
        .value();
}

// A PreKey message whose inner ciphertext is damaged: X3DH works, the ratchet refuses it.
OutgoingMessage damaged(OutgoingMessage m) {
    proto::PreKeySignalMessage outer;
    outer.ParseFromArray(m.bytes.data(), static_cast<int>(m.bytes.size()));
    proto::SignalMessage inner;
    inner.ParseFromString(outer.message());
    inner.mutable_ciphertext()->back() ^= 1;
    outer.set_message(inner.SerializeAsString());
    const std::string bytes = outer.SerializeAsString();
    m.bytes.assign(bytes.begin(), bytes.end());
    return m;
}

}  // namespace

class SignalHostileTest : public QObject {
    Q_OBJECT

    QTemporaryDir scratch_;

private slots:
    void initTestCase() { QVERIFY(sodium_init() >= 0); }

    // A PreKey message from a stranger that fails to decrypt creates no contact and uses up no
    // one-time prekey (else anyone with an account could burn them all); the same message,
    // intact, then opens with that very prekey.
    void aMessageThatFailsChangesNothing() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        SignalUser bob(QStringLiteral("+4915100000002"));
        bob.open(true);
        bob.registerWith(networkOf(relay, scratch_.filePath(QStringLiteral("n1.json"))));
        const Ed25519KeyPair relayKey = relayKeyOf(relay);
        const Stranger mallory;
        const PreKeyBundle bundle = bundleOf(bob);
        const std::uint32_t oneTime = bundle.oneTimePreKey->first;
        auto session = RatchetSession::initiate(mallory.keys, bundle).value();
        const OutgoingMessage good = session.encrypt(view(content("hello"))).value();
        const auto bobKey = bundle.identity;

        const Opened refused =
            openAt(bob, relay,
                   sealed(relayKey, mallory.keys, mallory.aci, mallory.keys.publicKey().ed25519,
                          damaged(good), bobKey, nowMs() + 3600000),
                   nowMs());
        QCOMPARE(refused.outcome, Opened::Outcome::Undecryptable);
        QVERIFY(bob.contacts().empty());
        QVERIFY(hasOneTimePreKey(bob, oneTime));
        // A refusal discards its transaction's writes, so an envelope is opened in a
        // transaction of its own: after another write, open() refuses to start.
        const auto me = identityOf(bob);
        const std::map<std::uint32_t, PublicKey> trusted = {{1, relay.key()}};
        const QByteArray envelope =
            sealed(relayKey, mallory.keys, mallory.aci, mallory.keys.publicKey().ed25519, good,
                   bobKey, nowMs() + 3600000);
        const auto afterAWrite = test::await(
            bob.store->write([me, trusted, envelope](Repositories& r) -> StoreResult<Opened> {
                TANDEM_TRY(r.settings.set(QStringLiteral("written first"), QByteArray("x")));
                return core::signalmode::open(r, me, trusted, envelope, nowMs(), 0);
            }));
        QVERIFY(!afterAWrite.has_value());
        QCOMPARE(afterAWrite.error().code, StoreErrorCode::Internal);
        QVERIFY(bob.contacts().empty());
        QVERIFY(hasOneTimePreKey(bob, oneTime));

        const Opened opened =
            openAt(bob, relay,
                   sealed(relayKey, mallory.keys, mallory.aci, mallory.keys.publicKey().ed25519,
                          good, bobKey, nowMs() + 3600000),
                   nowMs());
        QCOMPARE(opened.outcome, Opened::Outcome::Stored);
        QCOMPARE(bob.contacts().size(), std::size_t{1});
        QVERIFY(!hasOneTimePreKey(bob, oneTime));
    }

    // A sealed sender whose certificate names a contact's account but another identity key
    // than their session's is refused, and their identity key stays: not replaced by what a
    // certificate claims before anything decrypted, nor after.
    void theCertificateMustNameTheSessionsIdentity() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        SignalUser bob(QStringLiteral("+4915100000002"));
        bob.open(true);
        bob.registerWith(networkOf(relay, scratch_.filePath(QStringLiteral("n2.json"))));
        const Ed25519KeyPair relayKey = relayKeyOf(relay);
        const Stranger alice;  // Bob's correspondent
        const Stranger eve;    // holds a certificate for Alice's account with her own key
        const PreKeyBundle bundle = bundleOf(bob);
        auto session = RatchetSession::initiate(alice.keys, bundle).value();
        const auto first = session.encrypt(view(content("from alice"))).value();
        QCOMPARE(openAt(bob, relay,
                        sealed(relayKey, alice.keys, alice.aci, alice.keys.publicKey().ed25519,
                               first, bundle.identity, nowMs() + 3600000),
                        nowMs())
                     .outcome,
                 Opened::Outcome::Stored);
        const QString aliceAddress = bob.contacts().front().address;
        const QByteArray aliceKey = bob.contacts().front().identityKey;

        // Alice's next message (a PreKey message: Bob has not answered), resealed by Eve.
        const auto second = session.encrypt(view(content("from eve"))).value();
        const Opened prekey =
            openAt(bob, relay,
                   sealed(relayKey, eve.keys, alice.aci, eve.keys.publicKey().ed25519, second,
                          bundle.identity, nowMs() + 3600000),
                   nowMs());
        QCOMPARE(prekey.outcome, Opened::Outcome::Undecryptable);
        QVERIFY(!prekey.identityChanged);

        // Bob answers; Alice's next is a plain (Whisper) message. Resealed by Eve: refused too.
        const auto me = identityOf(bob);
        const Bytes bobCertificate = SenderCertificate::issue(
            relayKey, 1, randomBytes(16), QString(), 1, me.keys->publicKey().ed25519,
            static_cast<std::uint64_t>(nowMs() + 3600000));
        const auto reply =
            test::await(bob.store->write([me, aliceAddress, bobCertificate](Repositories& r)
                                             -> StoreResult<core::signalmode::Sealed> {
                TANDEM_TRY_ASSIGN(const auto contact, r.contacts.find(Mode::Signal, aliceAddress));
                return core::signalmode::seal(
                    r, me, *contact, content("hi alice"),
                    QByteArray(reinterpret_cast<const char*>(bobCertificate.data()),
                               static_cast<qsizetype>(bobCertificate.size())),
                    std::nullopt, nowMs());
            })).value();
        QVERIFY(!reply.envelope.isEmpty());
        const auto unsealed = openSealed(alice.keys, view(reply.envelope), {{1, relay.key()}},
                                         static_cast<std::uint64_t>(nowMs()))
                                  .value();
        QVERIFY(session.decrypt(unsealed.message.span()).has_value());
        const auto third = session.encrypt(view(content("again from eve"))).value();
        QCOMPARE(third.type, MessageType::Whisper);
        const Opened whisper =
            openAt(bob, relay,
                   sealed(relayKey, eve.keys, alice.aci, eve.keys.publicKey().ed25519, third,
                          bundle.identity, nowMs() + 3600000),
                   nowMs());
        QCOMPARE(whisper.outcome, Opened::Outcome::Undecryptable);
        QCOMPARE(bob.contact(aliceAddress)->identityKey, aliceKey);
        QCOMPARE(bob.contacts().size(), std::size_t{1});
    }

    // A certificate is judged when the relay took the envelope: a message that waited in the
    // mailbox past its certificate's expiry still opens; one the relay took after it does not.
    void aCertificateIsJudgedWhenTheRelayTookTheEnvelope() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        SignalUser bob(QStringLiteral("+4915100000002"));
        bob.open(true);
        bob.registerWith(networkOf(relay, scratch_.filePath(QStringLiteral("n3.json"))));
        const Ed25519KeyPair relayKey = relayKeyOf(relay);
        const Stranger alice;
        const PreKeyBundle bundle = bundleOf(bob);
        auto session = RatchetSession::initiate(alice.keys, bundle).value();
        const std::int64_t expires = nowMs() + 60000;
        const std::int64_t aDayLater = expires + 24LL * 3600 * 1000;
        const auto late = session.encrypt(view(content("taken in time"))).value();
        const QByteArray envelope =
            sealed(relayKey, alice.keys, alice.aci, alice.keys.publicKey().ed25519, late,
                   bundle.identity, expires);
        // Taken by the relay after the expiry: refused.
        QCOMPARE(openAt(bob, relay, envelope, aDayLater, expires + 1).outcome,
                 Opened::Outcome::Undecryptable);
        // Taken before it, fetched a day later: opens.
        QCOMPARE(openAt(bob, relay, envelope, aDayLater, expires - 1000).outcome,
                 Opened::Outcome::Stored);
        // A relay time in the future counts as now.
        const auto next = session.encrypt(view(content("from the future"))).value();
        QCOMPARE(openAt(bob, relay,
                        sealed(relayKey, alice.keys, alice.aci, alice.keys.publicKey().ed25519,
                               next, bundle.identity, expires),
                        aDayLater, aDayLater + 1000)
                     .outcome,
                 Opened::Outcome::Undecryptable);
    }

    // An outbox item sealed with a certificate that expires before it reaches the relay is
    // sealed again with a new one (the recipient would refuse it, judged at the relay's time).
    void anItemWhoseCertificateExpiredIsSealedAgain() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        const auto network = networkOf(relay, scratch_.filePath(QStringLiteral("n4.json")));
        SignalUser alice(QStringLiteral("+4915100000001"));
        SignalUser bob(QStringLiteral("+4915100000002"));
        for (SignalUser* u : {&alice, &bob}) {
            u->open(true);
            u->registerWith(network);
            u->start();
        }
        QVERIFY(test::await(alice.messenger->sendText(Mode::Signal, bob.phone, "first")));
        QTRY_VERIFY_WITH_TIMEOUT(bob.received.contains("first"), 20000);
        alice.stop();

        // Queued while offline, sealed with a certificate that expires in a second.
        const Ed25519KeyPair relayKey = relayKeyOf(relay);
        const auto me = identityOf(alice);
        const std::int64_t expires = nowMs() + 1000;
        const Bytes certificate = SenderCertificate::issue(relayKey, 1, view(me.aci), QString(), 1,
                                                           me.keys->publicKey().ed25519,
                                                           static_cast<std::uint64_t>(expires));
        const core::signalmode::Certificate stale{
            QByteArray(reinterpret_cast<const char*>(certificate.data()),
                       static_cast<qsizetype>(certificate.size())),
            expires};
        const auto queued = test::await(alice.store->write(
            [me, stale, phone = bob.phone](Repositories& r) -> StoreResult<bool> {
                const std::int64_t now = nowMs();
                TANDEM_TRY_ASSIGN(const auto found, r.contacts.find(Mode::Signal, phone));
                if (!found) {
                    return storeError(StoreErrorCode::NotFound, QStringLiteral("no Bob"));
                }
                const Contact contact = *found;
                TANDEM_TRY_ASSIGN(const Conversation c,
                                  r.conversations.forContact(contact.id, now));
                Message m;
                m.conversationId = c.id;
                m.uid = MessageUid::generate(now);
                m.direction = Direction::Outgoing;
                m.body = QStringLiteral("late");
                m.status = MessageStatus::Pending;
                m.sentAt = now;
                TANDEM_TRY_ASSIGN(const auto inserted, r.messages.insert(m));
                const QByteArray text = core::textContent(m.uid, now, m.body, 0);
                TANDEM_TRY_ASSIGN(
                    const std::int64_t outboxId,
                    core::enqueueContent(r, c.id, inserted.id, OutboxKind::Message, text, now));
                TANDEM_TRY_ASSIGN(const auto item,
                                  core::signalmode::sealQueued(r, me, outboxId, contact, text,
                                                               stale, std::nullopt, now));
                return !item.sealed.envelope.isEmpty();
            }));
        QVERIFY(queued.value());
        QTest::qWait(1200);  // the certificate is past
        alice.start();
        QTRY_VERIFY_WITH_TIMEOUT(bob.received.contains("late"), 20000);
    }

    // Bob, whom Alice verified, registers again (a new identity key): Alice's messages to him
    // wait until she accepts the new safety number; then they go.
    void aVerifiedContactsNewIdentityHoldsSends() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        const auto network = networkOf(relay, scratch_.filePath(QStringLiteral("n5.json")));
        SignalUser alice(QStringLiteral("+4915100000001"));
        SignalUser bob(QStringLiteral("+4915100000002"));
        for (SignalUser* u : {&alice, &bob}) {
            u->open(true);
            u->registerWith(network);
            u->start();
        }
        QVERIFY(test::await(alice.messenger->sendText(Mode::Signal, bob.phone, "one")));
        QTRY_VERIFY_WITH_TIMEOUT(bob.received.contains("one"), 20000);
        const std::int64_t bobId = alice.contact(bob.phone)->id;
        QVERIFY(test::await(alice.store->write([bobId](Repositories& r) {
                    return r.contacts.setVerification(bobId, Verification::Verified);
                })).has_value());

        bob.stop();
        bob.registerWith(network);  // a new identity key
        bob.start();
        QVERIFY(test::await(alice.messenger->sendText(Mode::Signal, bob.phone, "held")));
        QTRY_COMPARE_WITH_TIMEOUT(alice.contact(bob.phone)->verification, Verification::Unverified,
                                  20000);
        QTest::qWait(1500);
        QVERIFY(!bob.received.contains("held"));
        QVERIFY(core::Messenger::isHeld(*alice.contact(bob.phone)));

        QVERIFY(test::await(alice.store->write([bobId](Repositories& r) {
                    return r.contacts.setVerification(bobId, Verification::Default);
                })).has_value());
        alice.messenger->resumeOutbox();
        QTRY_VERIFY_WITH_TIMEOUT(bob.received.contains("held"), 20000);
    }

    // What a blocked contact sends is dropped; sending to them is refused, with a reason.
    void aBlockedContactIsNotHeard() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        const auto network = networkOf(relay, scratch_.filePath(QStringLiteral("n6.json")));
        SignalUser alice(QStringLiteral("+4915100000001"));
        SignalUser bob(QStringLiteral("+4915100000002"));
        SignalUser carol(QStringLiteral("+4915100000003"));
        for (SignalUser* u : {&alice, &bob, &carol}) {
            u->open(true);
            u->registerWith(network, /*sharePhone=*/true);
            u->start();
        }
        QVERIFY(test::await(bob.messenger->sendText(Mode::Signal, alice.phone, "before")));
        QTRY_VERIFY_WITH_TIMEOUT(alice.received.contains("before"), 20000);
        const std::int64_t bobId = alice.contact(bob.phone)->id;
        QVERIFY(test::await(alice.store->write([bobId](Repositories& r) {
                    return r.contacts.setBlocked(bobId, true);
                })).has_value());

        QVERIFY(test::await(bob.messenger->sendText(Mode::Signal, alice.phone, "spam")));
        QTRY_VERIFY_WITH_TIMEOUT(bob.messenger->isIdle(), 20000);  // the relay has it
        // Alice's mailbox is delivered in order: Carol's message comes after Bob's.
        QVERIFY(test::await(carol.messenger->sendText(Mode::Signal, alice.phone, "after")));
        QTRY_VERIFY_WITH_TIMEOUT(alice.received.contains("after"), 20000);
        QVERIFY(!alice.received.contains("spam"));

        const auto refused =
            test::await(alice.messenger->sendText(Mode::Signal, bob.phone, "to a blocked one"));
        QVERIFY(!refused.has_value());
        QVERIFY2(refused.error().message.contains("blocked"), qPrintable(refused.error().message));
    }

    // The signed prekey is rotated once a week (on connect), the new one uploaded; a message
    // built on the bundle from before still opens; the replaced key goes a month later.
    void theSignedPreKeyIsRotatedAndTheOldOneKeptAWhile() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        const auto network = networkOf(relay, scratch_.filePath(QStringLiteral("n8.json")));
        SignalUser bob(QStringLiteral("+4915100000002"));
        bob.open(true);
        bob.registerWith(network);
        const Ed25519KeyPair relayKey = relayKeyOf(relay);
        const Stranger alice;
        const PreKeyBundle before = bundleOf(bob);
        QCOMPARE(before.signedPreKeyId, 1u);
        auto session = RatchetSession::initiate(alice.keys, before).value();
        const auto late = session.encrypt(view(content("built on last week's bundle"))).value();

        const auto age = [&](std::int64_t days) {
            QVERIFY(test::await(bob.store->write([days](Repositories& r) -> StoreResult<void> {
                        auto stmt = r.db.prepare(
                            "UPDATE prekeys SET created_at = created_at - ? WHERE kind = 1");
                        if (!stmt) {
                            return unexpected(stmt.error());
                        }
                        (*stmt)->bind(1, days * 24 * 3600 * 1000);
                        return (*stmt)->run();
                    })).has_value());
        };
        const auto latest = [&] {
            return test::await(
                       bob.store->read([](Repositories& r) { return r.prekeys.latestSigned(); }))
                .value()
                .value_or(Prekey{});
        };
        const auto hasSigned = [&](std::int64_t id) {
            return test::await(bob.store->read([id](Repositories& r) {
                       return r.prekeys.get(PrekeyKind::Signed, id);
                   }))
                .value()
                .has_value();
        };
        age(8);
        bob.start();
        QTRY_VERIFY_WITH_TIMEOUT(latest().keyId == 2 && latest().uploaded, 20000);
        QVERIFY(hasSigned(1));
        QCOMPARE(bundleOf(bob).signedPreKeyId, 2u);
        QCOMPARE(openAt(bob, relay,
                        sealed(relayKey, alice.keys, alice.aci, alice.keys.publicKey().ed25519,
                               late, before.identity, nowMs() + 3600000),
                        nowMs())
                     .outcome,
                 Opened::Outcome::Stored);
        // A month and a week later: key 1 goes (key 2 is rotated in turn, and stays).
        bob.stop();
        age(38);
        bob.start();
        QTRY_VERIFY_WITH_TIMEOUT(latest().keyId == 3 && latest().uploaded, 20000);
        QVERIFY(!hasSigned(1));
        QVERIFY(hasSigned(2));
    }

    // Someone with an account fetches Bob's bundle again and again, taking a one-time prekey
    // each time. When fewer than the relay's low-water mark are left, the relay tells Bob's
    // connected client (PreKeysLow), which uploads more at once: every bundle still carries one.
    // (Before, Bob refilled only at his next connection, or after a PreKey message arrived.)
    void drainedOneTimePreKeysAreRefilledAtOnce() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        const auto network = networkOf(relay, scratch_.filePath(QStringLiteral("n10.json")));
        SignalUser bob(QStringLiteral("+4915100000002"));
        bob.open(true);
        bob.registerWith(network);
        bob.start();
        const auto highestKey = [&] {
            return test::await(bob.store->read([](Repositories& r) {
                       return r.prekeys.maxKeyId(PrekeyKind::OneTime);
                   }))
                .value();
        };
        QCOMPARE(highestKey(), std::int64_t{core::SignalRegistration::kInitialOneTimePreKeys});
        test::Client drainer(relay.endpoint());
        test::registerAndAuth(drainer, test::Account{QStringLiteral("+4915100000066")});
        int withKey = 0;
        const auto fetch = [&] {
            proto::relay::ClientFrame f;
            f.mutable_fetch_bundle()->set_phone(bob.phone.toStdString());
            const auto answer = drainer.call(f);
            QVERIFY2(answer.has_bundle(), answer.error().message().c_str());
            proto::PreKeyBundle bundle;
            QVERIFY(bundle.ParseFromString(answer.bundle().bundle()));
            withKey += bundle.has_one_time_prekey() ? 1 : 0;
        };
        for (int i = 0; i < 85; ++i) {
            fetch();
        }
        QCOMPARE(withKey, 85);
        QTRY_VERIFY_WITH_TIMEOUT(highestKey() > core::SignalRegistration::kInitialOneTimePreKeys,
                                 10000);
        // Uploaded, not only made: the next hundred fetches all get one.
        QTest::qWait(500);
        for (int i = 0; i < 100; ++i) {
            fetch();
        }
        QCOMPARE(withKey, 185);
    }

    // Alice does not share her number, so Bob knows her only by her account id: both still
    // compute the same safety number (each party named by its account id).
    void bothSidesComputeTheSameSafetyNumber() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        const auto network = networkOf(relay, scratch_.filePath(QStringLiteral("n7.json")));
        SignalUser alice(QStringLiteral("+4915100000001"));
        SignalUser bob(QStringLiteral("+4915100000002"));
        alice.open(true);
        alice.registerWith(network, /*sharePhone=*/false);
        bob.open(true);
        bob.registerWith(network, /*sharePhone=*/true);
        alice.start();
        bob.start();
        QVERIFY(test::await(alice.messenger->sendText(Mode::Signal, bob.phone, "hi")));
        QTRY_VERIFY_WITH_TIMEOUT(bob.received.contains("hi"), 20000);
        QCOMPARE(bob.contacts().size(), std::size_t{1});
        QVERIFY(bob.contacts().front().address.startsWith("aci:"));
        const auto numberOf = [](SignalUser& user) {
            return test::await(user.store->read([](Repositories& r) -> StoreResult<QString> {
                       TANDEM_TRY_ASSIGN(const auto contacts, r.contacts.list(Mode::Signal));
                       TANDEM_TRY_ASSIGN(const auto number,
                                         core::safetyNumberWith(r, contacts.front()));
                       return number ? number->digits : QString();
                   }))
                .value();
        };
        const QString seenByAlice = numberOf(alice);
        QCOMPARE(seenByAlice.size(), 60);
        QCOMPARE(numberOf(bob), seenByAlice);
    }
};

QTEST_GUILESS_MAIN(SignalHostileTest)
#include "tst_signal_hostile.moc"
