// Several tandem-relayd front-ends over one real redis-server (--store redis://…), delivering:
// a message sent through one is pushed by the one its recipient is connected to; a newer
// connection of an account ends the older one on another front-end; a front-end SIGKILLed
// while messages flow loses nothing (the recipient moves to another); RelayTransport moves to
// another front-end; tandem-localnet --relays runs them; a queue read that fails is read
// again; Redis SIGKILLed and restarted from its append-only file keeps everything it accepted.
// Accounts, limits and records: tst_relay_redis_accounts. A missing redis-server is a failure
// (scripts/setup-deps.sh installs it). Waits are on conditions, never fixed sleeps.
#include <cctype>
#include <map>
#include <set>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "crypto/QtBytes.h"
#include "crypto/SignedRecord.h"
#include "tests/relay/RedisFrontEnds.h"
#include "tests/relay/RedisTestServer.h"
#include "tests/relay/RelayTestClient.h"
#include "tests/support/Daemons.h"
#include "transport/relay/RelayTransport.h"
#include "transport/relay/server/redis/RedisClient.h"

using namespace tandem;
using namespace tandem::test;

class TestRelayRedis : public QObject {
    Q_OBJECT
private slots:
    void init() {
        // A failure, not a skip: scripts/setup-deps.sh installs it, and a skipped suite
        // would let the relay's Redis backend go untested unnoticed.
        if (RedisTestServer::binary().isEmpty()) {
            QFAIL("redis-server is not installed: run scripts/setup-deps.sh");
        }
    }

    void messagesArePushedAcrossFrontEnds() {
        RedisTestServer redis;
        QVERIFY(redis.start());
        FrontEnds fe;
        QVERIFY(fe.start(redis, 3));
        Account alice{QStringLiteral("+4915100000001")};
        Account bob{QStringLiteral("+4915100000002")};
        Client a(fe[0]);
        registerAndAuth(a, alice);
        Client b(fe[1]);
        registerAndAuth(b, bob);  // registered on another front-end: one account store

        // Alice on front-end 0, Bob on 1: pushed across, in order, without Bob asking.
        for (int i = 0; i < 50; ++i) {
            QVERIFY(a.call(sendFrame(bob, "across " + std::to_string(i))).has_accepted());
        }
        QVERIFY(QTest::qWaitFor([&] { return b.delivered.size() == 50; }, 10000));
        for (std::size_t i = 0; i < 50; ++i) {
            QCOMPARE(b.delivered[i].envelope(), "across " + std::to_string(i));
            QVERIFY(i == 0 || b.delivered[i].id() > b.delivered[i - 1].id());
        }
        // A sealed sender on front-end 2 (never authenticates), and a wrong key refused there.
        Client sealed(fe[2]);
        QVERIFY(sealed.call(sendFrame(bob, "from the third")).has_accepted());
        QVERIFY(QTest::qWaitFor([&] { return b.delivered.size() == 51; }, 10000));
        Account wrongKey{bob.phone};
        wrongKey.accessKey = std::string(16, 'z');
        QCOMPARE(sealed.call(sendFrame(wrongKey, "x")).error().code(), Error::UNAUTHORIZED);
        // Bob to Alice, the other way.
        QVERIFY(b.call(sendFrame(alice, "back")).has_accepted());
        QVERIFY(QTest::qWaitFor([&] { return a.delivered.size() == 1; }, 10000));
        QCOMPARE(a.delivered[0].envelope(), "back");

        // Acknowledged on one front-end, gone for all of them (Alice's "back" is left).
        acknowledge(b, 0);
        QTRY_COMPARE_WITH_TIMEOUT(queuedInAll(redis), 1LL, 10000);
        // Bob signs in again on front-end 2: the connection on front-end 1 is ended.
        QSignalSpy ended(b.connection.get(), &RelayConnection::closed);
        Client b2(fe[2]);
        QVERIFY(b2.call(authFrame(bob)).has_ok());
        QVERIFY(ended.wait(5000) || !ended.isEmpty());
        QVERIFY(!b.connection->isReady());
        QVERIFY(a.call(sendFrame(bob, "to the new one")).has_accepted());
        QVERIFY(QTest::qWaitFor([&] { return !b2.delivered.empty(); }, 10000));
        QCOMPARE(b2.delivered.size(), std::size_t{1});  // the acknowledged 51 are gone
        QCOMPARE(b2.delivered[0].envelope(), "to the new one");

        // Prekeys and blobs are shared too: uploaded on one, fetched on another.
        ClientFrame put;
        put.mutable_put_blob()->set_data(std::string(100000, 'x'));
        const auto stored = b2.call(put);
        QVERIFY(stored.has_blob_stored());
        ClientFrame get;
        get.mutable_get_blob()->set_id(stored.blob_stored().id());
        get.mutable_get_blob()->set_offset(99990);
        const auto data = a.call(get);
        QVERIFY(data.has_blob_data());
        QCOMPARE(data.blob_data().data(), std::string(10, 'x'));
        QCOMPARE(data.blob_data().total(), std::uint64_t{100000});
        // Counted with it, in the same script (SHOULD 10): the bytes of all blobs.
        QCOMPARE(redis.command({"GET", "{blobs}:bytes"}), QByteArray("$6\r\n100000\r\n"));
    }

    void frontEndKilledWhileSendingLosesNothing() {
        RedisTestServer redis;
        QVERIFY(redis.start());
        FrontEnds fe;
        QVERIFY(fe.start(redis, 3));
        Account alice{QStringLiteral("+4915100000001")};
        Account bob{QStringLiteral("+4915100000002")};
        Client a(fe[0]);
        registerAndAuth(a, alice);
        auto b = std::make_unique<Client>(fe[1]);
        registerAndAuth(*b, bob);

        constexpr int kMessages = 300;
        std::map<std::string, int> seen;  // envelope → times delivered
        std::set<std::string> beforeKill;
        std::vector<QFuture<transport::RelayReply>> replies;
        // Bob acknowledges what he got every 10 ms, as the app does after storing it.
        std::size_t acked = 0;
        QTimer acker;
        QObject::connect(&acker, &QTimer::timeout, [&] {
            if (b && b->connection->isReady()) {
                acknowledge(*b, acked);
                acked = b->delivered.size();
            }
        });
        acker.start(10);
        for (int i = 0; i < kMessages; ++i) {
            replies.push_back(a.connection->request(sendFrame(bob, "m" + std::to_string(i))));
            if (i == kMessages / 3) {
                // Bob's front-end dies while Alice keeps sending.
                (void)QTest::qWaitFor([&] { return b->delivered.size() >= 20; }, 5000);
                fe.relays[1]->kill();
                for (const auto& e : b->delivered) {
                    beforeKill.insert(e.envelope());
                    seen[e.envelope()] += 1;
                }
                QVERIFY(QTest::qWaitFor([&] { return !b->connection->isReady(); }, 5000));
                // He moves to another front-end and signs in there.
                b = std::make_unique<Client>(fe[2]);
                acked = 0;
                QVERIFY(b->call(authFrame(bob)).has_ok());
            }
            if (i % 20 == 0) {
                QTest::qWait(5);  // let the event loop breathe, as a real sender's does
            }
        }
        for (auto& r : replies) {
            const auto reply = test::await(r);
            QVERIFY(reply && reply->has_accepted());  // front-end 0 stayed up: all accepted
        }
        QVERIFY(QTest::qWaitFor(
            [&] {
                std::set<std::string> distinct(beforeKill);
                for (const auto& e : b->delivered) {
                    distinct.insert(e.envelope());
                }
                return distinct.size() == kMessages;
            },
            20000));
        for (const auto& e : b->delivered) {
            seen[e.envelope()] += 1;
        }
        // Nothing lost, and nothing delivered twice except what the dead front-end delivered
        // before Bob's acknowledgement of it was stored (at least once, by design: the app drops
        // the copy by its message uid).
        for (int i = 0; i < kMessages; ++i) {
            const std::string m = "m" + std::to_string(i);
            QVERIFY2(seen[m] >= 1, m.c_str());
            if (seen[m] > 1) {
                QVERIFY2(beforeKill.count(m) == 1, m.c_str());
                QCOMPARE(seen[m], 2);
            }
        }
        // Order kept on the new front-end.
        for (std::size_t i = 1; i < b->delivered.size(); ++i) {
            QVERIFY(b->delivered[i].id() > b->delivered[i - 1].id());
        }
    }

    // The client's side: network.json lists several addresses of one relay; RelayTransport uses
    // one, and when it fails moves to the next, without losing a message.
    void relayTransportMovesToAnotherFrontEnd() {
        RedisTestServer redis;
        QVERIFY(redis.start());
        FrontEnds fe;
        QVERIFY(fe.start(redis, 3));
        Account alice{QStringLiteral("+4915100000001")};
        Account bob{QStringLiteral("+4915100000002")};
        {
            Client setup(fe[2]);
            QVERIFY(setup.call(registerFrame(bob)).has_registered());
        }
        Client a(fe[0]);
        registerAndAuth(a, alice);

        RelayEndpoint endpoint = fe[1];
        endpoint.alternates = {{fe[2].host, fe[2].port}};
        transport::RelayTransport bobs(endpoint,
                                       {bob.phone, QByteArray::fromStdString(bob.password)});
        std::map<QByteArray, int> got;
        QObject::connect(&bobs, &transport::Transport::received,
                         [&](const transport::IncomingEnvelope& e) {
                             got[e.ciphertext] += 1;
                             bobs.acknowledge(e.serverId);
                         });
        QSignalSpy authenticated(&bobs, &transport::RelayTransport::authenticated);
        bobs.start();
        QVERIFY(authenticated.wait(10000));
        for (int i = 0; i < 20; ++i) {
            QVERIFY(a.call(sendFrame(bob, "before " + std::to_string(i))).has_accepted());
        }
        QVERIFY(QTest::qWaitFor([&] { return got.size() == 20; }, 10000));
        QTRY_COMPARE_WITH_TIMEOUT(queuedInAll(redis), 0LL, 10000);  // the acks are stored

        fe.relays[1]->kill();  // Bob's front-end
        for (int i = 0; i < 20; ++i) {
            QVERIFY(a.call(sendFrame(bob, "after " + std::to_string(i))).has_accepted());
        }
        // Signed in again, on the other address (perhaps while Alice was sending).
        QVERIFY(QTest::qWaitFor([&] { return authenticated.size() >= 2; }, 10000));
        QVERIFY(QTest::qWaitFor([&] { return got.size() == 40; }, 10000));
        for (const auto& [envelope, times] : got) {
            QVERIFY2(times == 1, envelope.constData());  // acknowledged ones never come again
        }
        // And Bob sends through the front-end he moved to.
        QSignalSpy accepted(&bobs, &transport::Transport::accepted);
        transport::OutgoingEnvelope out;
        out.id = "reply";
        out.recipient = alice.phone;
        out.ciphertext = "from bob";
        out.accessKey = QByteArray::fromStdString(alice.accessKey);
        bobs.send(out);
        QVERIFY(accepted.wait(10000));
        QVERIFY(QTest::qWaitFor([&] { return a.delivered.size() == 1; }, 10000));
        QCOMPARE(a.delivered[0].envelope(), "from bob");
        bobs.stop();
    }

    // tandem-localnet --relays 3: a redis-server and three front-ends with one key, all listed
    // in network.json, serving the same accounts.
    void localnetRunsFrontEndsOverRedis() {
        QTemporaryDir dir;
        QProcess net;
        QVERIFY(test::startLocalnet(net, dir.filePath(QStringLiteral("net")), 30000,
                                    {QStringLiteral("--nodes"), QStringLiteral("0"),
                                     QStringLiteral("--relays"), QStringLiteral("3")}));
        QFile file(dir.filePath(QStringLiteral("net/network.json")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject relay =
            QJsonDocument::fromJson(file.readAll()).object()[QStringLiteral("relay")].toObject();
        QStringList addresses{relay[QStringLiteral("address")].toString()};
        for (const auto& more : relay[QStringLiteral("more_addresses")].toArray()) {
            addresses << more.toString();
        }
        QCOMPARE(addresses.size(), 3);
        const QByteArray key =
            QByteArray::fromHex(relay[QStringLiteral("public_key")].toString().toLatin1());
        QCOMPARE(key.size(), qsizetype{32});
        std::vector<RelayEndpoint> endpoints;
        for (const QString& a : addresses) {
            RelayEndpoint e;
            e.host = a.left(a.lastIndexOf(u':'));
            e.port = static_cast<quint16>(a.mid(a.lastIndexOf(u':') + 1).toUInt());
            std::copy(key.begin(), key.end(), e.relayKey.begin());
            endpoints.push_back(e);
        }
        Account bob{QStringLiteral("+4915100000002")};
        Client b(endpoints[1]);  // the handshake proves the shared key
        registerAndAuth(b, bob);
        Client sender(endpoints[2]);
        QVERIFY(sender.call(sendFrame(bob, "through localnet")).has_accepted());
        QVERIFY(QTest::qWaitFor([&] { return b.delivered.size() == 1; }, 10000));
        Client first(endpoints[0]);
        QVERIFY(first.call(authFrame(bob)).has_ok());  // the same account on the first
        net.terminate();
        QVERIFY(net.waitForFinished(15000));
    }

    // A queue that cannot be read (here: its key holds the wrong type for a moment) is not an
    // empty one: the front-end reads it again, and what arrives meanwhile is not pushed ahead
    // of the backlog (review MUST 2).
    void aFailedReadIsNotAnEmptyQueue() {
        RedisTestServer redis;
        QVERIFY(redis.start());
        FrontEnds fe;
        QVERIFY(fe.start(redis, 2));
        Account alice{QStringLiteral("+4915100000001")};
        Account bob{QStringLiteral("+4915100000002")};
        {
            Client setup(fe[1]);
            QVERIFY(setup.call(registerFrame(bob)).has_registered());
        }
        Client a(fe[0]);
        registerAndAuth(a, alice);
        for (int i = 0; i < 3; ++i) {
            QVERIFY(a.call(sendFrame(bob, "backlog " + std::to_string(i))).has_accepted());
        }
        // Bob's queue is the only one: its key is hidden and a string put in its place.
        const QByteArray keys = redis.command({"KEYS", "mq:*"});
        const QList<QByteArray> lines = keys.split('\n');
        QVERIFY2(keys.startsWith("*1\r\n") && lines.size() >= 3, keys.constData());
        const QByteArray queue = lines[2].trimmed();
        QVERIFY(redis.command({"RENAME", queue, queue + ":hidden"}).startsWith("+OK"));
        QVERIFY(redis.command({"SET", queue, "not a queue"}).startsWith("+OK"));
        const auto failedReads = [&] {
            const QByteArray stats = redis.command({"INFO", "commandstats"});
            const qsizetype at = stats.indexOf("cmdstat_zrangebyscore:");
            const qsizetype failed = stats.indexOf("failed_calls=", at);
            if (at < 0 || failed < 0) {
                return 0;
            }
            qsizetype end = failed + 13;
            while (end < stats.size() && std::isdigit(static_cast<unsigned char>(stats[end]))) {
                ++end;
            }
            return stats.mid(failed + 13, end - failed - 13).toInt();
        };
        Client b(fe[1]);
        QVERIFY(b.call(authFrame(bob)).has_ok());
        QTRY_VERIFY_WITH_TIMEOUT(failedReads() >= 1, 10000);  // it tried to read the queue
        QVERIFY(b.delivered.empty());
        QVERIFY(redis.command({"DEL", queue}).startsWith(":1"));
        QVERIFY(redis.command({"RENAME", queue + ":hidden", queue}).startsWith("+OK"));
        // Sent now: delivered after the backlog, which is read again.
        QVERIFY(a.call(sendFrame(bob, "after")).has_accepted());
        QTRY_COMPARE_WITH_TIMEOUT(b.delivered.size(), std::size_t{4}, 10000);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(b.delivered[static_cast<std::size_t>(i)].envelope(),
                     "backlog " + std::to_string(i));
        }
        QCOMPARE(b.delivered[3].envelope(), "after");
    }

    // With --redis-wait, a write whose WAIT reply never came (the connection timed out or
    // broke after the write's own reply) fails: it was never confirmed on a replica. Here
    // the server has no replica, so WAIT 1 (3 s) outlasts the connection's 300 ms timeout.
    void aWriteWithoutItsWaitReplyFails() {
        RedisTestServer redis;
        QVERIFY(redis.start());
        relay::RedisClient c({{QStringLiteral("127.0.0.1"), redis.port()}}, false,
                             std::chrono::milliseconds(300));
        c.setWait(1, std::chrono::milliseconds(3000));
        const auto replies = c.pipeline({{"SET", "unconfirmed", "v"}, {"GET", "unconfirmed"}});
        QVERIFY2(replies[0].isError(), replies[0].string.constData());
        QVERIFY(redis.command({"GET", "unconfirmed"}).contains("v"));  // applied nonetheless
    }

    // A failover may lose the last writes of a mailbox (the replica lagged): its envelope
    // and its id sequence. Here they are deleted by hand after Bob got the envelope. The
    // next send still gets a greater id (ids are at least the clock's ms × 1024), so Bob's
    // late acknowledgement of the lost envelope's id deletes nothing else, and the new one
    // is not skipped as already sent.
    void idsDoNotRollBackAfterLostWrites() {
        RedisTestServer redis;
        QVERIFY(redis.start());
        FrontEnds fe;
        QVERIFY(fe.start(redis, 1));
        Account alice{QStringLiteral("+4915100000001")};
        Account bob{QStringLiteral("+4915100000002")};
        Client a(fe[0]);
        registerAndAuth(a, alice);
        Client b(fe[0]);
        registerAndAuth(b, bob);
        QVERIFY(a.call(sendFrame(bob, "lost")).has_accepted());
        QTRY_COMPARE_WITH_TIMEOUT(b.delivered.size(), std::size_t{1}, 10000);
        const std::uint64_t lostId = b.delivered[0].id();
        QVERIFY(redis
                    .command({"EVAL",
                              "for _, p in ipairs({'mq:*', 'mqs:*', 'mseq:*'}) do "
                              "for _, k in ipairs(redis.call('KEYS', p)) do "
                              "redis.call('DEL', k) end end return 1",
                              "0"})
                    .startsWith(":1"));
        QVERIFY(a.call(sendFrame(bob, "after the failover")).has_accepted());
        QTRY_COMPARE_WITH_TIMEOUT(b.delivered.size(), std::size_t{2}, 10000);
        QVERIFY2(b.delivered[1].id() > lostId,
                 qPrintable(QStringLiteral("%1 after %2").arg(b.delivered[1].id()).arg(lostId)));
        b.delivered.pop_back();
        acknowledge(b, 0);  // the lost one's id only
        QTest::qWait(500);
        QCOMPARE(queuedInAll(redis), 1LL);  // only the new one is there, still
    }

    void redisRestartedFromItsLogKeepsWhatItAccepted() {
        RedisTestServer redis;
        QVERIFY(redis.start());
        FrontEnds fe;
        QVERIFY(fe.start(redis, 2));
        Account alice{QStringLiteral("+4915100000001")};
        Account bob{QStringLiteral("+4915100000002")};
        {
            Client setup(fe[1]);
            QVERIFY(setup.call(registerFrame(bob)).has_registered());
        }
        Client a(fe[0]);
        registerAndAuth(a, alice);
        for (int i = 0; i < 100; ++i) {
            QVERIFY(a.call(sendFrame(bob, "kept " + std::to_string(i))).has_accepted());
        }
        // Redis dies at once (SIGKILL: no shutdown save) and comes back from its AOF.
        redis.kill();
        QVERIFY(redis.start());
        // The front-ends reconnect by themselves: a send goes through again.
        QVERIFY(sendAccepted(a, bob, "after the restart"));
        Client b(fe[1]);
        QVERIFY(b.call(authFrame(bob)).has_ok());  // the account survived too
        QVERIFY(QTest::qWaitFor([&] { return b.delivered.size() == 101; }, 10000));
        for (std::size_t i = 0; i < 100; ++i) {
            QCOMPARE(b.delivered[i].envelope(), "kept " + std::to_string(i));
        }
        QCOMPARE(b.delivered[100].envelope(), "after the restart");
        // The subscription came back too: pushed, not just read on sign-in.
        QVERIFY(a.call(sendFrame(bob, "pushed again")).has_accepted());
        QVERIFY(QTest::qWaitFor([&] { return b.delivered.size() == 102; }, 10000));
    }
};

QTEST_MAIN(TestRelayRedis)
#include "tst_relay_redis.moc"
