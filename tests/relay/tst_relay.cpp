// tandem-relayd as a real process: registration and its codes, prekeys and bundles, sealed
// sends pushed and drained, acknowledgement, persistence across restart and SIGKILL, and bad
// input that closes only the offending connection.
#include <memory>
#include <sodium.h>

#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include "crypto/signal/Identity.h"
#include "crypto/signal/SealedSender.h"
#include "storage/Database.h"
#include "tandem/signal.pb.h"
#include "tests/relay/RelayTestClient.h"
#include "tests/support/Daemons.h"
#include "tests/support/TestSupport.h"
#include "transport/SecureChannel.h"
#include "transport/relay/Address.h"
#include "transport/relay/RelayConnection.h"
#include "transport/relay/server/BlobStore.h"
#include "transport/relay/server/CodeRequestLimiter.h"
#include "transport/relay/server/RelayServer.h"
#include "transport/relay/server/RelayStore.h"

using namespace tandem;
using namespace tandem::crypto;
using namespace tandem::transport;
using proto::relay::ClientFrame;
using proto::relay::Error;
using proto::relay::ServerFrame;
using tandem::relay::aciAddress;
using namespace tandem::test;

class RelayTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(sodium_init() >= 0); }

    void registrationNeedsTheRightCode() {
        test::RelayProcess relay(QStringLiteral("file"));
        QVERIFY(relay.start());
        Client c(relay.endpoint());
        Account alice{QStringLiteral("+4915112345678")};
        ClientFrame request;
        request.mutable_request_code()->set_phone(alice.phone.toStdString());
        const ServerFrame status = c.call(request);
        QVERIFY(status.has_code_status());
        QVERIFY(status.code_status().required());
        const QString code = relay.lastCode(alice.phone);
        QCOMPARE(code.size(), qsizetype{6});

        const ServerFrame wrong =
            c.call(registerFrame(alice, code == QLatin1String("000000") ? "111111" : "000000"));
        QCOMPARE(wrong.error().code(), Error::WRONG_CODE);
        QVERIFY(c.call(registerFrame(alice, code)).has_registered());

        Account bad{alice.phone};
        bad.password = std::string(32, 'x');
        QCOMPARE(c.call(authFrame(bad)).error().code(), Error::UNAUTHORIZED);
        QVERIFY(c.call(authFrame(alice)).has_ok());

        ClientFrame invalid;
        invalid.mutable_request_code()->set_phone("0049 151 123");
        QCOMPARE(c.call(invalid).error().code(), Error::INVALID_NUMBER);
        // Requests that need an account are refused before authentication.
        Client anonymous(relay.endpoint());
        ClientFrame cert;
        cert.mutable_get_certificate();
        QCOMPARE(anonymous.call(cert).error().code(), Error::UNAUTHORIZED);
    }

    // A number is exactly "+" and ASCII digits: "$" in the old pattern matched before a final
    // newline, and "+4915100000002\n" registered a second account that looked like Bob's.
    void lookalikeNumbersAreRefusedEverywhere() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        Client c(relay.endpoint());
        Account bob{QStringLiteral("+4915100000002")};
        registerAndAuth(c, bob);
        for (const QString& fake :
             {QStringLiteral("+4915100000002\n"), QStringLiteral(" +4915100000002"),
              QStringLiteral("+4915100000002 "), QStringLiteral("+49151000000\u0660\u0662"),
              QStringLiteral("+４９15100000002"), QStringLiteral("+4915100000002\r"),
              QString::fromUtf8("+4915100000002\0", 15)}) {
            Account twin{fake};
            ClientFrame request;
            request.mutable_request_code()->set_phone(fake.toStdString());
            QCOMPARE(c.call(request).error().code(), Error::INVALID_NUMBER);
            QCOMPARE(c.call(registerFrame(twin)).error().code(), Error::INVALID_NUMBER);
            Client other(relay.endpoint());
            QCOMPARE(other.call(authFrame(twin)).error().code(), Error::INVALID_NUMBER);
            ClientFrame fetch;
            fetch.mutable_fetch_bundle()->set_phone(fake.toStdString());
            QCOMPARE(c.call(fetch).error().code(), Error::INVALID_NUMBER);
            // Sending to it reaches nobody (no account is that string).
            QVERIFY(c.call(sendFrame(twin, "x")).has_error());
        }
        ClientFrame lookup;
        lookup.mutable_lookup()->add_phones("+4915100000002\n");
        const ServerFrame found = c.call(lookup);
        QVERIFY(!found.has_lookup() || found.lookup().registered_size() == 0);
        // Account ids and blob ids alike: exactly lowercase hex, nothing after.
        const QString aci = QStringLiteral("aci:") + QString(32, u'0');
        for (const QString& fake : {aci + u'\n', aci.toUpper(), aci.left(35)}) {
            ClientFrame fetch;
            fetch.mutable_fetch_bundle()->set_phone(fake.toStdString());
            QCOMPARE(c.call(fetch).error().code(), Error::INVALID_NUMBER);
        }
        for (const std::string& fake : {std::string(32, 'a') + "\n", std::string(32, 'A'),
                                        std::string(31, 'a'), std::string(33, 'a')}) {
            ClientFrame get;
            get.mutable_get_blob()->set_id(fake);
            get.mutable_get_blob()->set_max_bytes(1024);
            QCOMPARE(c.call(get).error().code(), Error::MALFORMED);
        }
    }

    // One exact parser per identifier: what is accepted is exactly what is written.
    void identifierParsersAreExact() {
        using namespace tandem::relay;
        QVERIFY(isE164(QStringLiteral("+4915100000002")));
        QVERIFY(isE164(QStringLiteral("+1234567")));          // 7 digits
        QVERIFY(isE164(QStringLiteral("+123456789012345")));  // 15 digits
        for (const char* bad : {"+4915100000002\n", "+4915100000002 ", " +4915100000002", "+123456",
                                "+1234567890123456", "+04915100000002", "4915100000002",
                                "++4915100000002", "+49151 00000002", "", "+"}) {
            QVERIFY2(!isE164(QString::fromUtf8(bad)), bad);
        }
        QVERIFY(!isE164(QStringLiteral("+49151000000\u0661\u0662")));  // Arabic-Indic digits
        QVERIFY(!isE164(QStringLiteral("+４９15100000002")));          // fullwidth
        const QString aci = QStringLiteral("aci:") + QString(32, u'a');
        QVERIFY(parseAciAddress(aci).has_value());
        QCOMPARE(aciAddress(*parseAciAddress(aci)), aci);
        for (const QString& bad :
             {aci + u'\n', aci.toUpper(), QStringLiteral("ACI:") + QString(32, u'a'),
              QStringLiteral("aci:") + QString(31, u'a'),
              QStringLiteral("aci:") + QString(33, u'a'),
              QStringLiteral("aci:") + QString(31, u'a') + u'g', QStringLiteral(" ") + aci,
              QStringLiteral("aci:") + QString(31, u'a') + QChar(0)}) {
            QVERIFY2(!parseAciAddress(bad).has_value(), qPrintable(bad));
            QVERIFY(!isRelayAddress(bad));
        }
    }

    void prekeysBundlesAndCertificates() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        Account alice{QStringLiteral("+4915100000001")};
        Account bob{QStringLiteral("+4915100000002")};
        Client a(relay.endpoint());
        Client b(relay.endpoint());
        registerAndAuth(a, alice);
        registerAndAuth(b, bob);

        const auto spk = signal::SignedPreKey::generate(bob.identity, 3);
        ClientFrame forged;
        forged.mutable_upload_prekeys()->set_signed_prekey_id(3);
        forged.mutable_upload_prekeys()->set_signed_prekey(toString(spk.keyPair.publicKey));
        forged.mutable_upload_prekeys()->set_signed_prekey_signature(std::string(64, 's'));
        QCOMPARE(b.call(forged).error().code(), Error::MALFORMED);

        ClientFrame upload;
        auto* u = upload.mutable_upload_prekeys();
        u->set_signed_prekey_id(3);
        u->set_signed_prekey(toString(spk.keyPair.publicKey));
        u->set_signed_prekey_signature(toString(spk.signature));
        for (std::uint32_t i = 1; i <= 2; ++i) {
            auto* k = u->add_one_time();
            k->set_id(i);
            k->set_key(toString(X25519KeyPair::generate().publicKey));
        }
        QCOMPARE(b.call(upload).prekey_status().one_time_remaining(), 2u);

        ClientFrame fetch;
        fetch.mutable_fetch_bundle()->set_phone(bob.phone.toStdString());
        for (int round = 0; round < 3; ++round) {
            const ServerFrame reply = a.call(fetch);
            QVERIFY(reply.has_bundle());
            // Never the access key (tst_relay_access::aBundleCarriesNoAccessKey).
            QVERIFY(!QByteArray::fromStdString(reply.SerializeAsString())
                         .contains(QByteArray::fromStdString(bob.accessKey)));
            const auto bundle = signal::PreKeyBundle::parse(view(reply.bundle().bundle()));
            QVERIFY(bundle.has_value());
            QVERIFY(bundle->verify().has_value());
            QVERIFY(bundle->identity == bob.identity.publicKey());
            // Two one-time prekeys, each handed out once; then bundles come without.
            QCOMPARE(bundle->oneTimePreKey.has_value(), round < 2);
        }
        ClientFrame status;
        status.mutable_prekey_status();
        QCOMPARE(b.call(status).prekey_status().one_time_remaining(), 0u);
        fetch.mutable_fetch_bundle()->set_phone("+4915199999999");
        QCOMPARE(a.call(fetch).error().code(), Error::NOT_FOUND);

        // Every account has a random id; bundles carry it, and it finds the account too.
        fetch.mutable_fetch_bundle()->set_phone(bob.phone.toStdString());
        const QByteArray bobAci = QByteArray::fromStdString(a.call(fetch).bundle().aci());
        QCOMPARE(bobAci.size(), qsizetype{16});
        fetch.mutable_fetch_bundle()->set_phone(aciAddress(bobAci).toStdString());
        const ServerFrame byAci = a.call(fetch);
        QVERIFY(byAci.has_bundle());
        QCOMPARE(QByteArray::fromStdString(byAci.bundle().aci()), bobAci);
        QVERIFY(signal::PreKeyBundle::parse(view(byAci.bundle().bundle()))->identity ==
                bob.identity.publicKey());
        fetch.mutable_fetch_bundle()->set_phone(aciAddress(QByteArray(16, '\x42')).toStdString());
        QCOMPARE(a.call(fetch).error().code(), Error::NOT_FOUND);

        // The certificate names the account id, and the number only if its owner shares it.
        ClientFrame cert;
        cert.mutable_get_certificate();
        const std::map<std::uint32_t, PublicKey> trusted = {{1, relay.key()}};
        const auto certificateOf = [&](Client& client) {
            const ServerFrame issued = client.call(cert);
            return signal::SenderCertificate::verify(
                view(issued.certificate().certificate()), trusted,
                static_cast<std::uint64_t>(QDateTime::currentMSecsSinceEpoch()));
        };
        const auto hidden = certificateOf(a);
        QVERIFY2(hidden.has_value(), qPrintable(hidden ? QString() : hidden.error().message));
        QVERIFY(hidden->sender.isEmpty());
        QCOMPARE(hidden->senderAci.size(), std::size_t{16});

        alice.sharePhone = true;  // re-registering keeps the id and now shows the number
        Client shared(relay.endpoint());
        const ServerFrame reregistered = shared.call(registerFrame(alice));
        QVERIFY(shared.call(authFrame(alice)).has_ok());
        const auto shown = certificateOf(shared);
        QVERIFY(shown.has_value());
        QCOMPARE(shown->sender, alice.phone);
        QVERIFY(shown->senderAci == hidden->senderAci);
        QVERIFY(toString(shown->senderAci) == reregistered.registered().aci());

        // Discovery is by number only, rate-limited, and answers with the ids.
        ClientFrame lookup;
        lookup.mutable_lookup()->add_phones(bob.phone.toStdString());
        lookup.mutable_lookup()->add_phones("+4915177777777");
        lookup.mutable_lookup()->add_phones(aciAddress(bobAci).toStdString());
        const ServerFrame found = shared.call(lookup);
        QCOMPARE(found.lookup().registered_size(), 1);
        QCOMPARE(QString::fromStdString(found.lookup().registered(0)), bob.phone);
        QCOMPARE(QByteArray::fromStdString(found.lookup().acis(0)), bobAci);
    }

    void sealedSendsReachAnAccountById() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        Account bob{QStringLiteral("+4915100000002")};
        Client b(relay.endpoint());
        const ServerFrame registered = b.call(registerFrame(bob));
        QVERIFY(b.call(authFrame(bob)).has_ok());
        const QString byId = aciAddress(QByteArray::fromStdString(registered.registered().aci()));
        Client sender(relay.endpoint());
        ClientFrame f = sendFrame(bob, "to the id");
        f.mutable_send()->set_recipient(byId.toStdString());
        QVERIFY(sender.call(f).has_accepted());
        QVERIFY(QTest::qWaitFor([&] { return b.delivered.size() == 1; }, 10000));
        QCOMPARE(b.delivered[0].envelope(), "to the id");
        f.mutable_send()->set_recipient("aci:not-hex");
        QCOMPARE(sender.call(f).error().code(), Error::INVALID_NUMBER);
    }

    void sendsArePushedDrainedAndDeletedOnAck() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        Account bob{QStringLiteral("+4915100000002")};
        {
            Client setup(relay.endpoint());
            QVERIFY(setup.call(registerFrame(bob)).has_registered());
        }
        Client sender(relay.endpoint());  // never authenticates: sealed sender
        Account wrongKey{bob.phone};
        wrongKey.accessKey = std::string(16, 'z');
        QCOMPARE(sender.call(sendFrame(wrongKey, "x")).error().code(), Error::UNAUTHORIZED);
        Account nobody{QStringLiteral("+4915100000009")};
        QCOMPARE(sender.call(sendFrame(nobody, "x")).error().code(), Error::UNAUTHORIZED);

        // Bob offline: 500 queue up.
        for (int i = 0; i < 500; ++i) {
            QVERIFY(sender.call(sendFrame(bob, "offline " + std::to_string(i))).has_accepted());
        }
        Client b(relay.endpoint());
        QVERIFY(b.call(authFrame(bob)).has_ok());
        QVERIFY(QTest::qWaitFor([&] { return b.delivered.size() == 500; }, 20000));
        for (int i = 0; i < 500; ++i) {
            QCOMPARE(b.delivered[static_cast<std::size_t>(i)].envelope(),
                     "offline " + std::to_string(i));
        }
        // Bob online: pushed at once, in order.
        for (int i = 0; i < 50; ++i) {
            QVERIFY(sender.call(sendFrame(bob, "online " + std::to_string(i))).has_accepted());
        }
        QVERIFY(QTest::qWaitFor([&] { return b.delivered.size() == 550; }, 10000));
        QCOMPARE(b.delivered.back().envelope(), "online 49");

        // Acknowledge the first 300: a new connection gets only the other 250.
        ClientFrame ack;
        for (int i = 0; i < 300; ++i) {
            ack.mutable_ack()->add_ids(b.delivered[static_cast<std::size_t>(i)].id());
        }
        b.connection->post(ack);
        QTest::qWait(300);
        Client again(relay.endpoint());
        QVERIFY(again.call(authFrame(bob)).has_ok());
        QVERIFY(QTest::qWaitFor([&] { return again.delivered.size() == 250; }, 10000));
        QTest::qWait(200);
        QCOMPARE(again.delivered.size(), std::size_t{250});
        QCOMPARE(again.delivered.front().envelope(), "offline 300");
    }

    void nothingLostOrDuplicatedAcrossSigkill() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        Account bob{QStringLiteral("+4915100000002")};
        {
            Client setup(relay.endpoint());
            QVERIFY(setup.call(registerFrame(bob)).has_registered());
        }
        std::set<std::string> accepted;
        {
            Client sender(relay.endpoint());
            // A burst without waiting for each answer; kill while answers are in flight.
            std::vector<QFuture<RelayReply>> replies;
            for (int i = 0; i < 2000; ++i) {
                replies.push_back(
                    sender.connection->request(sendFrame(bob, "burst " + std::to_string(i))));
            }
            QVERIFY(QTest::qWaitFor([&] { return replies[300].isFinished(); }, 20000));
            relay.kill();
            (void)QTest::qWaitFor([&] { return replies.back().isFinished(); }, 20000);
            for (int i = 0; i < 2000; ++i) {
                if (replies[static_cast<std::size_t>(i)].isFinished()) {
                    const RelayReply r = replies[static_cast<std::size_t>(i)].result();
                    if (r && r->has_accepted()) {
                        accepted.insert("burst " + std::to_string(i));
                    }
                }
            }
        }
        qInfo() << "accepted before the kill:" << accepted.size() << "of 2000";
        QVERIFY(accepted.size() >= 300);
        QVERIFY(relay.start());
        Client b(relay.endpoint());
        QVERIFY(b.call(authFrame(bob)).has_ok());
        (void)QTest::qWaitFor([&] { return b.delivered.size() >= accepted.size(); }, 20000);
        QTest::qWait(300);
        std::set<std::string> got;
        std::set<std::uint64_t> ids;
        for (const auto& e : b.delivered) {
            QVERIFY2(got.insert(e.envelope()).second, "delivered twice");
            QVERIFY(ids.insert(e.id()).second);
        }
        for (const std::string& a : accepted) {
            QVERIFY2(got.count(a) == 1, a.c_str());  // everything acknowledged survived
        }
    }

    void messageIdsAreNeverReusedAcrossRestarts() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        Account bob{QStringLiteral("+4915100000002")};
        std::uint64_t before = 0;
        {
            Client b(relay.endpoint());
            registerAndAuth(b, bob);
            Client sender(relay.endpoint());
            QVERIFY(sender.call(sendFrame(bob, "one")).has_accepted());
            QVERIFY(QTest::qWaitFor([&] { return b.delivered.size() == 1; }, 10000));
            before = b.delivered[0].id();
        }
        relay.kill();  // the delivered message is still unacknowledged
        QVERIFY(relay.start());
        Client b(relay.endpoint());
        QVERIFY(b.call(authFrame(bob)).has_ok());
        Client sender(relay.endpoint());
        QVERIFY(sender.call(sendFrame(bob, "two")).has_accepted());
        QVERIFY(QTest::qWaitFor([&] { return b.delivered.size() == 2; }, 10000));
        QCOMPARE(b.delivered[0].id(), before);  // the stored one again, same id
        QCOMPARE(b.delivered[1].envelope(), "two");
        // A new run hands out ids from a new epoch: an id given out (pushed) by a relay that
        // crashed before storing it can never come to mean another message.
        QVERIFY((b.delivered[1].id() >> 32) > (before >> 32));
    }

    void aVersion1RelayDatabaseGetsAccountIds() {
        QTemporaryDir dir;
        {
            storage::DatabaseOptions options;
            options.create = true;
            auto db =
                storage::Database::open(dir.filePath(QStringLiteral("relay.db")), nullptr, options)
                    .value();
            // The accounts table as version 1 had it, with two accounts.
            QVERIFY(db->exec(R"sql(
                CREATE TABLE accounts (id INTEGER PRIMARY KEY, phone TEXT NOT NULL UNIQUE,
                    identity_key BLOB NOT NULL, password_hash BLOB NOT NULL,
                    access_key BLOB NOT NULL, created_at INTEGER NOT NULL);
                INSERT INTO accounts VALUES (1, '+4915100000001', x'01', x'02', x'03', 1);
                INSERT INTO accounts VALUES (2, '+4915100000002', x'01', x'02', x'03', 1);
                PRAGMA user_version = 1;)sql")
                        .has_value());
        }
        auto store = relay::RelayStore::open(dir.path());
        QVERIFY2(store.has_value(), qPrintable(store ? QString() : store.error()));
        const auto one = (*store)->accountByPhone(QStringLiteral("+4915100000001"));
        const auto two = (*store)->accountByPhone(QStringLiteral("+4915100000002"));
        QVERIFY(one && two);
        QCOMPARE(one->aci.size(), qsizetype{16});
        QVERIFY(one->aci != two->aci);
        QVERIFY(!one->sharePhone);
        QCOMPARE((*store)->accountByAddress(aciAddress(two->aci))->id, two->id);
    }

    void badInputClosesOnlyTheOffender() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        Account bob{QStringLiteral("+4915100000002")};
        Client b(relay.endpoint());
        registerAndAuth(b, bob);
        Client sender(relay.endpoint());

        // Random bytes instead of a handshake.
        QTcpSocket raw;
        raw.connectToHost(QStringLiteral("127.0.0.1"), relay.port());
        QVERIFY(raw.waitForConnected(5000));
        QByteArray garbage(4096, '\0');
        randombytes_buf(garbage.data(), static_cast<std::size_t>(garbage.size()));
        raw.write(garbage);
        QVERIFY(QTest::qWaitFor([&] { return raw.state() == QAbstractSocket::UnconnectedState; },
                                5000));

        // A proper channel that sends a frame which is not a request.
        auto* socket = new QTcpSocket;
        SecureChannel* channel =
            SecureChannel::client(socket, *ed25519ToX25519(relay.key()), nullptr);
        QSignalSpy closed(channel, &SecureChannel::closed);
        socket->connectToHost(QStringLiteral("127.0.0.1"), relay.port());
        QVERIFY(QTest::qWaitFor([&] { return channel->isEstablished(); }, 5000));
        channel->send(QByteArray("\xff\xff\xff\xff not protobuf", 17));
        QVERIFY(closed.wait(5000));
        delete channel;

        // An oversize frame announced after the handshake.
        auto* socket2 = new QTcpSocket;
        SecureChannel* channel2 =
            SecureChannel::client(socket2, *ed25519ToX25519(relay.key()), nullptr);
        socket2->connectToHost(QStringLiteral("127.0.0.1"), relay.port());
        QVERIFY(QTest::qWaitFor([&] { return channel2->isEstablished(); }, 5000));
        QSignalSpy closed2(channel2, &SecureChannel::closed);
        socket2->write(QByteArray("\x7f\xff\xff\xff", 4));
        QVERIFY(closed2.wait(5000));
        delete channel2;

        // A client that pretends to be the relay's peer with another key: refused at handshake.
        auto* socket3 = new QTcpSocket;
        SecureChannel* impostor =
            SecureChannel::client(socket3, X25519KeyPair::generate().publicKey, nullptr);
        QSignalSpy closed3(impostor, &SecureChannel::closed);
        socket3->connectToHost(QStringLiteral("127.0.0.1"), relay.port());
        QVERIFY(closed3.wait(5000));
        QVERIFY(!impostor->isEstablished());
        delete impostor;

        // The others kept going.
        QVERIFY(sender.call(sendFrame(bob, "still here")).has_accepted());
        QVERIFY(QTest::qWaitFor([&] { return !b.delivered.empty(); }, 5000));
        QCOMPARE(b.delivered.back().envelope(), std::string("still here"));
    }

    void theRelayStoresNoPlaintextAndNoSender() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        Account alice{QStringLiteral("+4915100000001")};
        Account bob{QStringLiteral("+4915100000002")};
        Client a(relay.endpoint());
        Client b(relay.endpoint());
        registerAndAuth(a, alice);
        QVERIFY(b.call(registerFrame(bob)).has_registered());
        ClientFrame certRequest;
        certRequest.mutable_get_certificate();
        const std::string certificate = a.call(certRequest).certificate().certificate();
        const std::string marker = "PLAINTEXT-MARKER-7f3a";
        const Bytes envelope =
            signal::sealSender(alice.identity, view(certificate), signal::MessageType::Whisper,
                               view(marker), bob.identity.publicKey())
                .value();
        Client sender(relay.endpoint());
        QVERIFY(sender.call(sendFrame(bob, toString(envelope))).has_accepted());
        relay.terminate();

        const auto files = test::snapshot(relay.dataDir());
        QVERIFY(files.size() >= 3);
        for (auto it = files.begin(); it != files.end(); ++it) {
            QVERIFY2(!it.value().contains(QByteArray::fromStdString(marker)), qPrintable(it.key()));
        }
        // The stored envelope names neither Alice's number nor her identity key.
        auto db = storage::Database::open(relay.dataDir() + QStringLiteral("/relay.db"), nullptr);
        QVERIFY(db.has_value());
        auto stmt = (*db)->prepare("SELECT envelope FROM mailbox");
        QVERIFY(stmt.has_value());
        int rows = 0;
        while ((*stmt)->step().value_or(false)) {
            const QByteArray stored = (*stmt)->blob(0);
            QVERIFY(!stored.contains(alice.phone.toUtf8()));
            QVERIFY(!stored.contains(alice.phone.mid(1).toUtf8()));
            QVERIFY(!stored.contains(
                QByteArray::fromStdString(toString(alice.identity.publicKey().ed25519))));
            ++rows;
        }
        QCOMPARE(rows, 1);
    }
};

QTEST_GUILESS_MAIN(RelayTest)
#include "tst_relay.moc"
