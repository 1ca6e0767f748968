// Access keys and identified sends at a real tandem-relayd: a bundle carries no access key;
// an account rotates its key (SetAccessKey) durably, and the old one is refused; a send without
// a key from a signed-in account is an identified send, delivered like a sealed one and
// limited per account; and RelayTransport sends without a key, falls back from a stale key
// once (accessKeyRefused), and keeps the order of a mix of sealed and identified sends.
#include <algorithm>
#include <set>
#include <sodium.h>

#include <QSignalSpy>
#include <QTest>

#include "crypto/signal/Identity.h"
#include "tests/relay/RelayTestClient.h"
#include "tests/support/Daemons.h"
#include "transport/relay/Address.h"
#include "transport/relay/RelayAccountClient.h"
#include "transport/relay/RelayTransport.h"
#include "transport/relay/server/IdentifiedSendLimiter.h"
#include "transport/relay/server/RelayLimits.h"

using namespace tandem;
using namespace tandem::crypto;
using namespace tandem::transport;
using proto::relay::Error;
using namespace tandem::test;

namespace {

std::string randomKey() {
    std::string key(relay::kAccessKeyBytes, '\0');
    randombytes_buf(key.data(), key.size());
    return key;
}

ClientFrame identifiedSendFrame(const QString& to, const std::string& envelope) {
    ClientFrame f;
    f.mutable_send()->set_recipient(to.toStdString());
    f.mutable_send()->set_envelope(envelope);
    return f;
}

ClientFrame setAccessKeyFrame(const std::string& key) {
    ClientFrame f;
    f.mutable_set_access_key()->set_access_key(key);
    return f;
}

ServerFrame withoutRequestId(ServerFrame frame) {
    frame.clear_request_id();
    return frame;
}

// An account's RelayTransport, started, that counts what it is told.
struct Sender {
    RelayTransport transport;
    QSignalSpy accepted{&transport, &Transport::accepted};
    QSignalSpy failed{&transport, &Transport::failed};
    QSignalSpy refused{&transport, &RelayTransport::accessKeyRefused};
    int next = 0;

    Sender(const RelayEndpoint& endpoint, const Account& a)
        : transport(endpoint, {a.phone, QByteArray::fromStdString(a.password)}) {
        transport.start();
    }

    void send(const Account& to, const std::string& key, const std::string& text) {
        OutgoingEnvelope e;
        e.id = QByteArray::number(++next);
        e.recipient = to.phone;
        e.accessKey = QByteArray::fromStdString(key);
        e.ciphertext = QByteArray::fromStdString(text);
        transport.send(e);
    }

    bool allAccepted(int count) {
        const bool done =
            QTest::qWaitFor([&] { return accepted.size() + failed.size() >= count; }, 30000);
        for (const auto& f : failed) {
            qWarning() << "failed:" << f.at(1).value<TransportError>().message;
        }
        return done && failed.isEmpty() && accepted.size() == count;
    }
};

std::vector<std::string> envelopesOf(const Client& c) {
    std::vector<std::string> out;
    for (const auto& e : c.delivered) {
        out.push_back(e.envelope());
    }
    return out;
}

}  // namespace

class RelayAccessTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(sodium_init() >= 0);
        qRegisterMetaType<TransportError>();
    }

    // Whoever can fetch a bundle cannot send sealed with it: the relay no longer puts the
    // account's access key in, and the client's RelayBundle has none.
    void aBundleCarriesNoAccessKey() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        Account alice{QStringLiteral("+4915100000001")};
        Account bob{QStringLiteral("+4915100000002")};
        bob.accessKey = randomKey();
        Client a(relay.endpoint());
        Client b(relay.endpoint());
        registerAndAuth(a, alice);
        registerAndAuth(b, bob);
        const auto spk = signal::SignedPreKey::generate(bob.identity, 1);
        ClientFrame upload;
        upload.mutable_upload_prekeys()->set_signed_prekey_id(1);
        upload.mutable_upload_prekeys()->set_signed_prekey(toString(spk.keyPair.publicKey));
        upload.mutable_upload_prekeys()->set_signed_prekey_signature(toString(spk.signature));
        QVERIFY(b.call(upload).has_prekey_status());

        ClientFrame fetch;
        fetch.mutable_fetch_bundle()->set_phone(bob.phone.toStdString());
        const ServerFrame reply = a.call(fetch);
        QVERIFY(reply.has_bundle());
        // Nothing but the bundle and the id: no field 2 (kept as unknown bytes if it came).
        proto::relay::Bundle only;
        only.set_bundle(reply.bundle().bundle());
        only.set_aci(reply.bundle().aci());
        QCOMPARE(reply.bundle().SerializeAsString(), only.SerializeAsString());
        QVERIFY(!QByteArray::fromStdString(reply.SerializeAsString())
                     .contains(QByteArray::fromStdString(bob.accessKey)));

        const auto bundle =
            test::await(RelayAccountClient(a.connection.get()).fetchBundle(bob.phone));
        QVERIFY(bundle.has_value());
        QCOMPARE(bundle->aci.size(), qsizetype{relay::kAciBytes});
        QVERIFY(!bundle->bundle.isEmpty());
    }

    // Without a key, from a signed-in account: delivered and pushed like a sealed send, with
    // the same checks (an unknown recipient, a stale identity); an unknown recipient is told
    // as such, since the sender could ask Lookup.
    void anIdentifiedSendIsDeliveredAndPushed() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        Account alice{QStringLiteral("+4915100000001")};
        Account bob{QStringLiteral("+4915100000002")};
        Client a(relay.endpoint());
        registerAndAuth(a, alice);
        QVERIFY(a.call(registerFrame(bob)).has_registered());

        QVERIFY(a.call(identifiedSendFrame(bob.phone, "while away")).has_accepted());
        Client b(relay.endpoint());
        QVERIFY(b.call(authFrame(bob)).has_ok());
        QTRY_COMPARE_WITH_TIMEOUT(envelopesOf(b), std::vector<std::string>{"while away"}, 10000);
        QVERIFY(a.call(identifiedSendFrame(bob.phone, "pushed")).has_accepted());
        QTRY_COMPARE_WITH_TIMEOUT(b.delivered.size(), std::size_t{2}, 10000);
        QCOMPARE(b.delivered[1].envelope(), "pushed");

        const ServerFrame nobody =
            a.call(identifiedSendFrame(QStringLiteral("+4915100000009"), "x"));
        QCOMPARE(nobody.error().code(), Error::NOT_FOUND);
        ClientFrame stale = identifiedSendFrame(bob.phone, "x");
        stale.mutable_send()->set_recipient_identity(std::string(32, 's'));
        QCOMPARE(a.call(stale).error().code(), Error::STALE_IDENTITY);
        ClientFrame current = identifiedSendFrame(bob.phone, "for this identity");
        current.mutable_send()->set_recipient_identity(toString(bob.identity.publicKey().ed25519));
        QVERIFY(a.call(current).has_accepted());
        // A key on a signed-in connection is checked as ever.
        ClientFrame wrongKey = sendFrame(bob, "x");
        wrongKey.mutable_send()->set_access_key(std::string(16, 'w'));
        QCOMPARE(a.call(wrongKey).error().code(), Error::UNAUTHORIZED);
        QTRY_COMPARE_WITH_TIMEOUT(b.delivered.size(), std::size_t{3}, 10000);
    }

    // An empty key from a connection that did not sign in is a wrong key, word for word.
    void anIdentifiedSendNeedsAnAccount() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        Account bob{QStringLiteral("+4915100000002")};
        Client b(relay.endpoint());
        registerAndAuth(b, bob);
        Client anonymous(relay.endpoint());
        const ServerFrame empty = anonymous.call(identifiedSendFrame(bob.phone, "x"));
        QCOMPARE(empty.error().code(), Error::UNAUTHORIZED);
        ClientFrame wrong = sendFrame(bob, "x");
        wrong.mutable_send()->set_access_key(std::string(16, 'w'));
        QCOMPARE(withoutRequestId(anonymous.call(wrong)).SerializeAsString(),
                 withoutRequestId(empty).SerializeAsString());
        QTest::qWait(200);
        QVERIFY(b.delivered.empty());
    }

    // Past an account's identified sends an hour, RATE_LIMITED with a sentence; past its new
    // recipients a day likewise (an unknown number counts: probing costs). The relay keeps
    // serving everyone, the limited account's sealed sends too.
    void identifiedSendsAreRateLimited() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        const relay::IdentifiedSendLimiter::Limits limits = relay::RelayLimits{}.identifiedSends;
        Account alice{QStringLiteral("+4915100000001")};
        Account bob{QStringLiteral("+4915100000002")};
        Account carol{QStringLiteral("+4915100000003")};
        Client a(relay.endpoint());
        Client b(relay.endpoint());
        Client c(relay.endpoint());
        registerAndAuth(a, alice);
        registerAndAuth(b, bob);
        registerAndAuth(c, carol);

        std::vector<QFuture<RelayReply>> replies;
        for (int i = 0; i <= limits.sendsPerHour; ++i) {
            replies.push_back(
                a.connection->request(identifiedSendFrame(bob.phone, std::to_string(i))));
        }
        // (Refusals are answered at once, acceptances after their commit.)
        QVERIFY(QTest::qWaitFor(
            [&] {
                return std::all_of(replies.begin(), replies.end(),
                                   [](const auto& r) { return r.isFinished(); });
            },
            60000));
        int accepted = 0;
        for (std::size_t i = 0; i + 1 < replies.size(); ++i) {
            const RelayReply r = replies[i].result();
            accepted += r && r->has_accepted() ? 1 : 0;
        }
        QCOMPARE(accepted, limits.sendsPerHour);
        const RelayReply limited = replies.back().result();
        QVERIFY(limited.has_value());
        QCOMPARE(limited->error().code(), Error::RATE_LIMITED);
        QVERIFY2(QString::fromStdString(limited->error().message()).contains("an hour"),
                 limited->error().message().c_str());
        // Still served: Alice's sealed sends, Carol's identified ones, Alice's account calls.
        QVERIFY(a.call(sendFrame(bob, "sealed")).has_accepted());
        QVERIFY(c.call(identifiedSendFrame(bob.phone, "from carol")).has_accepted());
        ClientFrame cert;
        cert.mutable_get_certificate();
        QVERIFY(a.call(cert).has_certificate());

        // Carol: new recipients a day (Bob is one already).
        for (int i = 1; i < limits.recipientsPerDay; ++i) {
            const QString number = QStringLiteral("+4916%1").arg(i, 8, 10, QLatin1Char('0'));
            QCOMPARE(c.call(identifiedSendFrame(number, "x")).error().code(), Error::NOT_FOUND);
        }
        const ServerFrame tooMany =
            c.call(identifiedSendFrame(QStringLiteral("+4917000000000"), "x"));
        QCOMPARE(tooMany.error().code(), Error::RATE_LIMITED);
        QVERIFY2(QString::fromStdString(tooMany.error().message()).contains("recipients"),
                 tooMany.error().message().c_str());
        // Someone she already wrote to today is not a new recipient.
        QVERIFY(c.call(identifiedSendFrame(bob.phone, "again")).has_accepted());
        QCOMPARE(c.call(identifiedSendFrame(QStringLiteral("+4917000000001"), "x")).error().code(),
                 Error::RATE_LIMITED);
    }

    // The limiter on its own clock: the day and the hour pass, and senders are forgotten.
    void theIdentifiedSendLimiterForgets() {
        using relay::IdentifiedSendLimiter;
        IdentifiedSendLimiter limiter({.recipientsPerDay = 2, .sendsPerHour = 3});
        const std::int64_t t = 1000000000;
        using V = IdentifiedSendLimiter::Verdict;
        QCOMPARE(limiter.admit(1, QStringLiteral("a"), t), V::Allowed);
        QCOMPARE(limiter.admit(1, QStringLiteral("b"), t), V::Allowed);
        QCOMPARE(limiter.admit(1, QStringLiteral("c"), t), V::TooManyRecipients);
        QCOMPARE(limiter.admit(1, QStringLiteral("a"), t), V::Allowed);
        QCOMPARE(limiter.admit(1, QStringLiteral("a"), t), V::TooManySends);
        QCOMPARE(limiter.admit(2, QStringLiteral("a"), t), V::Allowed);  // per account
        QCOMPARE(limiter.admit(1, QStringLiteral("a"), t + 1200 * 1000), V::Allowed);  // 1/20 min
        QCOMPARE(limiter.admit(1, QStringLiteral("a"), t + 1200 * 1000), V::TooManySends);
        QCOMPARE(limiter.admit(1, QStringLiteral("c"), t + IdentifiedSendLimiter::kDayMs),
                 V::Allowed);
        limiter.forgetExpired(t + IdentifiedSendLimiter::kDayMs + 1000);
        QCOMPARE(limiter.trackedSenders(), std::size_t{1});  // account 2's day has passed
        limiter.forgetExpired(t + 3 * IdentifiedSendLimiter::kDayMs);
        QCOMPARE(limiter.trackedSenders(), std::size_t{0});
    }

    // SetAccessKey: signed-in accounts only, exactly 16 bytes; the old key is refused at once,
    // the new one works, and both stay so after the relay is killed and restarted.
    void anAccountRotatesItsAccessKey() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        Account bob{QStringLiteral("+4915100000002")};
        Client b(relay.endpoint());
        QCOMPARE(b.call(setAccessKeyFrame(randomKey())).error().code(), Error::UNAUTHORIZED);
        registerAndAuth(b, bob);
        for (const std::size_t size : {std::size_t{0}, std::size_t{15}, std::size_t{17}}) {
            const ServerFrame bad = b.call(setAccessKeyFrame(std::string(size, 'k')));
            QCOMPARE(bad.error().code(), Error::MALFORMED);
            QVERIFY2(QString::fromStdString(bad.error().message()).contains("16 bytes"),
                     bad.error().message().c_str());
        }
        Client sender(relay.endpoint());
        QVERIFY(sender.call(sendFrame(bob, "old key")).has_accepted());

        Account rotated{bob.phone};
        rotated.accessKey = randomKey();
        const auto set =
            test::await(RelayAccountClient(b.connection.get())
                            .setAccessKey(QByteArray::fromStdString(rotated.accessKey)));
        QVERIFY2(set.has_value(), qPrintable(set ? QString() : set.error().message));
        QCOMPARE(sender.call(sendFrame(bob, "x")).error().code(), Error::UNAUTHORIZED);
        QVERIFY(sender.call(sendFrame(rotated, "new key")).has_accepted());
        const auto wrongSize =
            test::await(RelayAccountClient(b.connection.get()).setAccessKey(QByteArray(8, 'k')));
        QVERIFY(!wrongSize);
        QCOMPARE(wrongSize.error().code, TransportError::Code::Rejected);

        relay.kill();
        QVERIFY(relay.start());
        Client after(relay.endpoint());
        QCOMPARE(after.call(sendFrame(bob, "x")).error().code(), Error::UNAUTHORIZED);
        QVERIFY(after.call(sendFrame(rotated, "after the restart")).has_accepted());
        Client b2(relay.endpoint());
        QVERIFY(b2.call(authFrame(bob)).has_ok());
        QTRY_COMPARE_WITH_TIMEOUT(
            envelopesOf(b2), (std::vector<std::string>{"old key", "new key", "after the restart"}),
            10000);
    }

    // RelayTransport: a send without a key goes identified and arrives; one with a key the
    // recipient rotated away arrives too (identified, once refused), accessKeyRefused fires
    // once, and a later send with that key goes identified at once.
    void theTransportSendsWithoutAKeyAndFallsBackFromAStaleOne() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        Account alice{QStringLiteral("+4915100000001")};
        Account bob{QStringLiteral("+4915100000002")};
        Client b(relay.endpoint());
        {
            Client setup(relay.endpoint());
            registerAndAuth(setup, alice);
        }
        registerAndAuth(b, bob);
        Sender a(relay.endpoint(), alice);
        a.send(bob, {}, "no key");
        QVERIFY(a.allAccepted(1));
        QTRY_COMPARE_WITH_TIMEOUT(envelopesOf(b), std::vector<std::string>{"no key"}, 10000);

        const std::string old = bob.accessKey;
        QVERIFY(b.call(setAccessKeyFrame(randomKey())).has_ok());
        for (int i = 0; i < 3; ++i) {  // pipelined: all three on the wire with the old key
            a.send(bob, old, "stale " + std::to_string(i));
        }
        QVERIFY(a.allAccepted(4));
        QCOMPARE(a.refused.size(), 1);
        QCOMPARE(a.refused.first().at(0).toString(), bob.phone);
        a.send(bob, old, "stale again");
        QVERIFY(a.allAccepted(5));
        QCOMPARE(a.refused.size(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(
            envelopesOf(b),
            (std::vector<std::string>{"no key", "stale 0", "stale 1", "stale 2", "stale again"}),
            10000);
        // An unknown recipient: the key is refused, and identified the send finds nobody.
        Account nobody{QStringLiteral("+4915100000009")};
        a.send(nobody, old, "nobody");
        QVERIFY(QTest::qWaitFor([&] { return a.failed.size() == 1; }, 10000));
        QCOMPARE(a.failed.first().at(1).value<TransportError>().code,
                 TransportError::Code::NotFound);
        QCOMPARE(a.refused.size(), 2);
    }

    // A mix of sealed, identified and stale-key sends, given before either connection is up
    // and while they run, reaches the recipient in the order given.
    void theTransportKeepsOrderAcrossItsConnections() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        Account alice{QStringLiteral("+4915100000001")};
        Account bob{QStringLiteral("+4915100000002")};
        Client b(relay.endpoint());
        {
            Client setup(relay.endpoint());
            registerAndAuth(setup, alice);
        }
        registerAndAuth(b, bob);
        const std::string stale = bob.accessKey;
        Account rotated{bob.phone};
        rotated.accessKey = randomKey();
        QVERIFY(b.call(setAccessKeyFrame(rotated.accessKey)).has_ok());

        Sender a(relay.endpoint(), alice);
        std::vector<std::string> expected;
        const auto sendSome = [&](int from, int count) {
            for (int i = from; i < from + count; ++i) {
                const std::string text = "m" + std::to_string(i);
                // Runs of each kind and single ones: sealed, identified, stale.
                const int kind = (i / 3 + i) % 3;
                a.send(bob,
                       kind == 0   ? rotated.accessKey
                       : kind == 1 ? std::string()
                                   : stale,
                       text);
                expected.push_back(text);
            }
        };
        sendSome(0, 60);  // before the connections are up
        QVERIFY(a.allAccepted(60));
        sendSome(60, 240);  // on running connections, pipelined
        QVERIFY(a.allAccepted(300));
        QTRY_COMPARE_WITH_TIMEOUT(b.delivered.size(), expected.size(), 20000);
        QCOMPARE(envelopesOf(b), expected);
        QCOMPARE(a.refused.size(), 1);
    }

    // The relay is killed while sealed and identified sends are on both connections: they
    // go again on the next connections, and the recipient sees them first in the order given
    // (a copy whose answer was lost may come again; the recipient drops it by its uid).
    void theOrderHoldsWhenTheRelayDiesMidway() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        Account alice{QStringLiteral("+4915100000001")};
        Account bob{QStringLiteral("+4915100000002")};
        {
            Client setup(relay.endpoint());
            registerAndAuth(setup, alice);
            QVERIFY(setup.call(registerFrame(bob)).has_registered());
        }
        Sender a(relay.endpoint(), alice);
        QVERIFY(QTest::qWaitFor([&] { return a.transport.isAuthenticated(); }, 10000));
        std::vector<std::string> expected;
        for (int i = 0; i < 400; ++i) {
            const std::string text = "m" + std::to_string(i);
            a.send(bob, (i / 7) % 2 == 0 ? bob.accessKey : std::string(), text);
            expected.push_back(text);
        }
        QVERIFY(QTest::qWaitFor([&] { return a.accepted.size() >= 40; }, 10000));
        relay.kill();
        qInfo() << a.accepted.size() << "of 400 accepted before the relay died";
        QVERIFY(relay.start());
        QVERIFY(a.allAccepted(400));
        Client b(relay.endpoint());
        QVERIFY(b.call(authFrame(bob)).has_ok());
        QTRY_VERIFY_WITH_TIMEOUT(b.delivered.size() >= expected.size(), 20000);
        QTest::qWait(300);
        std::vector<std::string> firsts;
        std::set<std::string> seen;
        for (const std::string& e : envelopesOf(b)) {
            if (seen.insert(e).second) {
                firsts.push_back(e);
            }
        }
        QCOMPARE(firsts, expected);
        qInfo() << "delivered" << b.delivered.size() << "for" << expected.size() << "sends";
    }
};

QTEST_GUILESS_MAIN(RelayAccessTest)
#include "tst_relay_access.moc"
