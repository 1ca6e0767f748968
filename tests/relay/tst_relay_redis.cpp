// Several tandem-relayd front-ends over one real redis-server (--store redis://…): a message
// sent through one is pushed by the one its recipient is connected to; a newer connection of
// an account ends the older one on another front-end; a front-end SIGKILLed while messages
// flow loses nothing (the recipient moves to another); Redis SIGKILLed and restarted from its
// append-only file keeps everything it accepted; a queue read that fails is read again; a
// registration lock holds while its holder is on another front-end; signed records are shared;
// a stopped Redis fails fast. A missing redis-server is a failure (scripts/setup-deps.sh
// installs it). Waits are on conditions (QTRY_*, qWaitFor), never fixed sleeps before asserts.
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
#include "tests/relay/RedisTestServer.h"
#include "tests/relay/RelayTestClient.h"
#include "tests/support/Daemons.h"
#include "transport/relay/RelayTransport.h"
#include "transport/relay/server/redis/RedisClient.h"

using namespace tandem;
using namespace tandem::test;
using proto::relay::Error;

namespace {

// Three relays with one key (the relay identity clients pin) over `redis`.
struct FrontEnds {
    std::vector<std::unique_ptr<RelayProcess>> relays;

    bool start(const RedisTestServer& redis, int count,
               const QString& verify = QStringLiteral("none")) {
        for (int i = 0; i < count; ++i) {
            auto relay = std::make_unique<RelayProcess>(verify);
            relay->setExtraArguments({QStringLiteral("--store"), redis.url()});
            if (i > 0) {  // the first one made the key: the others share it
                QDir().mkpath(relay->dataDir());
                if (!QFile::copy(relays[0]->dataDir() + QStringLiteral("/relay.key"),
                                 relay->dataDir() + QStringLiteral("/relay.key"))) {
                    return false;
                }
            }
            if (!relay->start()) {
                return false;
            }
            relays.push_back(std::move(relay));
        }
        return relays.front()->key() == relays.back()->key();
    }
    RelayEndpoint operator[](std::size_t i) const { return relays[i]->endpoint(); }
};

// Sends `envelope` until the relay accepts it (UNAVAILABLE while Redis is away is retried,
// as RelayTransport's outbox does); false after `ms`.
bool sendAccepted(Client& c, const Account& to, const std::string& envelope, int ms = 15000) {
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < ms) {
        auto reply = test::await(c.connection->request(sendFrame(to, envelope)));
        if (reply && reply->has_accepted()) {
            return true;
        }
        if (reply && reply->error().code() != Error::UNAVAILABLE) {
            qWarning() << "refused:" << reply->error().message().c_str();
            return false;
        }
        QTest::qWait(100);
    }
    return false;
}

// Envelopes queued in all of Redis' mailboxes (-1 when Redis does not answer).
long long queuedInAll(const RedisTestServer& redis) {
    const QByteArray reply =
        redis.command({"EVAL",
                       "local t = 0 for _, k in ipairs(redis.call('KEYS', 'mq:*')) do "
                       "t = t + redis.call('ZCARD', k) end return t",
                       "0"});
    bool ok = false;
    const long long n = reply.startsWith(':') ? reply.mid(1).trimmed().toLongLong(&ok) : -1;
    return ok ? n : -1;
}

void acknowledge(Client& c, std::size_t from) {
    ClientFrame ack;
    for (std::size_t i = from; i < c.delivered.size(); ++i) {
        ack.mutable_ack()->add_ids(c.delivered[i].id());
    }
    if (ack.ack().ids_size() > 0) {
        c.connection->post(ack);
    }
}

}  // namespace

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

    // --store redis://…: HOST:PORT lists, [IPv6]:PORT, and a password refused without being
    // printed (review SHOULD 15).
    void storeUrlsAreReadStrictly() {
        QString error;
        const auto two = relay::parseRedisUrl(
            QStringLiteral("redis://10.0.0.1:6379,[2001:db8::1]:6380"), &error);
        QVERIFY2(two, qPrintable(error));
        QCOMPARE(two->size(), std::size_t{2});
        QCOMPARE((*two)[1].host, QStringLiteral("2001:db8::1"));
        QCOMPARE((*two)[1].port, 6380);
        for (const char* bad :
             {"redis://:hunter2secret@10.0.0.1:6379", "redis://user:hunter2secret@10.0.0.1:6379",
              "redis://::1:6379", "redis://10.0.0.1:6379/0", "redis://[::1:6379", "redis://:6379",
              "redis://10.0.0.1:0", "redis://10.0.0.1"}) {
            error.clear();
            QVERIFY2(!relay::parseRedisUrl(QString::fromLatin1(bad), &error), bad);
            QVERIFY(!error.isEmpty());
            QVERIFY2(!error.contains(QLatin1String("hunter2")), qPrintable(error));
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
        QCOMPARE(redis.command({"GET", "blobs:bytes"}), QByteArray("$6\r\n100000\r\n"));
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

    // Rate limits bind across front-ends: three codes per number in 10 minutes in all, not
    // three on each.
    void rateLimitsAreSharedByTheFrontEnds() {
        RedisTestServer redis;
        QVERIFY(redis.start());
        FrontEnds fe;
        QVERIFY(fe.start(redis, 3, QStringLiteral("file")));
        ClientFrame ask;
        ask.mutable_request_code()->set_phone("+4915100000007");
        for (std::size_t i = 0; i < 3; ++i) {
            Client c(fe[i]);
            const auto reply = c.call(ask);
            QVERIFY2(reply.has_code_status(), reply.error().message().c_str());
        }
        for (std::size_t i = 0; i < 3; ++i) {
            Client c(fe[i]);
            QCOMPARE(c.call(ask).error().code(), Error::RATE_LIMITED);
        }
        // The number is in no key's name: codes and limits are named by its keyed hash (SHOULD 16).
        const QByteArray names = redis.command({"KEYS", "*"});
        QVERIFY2(names.contains("code:") && names.contains("rl:"), names.constData());
        QVERIFY2(!names.contains("4915100000007"), names.constData());
    }

    // Verification codes: guesses sent at once through three front-ends are counted before
    // they are compared — five in all, not five per front-end; then even the right code is
    // refused (review SHOULD 7).
    void codeGuessesAreCountedAcrossFrontEnds() {
        RedisTestServer redis;
        QVERIFY(redis.start());
        FrontEnds fe;
        QVERIFY(fe.start(redis, 3, QStringLiteral("file")));
        Account guessed{QStringLiteral("+4915100000009")};
        {
            Client c(fe[0]);
            ClientFrame ask;
            ask.mutable_request_code()->set_phone(guessed.phone.toStdString());
            QVERIFY(c.call(ask).has_code_status());
        }
        const QString code = fe.relays[0]->lastCode(guessed.phone);
        QVERIFY(!code.isEmpty());
        const QString wrongCode =
            code == QStringLiteral("000000") ? QStringLiteral("111111") : QStringLiteral("000000");
        std::vector<std::unique_ptr<Client>> clients;
        std::vector<QFuture<transport::RelayReply>> replies;
        for (std::size_t i = 0; i < 3; ++i) {
            clients.push_back(std::make_unique<Client>(fe[i]));
        }
        for (int round = 0; round < 5; ++round) {
            for (auto& c : clients) {
                replies.push_back(c->connection->request(registerFrame(guessed, wrongCode)));
            }
        }
        int wrong = 0;
        for (auto& r : replies) {
            const auto reply = test::await(r);
            QVERIFY(reply && reply->error().code() == Error::WRONG_CODE);
            wrong += reply->error().message() == "the verification code is wrong" ? 1 : 0;
        }
        QCOMPARE(wrong, 5);  // the rest: "too many wrong codes"
        const auto right = clients[1]->call(registerFrame(guessed, code));
        QCOMPARE(right.error().code(), Error::WRONG_CODE);
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

    // A registration lock does not lapse while its holder is connected to another front-end:
    // here its last sign-in is made 8 days old (a connection that stayed up that long), and a
    // registration without the PIN through another front-end is still refused (MUST 3).
    void aLockHoldsWhileItsHolderIsConnectedElsewhere() {
        RedisTestServer redis;
        QVERIFY(redis.start());
        FrontEnds fe;
        QVERIFY(fe.start(redis, 2));
        Account holder{QStringLiteral("+4915100000007")};
        holder.registrationLock = std::string(32, 'L');
        auto h = std::make_unique<Client>(fe[1]);
        registerAndAuth(*h, holder);
        const QByteArray keys = redis.command({"KEYS", "lock:*"});
        const QList<QByteArray> lines = keys.split('\n');
        QVERIFY2(keys.startsWith("*1\r\n") && lines.size() >= 3, keys.constData());
        const QByteArray lock = lines[2].trimmed();
        const qint64 eightDaysAgo = QDateTime::currentMSecsSinceEpoch() - 8LL * 24 * 3600 * 1000;
        QVERIFY(redis.command({"HSET", lock, "last", QByteArray::number(eightDaysAgo)})
                    .startsWith(":0"));
        Account taker{holder.phone};
        taker.password = std::string(32, 't');
        {
            Client other(fe[0]);
            QCOMPARE(other.call(registerFrame(taker)).error().code(), Error::REGISTRATION_LOCKED);
        }
        // Gone for good (disconnected, its presence expired, 8 days away): the lock lapses.
        h.reset();
        QTRY_VERIFY_WITH_TIMEOUT(
            redis.command({"HGET", lock, "last"}).contains(QByteArray::number(eightDaysAgo)) ==
                false,
            5000);  // the sign-out was recorded
        const QByteArray here = "here" + lock.mid(4);
        QVERIFY(redis.command({"DEL", here}).startsWith(":1"));
        QVERIFY(redis.command({"HSET", lock, "last", QByteArray::number(eightDaysAgo)})
                    .startsWith(":0"));
        Client other(fe[0]);
        const auto taken = other.call(registerFrame(taker));
        QVERIFY2(taken.has_registered(), taken.error().message().c_str());
    }

    // Signed records (profiles, sticker pack manifests) are shared too, with the SQLite
    // relay's rules: put through one front-end, read through another; a stale version, the
    // same version with other bytes and a forged record refused; the same record again is fine.
    void signedRecordsAreSharedWithTheirRules() {
        RedisTestServer redis;
        QVERIFY(redis.start());
        FrontEnds fe;
        QVERIFY(fe.start(redis, 2));
        Account alice{QStringLiteral("+4915100000001")};
        Account bob{QStringLiteral("+4915100000002")};
        Client a(fe[0]);
        registerAndAuth(a, alice);
        Client b(fe[1]);
        registerAndAuth(b, bob);
        const crypto::Ed25519KeyPair owner = crypto::generateRecordOwner();
        const auto put = [&](Client& c, const crypto::SignedRecord& record) {
            ClientFrame f;
            *f.mutable_put_record()->mutable_record() = crypto::toProto(record);
            return c.call(f);
        };
        const auto get = [&](Client& c) {
            ClientFrame f;
            f.mutable_get_record()->set_address(
                crypto::recordAddress(crypto::recordName(crypto::qbytes(owner.publicKey)))
                    .toStdString());
            return c.call(f);
        };
        QCOMPARE(get(b).error().code(), Error::NOT_FOUND);
        const auto v2 = crypto::signRecord(owner, 2, "pack v2");
        QCOMPARE(put(a, v2).record_stored().version(), std::uint64_t{2});
        const auto got = get(b);  // through the other front-end
        QVERIFY2(got.has_record_data(), got.error().message().c_str());
        QCOMPARE(got.record_data().record().version(), std::uint64_t{2});
        QCOMPARE(got.record_data().record().payload(), "pack v2");
        QVERIFY(crypto::verifyRecord(crypto::fromProto(got.record_data().record())).has_value());
        // Stale (lower), and the same version with other bytes: refused with the version held.
        const auto stale = put(b, crypto::signRecord(owner, 1, "pack v1"));
        QCOMPARE(stale.error().code(), Error::STALE_VERSION);
        QCOMPARE(stale.error().stored_version(), std::uint64_t{2});
        QCOMPARE(put(b, crypto::signRecord(owner, 2, "other v2")).error().code(),
                 Error::STALE_VERSION);
        QVERIFY(put(b, v2).has_record_stored());  // the same again: idempotent
        // A version past 2^53 (Lua's doubles) still orders right: compared as digits.
        const std::uint64_t big = (std::uint64_t{1} << 62) + 1;
        QCOMPARE(put(b, crypto::signRecord(owner, big, "big")).record_stored().version(), big);
        QCOMPARE(put(a, crypto::signRecord(owner, big - 1, "x")).error().code(),
                 Error::STALE_VERSION);
        QCOMPARE(get(a).record_data().record().version(), big);
        // A forged one (signature over other bytes) is refused before Redis sees it.
        auto forged = crypto::signRecord(owner, big + 1, "forged");
        forged.payload = "tampered";
        QCOMPARE(put(a, forged).error().code(), Error::MALFORMED);
        QCOMPARE(get(b).record_data().record().payload(), "big");
    }

    // A Redis that answers nothing costs a front-end one timeout (5 s), then calls fail at once
    // for a backoff window (UNAVAILABLE), not 5 s (or 10, with a retry) each; once Redis
    // answers again, so does the front-end (review SHOULD 5).
    void aStoppedRedisFailsFast() {
        RedisTestServer redis;
        QVERIFY(redis.start());
        FrontEnds fe;
        QVERIFY(fe.start(redis, 1));
        Client c(fe[0]);
        redis.pause(true);
        int next = 0;
        const auto tryAuth = [&] {
            Account unknown{QStringLiteral("+49151000001%1").arg(++next, 2, 10, QChar(u'0'))};
            return c.call(authFrame(unknown));
        };
        QElapsedTimer clock;
        clock.start();
        QCOMPARE(tryAuth().error().code(), Error::UNAVAILABLE);  // the one timeout
        const qint64 first = clock.restart();
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(tryAuth().error().code(), Error::UNAVAILABLE);
        }
        const qint64 rest = clock.elapsed();
        redis.pause(false);
        QVERIFY2(first < 8000, QByteArray::number(first).constData());
        QVERIFY2(rest < 1000, QByteArray::number(rest).constData());  // no timeout among them
        // Back: an unknown account is UNAUTHORIZED again (read from Redis), within the window.
        QTRY_COMPARE_WITH_TIMEOUT(tryAuth().error().code(), Error::UNAUTHORIZED, 15000);
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
