// Several tandem-relayd front-ends over one real redis-server (--store redis://…), sharing
// accounts: --store URLs read strictly; rate limits and code guesses counted once for all the
// front-ends; a registration lock holding while its holder is on another front-end; signed
// records shared with the SQLite relay's rules; a stopped Redis failing fast. Delivery:
// tst_relay_redis. A missing redis-server is a failure (scripts/setup-deps.sh installs it).
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

class TestRelayRedisAccounts : public QObject {
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
        QCOMPARE(two->servers.size(), std::size_t{2});
        QCOMPARE(two->servers[1].host, QStringLiteral("2001:db8::1"));
        QCOMPARE(two->servers[1].port, 6380);
        QVERIFY(!two->cluster);
        const auto cluster = relay::parseRedisUrl(
            QStringLiteral("redis-cluster://10.0.0.1:7000,10.0.0.2:7000"), &error);
        QVERIFY2(cluster, qPrintable(error));
        QVERIFY(cluster->cluster);
        QCOMPARE(cluster->servers.size(), std::size_t{2});
        for (const char* bad :
             {"redis://:hunter2secret@10.0.0.1:6379", "redis://user:hunter2secret@10.0.0.1:6379",
              "redis://::1:6379", "redis://10.0.0.1:6379/0", "redis://[::1:6379", "redis://:6379",
              "redis://10.0.0.1:0", "redis://10.0.0.1", "rediscluster://10.0.0.1:7000",
              "redis-cluster://:hunter2secret@10.0.0.1:7000"}) {
            error.clear();
            QVERIFY2(!relay::parseRedisUrl(QString::fromLatin1(bad), &error), bad);
            QVERIFY(!error.isEmpty());
            QVERIFY2(!error.contains(QLatin1String("hunter2")), qPrintable(error));
        }
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
        QVERIFY2(!names.contains("127.0.0.1"), names.constData());

        // Per client address too: 20 codes in 10 minutes from one address in all (the
        // first number's 3 count), not 20 on each front-end.
        int granted = 3;
        int refused = 0;
        for (int n = 0; n < 30; ++n) {
            Client c(fe[static_cast<std::size_t>(n % 3)]);
            ClientFrame other;
            other.mutable_request_code()->set_phone("+49151000002" + std::to_string(10 + n));
            const auto reply = c.call(other);
            if (reply.has_code_status()) {
                ++granted;
            } else {
                QCOMPARE(reply.error().code(), Error::RATE_LIMITED);
                ++refused;
            }
        }
        QCOMPARE(granted, 20);
        QCOMPARE(refused, 13);
    }

    // An identified sender's distinct recipients of the day (200) are counted in Redis too:
    // 150 through one front-end and then 50 through another are all it gets, not 200 more
    // there; a recipient already counted may be written to again; the numbers written to are
    // in no key or member in the clear.
    void identifiedRecipientsAreCountedAcrossFrontEnds() {
        RedisTestServer redis;
        QVERIFY(redis.start());
        FrontEnds fe;
        QVERIFY(fe.start(redis, 2));
        Account alice{QStringLiteral("+4915100000001")};
        const auto identified = [](const QString& to) {
            ClientFrame f;
            f.mutable_send()->set_recipient(to.toStdString());
            f.mutable_send()->set_envelope("x");  // no access key: identified
            return f;
        };
        const auto stranger = [](int i) {
            return QStringLiteral("+4917%1").arg(i, 8, 10, QLatin1Char('0'));
        };
        {
            Client a(fe[0]);
            registerAndAuth(a, alice);
            for (int i = 0; i < 150; ++i) {  // unknown numbers: counted, then NOT_FOUND
                QCOMPARE(a.call(identified(stranger(i))).error().code(), Error::NOT_FOUND);
            }
        }
        Client a(fe[1]);  // the same sender on the other front-end
        QVERIFY(a.call(authFrame(alice)).has_ok());
        for (int i = 150; i < 200; ++i) {
            QCOMPARE(a.call(identified(stranger(i))).error().code(), Error::NOT_FOUND);
        }
        QCOMPARE(a.call(identified(stranger(200))).error().code(), Error::RATE_LIMITED);
        QCOMPARE(a.call(identified(stranger(7))).error().code(), Error::NOT_FOUND);  // counted
        const QByteArray dump = redis.command(
            {"EVAL",
             "local out = {} for _, k in ipairs(redis.call('KEYS', 'rd:*')) do "
             "for _, m in ipairs(redis.call('SMEMBERS', k)) do out[#out + 1] = m end end "
             "return table.concat(out, ',')",
             "0"});
        QVERIFY2(dump.size() > 200 * 32, dump.left(100).constData());
        QVERIFY(!dump.contains("+4917") && !dump.contains("4917000"));
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
    // A new account's keys live on different shards: a failover may lose some of them. A
    // number whose account record is gone registers again as a new account (it is not
    // blocked), and an account id handed out again (the id counter rolled back) is never
    // pointed at a second account: the next id is taken.
    void partialRegistrationsAreRepaired() {
        RedisTestServer redis;
        QVERIFY(redis.start());
        FrontEnds fe;
        QVERIFY(fe.start(redis, 1));
        Account alice{QStringLiteral("+4915100000001")};
        Account bob{QStringLiteral("+4915100000002")};
        Account carol{QStringLiteral("+4915100000003")};
        {
            Client c1(fe[0]);
            registerAndAuth(c1, alice);
            Client c2(fe[0]);
            registerAndAuth(c2, bob);
        }
        const auto acctId = [&](int n) {
            return redis.command({"GET", "acctid:" + QByteArray::number(n)});
        };
        const QByteArray aliceAci = acctId(1);
        QVERIFY(aliceAci.startsWith("$"));
        // Bob's record lost (his number's key survived): Bob registers again.
        const QByteArray bobReply = acctId(2);  // $16\r\n<16 bytes>\r\n
        const QByteArray bobAci = bobReply.mid(bobReply.indexOf("\r\n") + 2, 16);
        QCOMPARE(bobAci.size(), 16);
        QVERIFY(redis.command({"DEL", "acct:{" + bobAci.toHex() + "}"}).startsWith(":1"));
        {
            Client c(fe[0]);
            const auto reply = c.call(registerFrame(bob));
            QVERIFY2(reply.has_registered(), reply.error().message().c_str());
            QVERIFY(c.call(authFrame(bob)).has_ok());
        }
        // The id counter rolled back: Carol's account must not take Alice's id.
        QVERIFY(redis.command({"SET", "acct:next", "0"}).startsWith("+OK"));
        {
            Client c(fe[0]);
            registerAndAuth(c, carol);
        }
        QCOMPARE(acctId(1), aliceAci);
        Client a(fe[0]);
        QVERIFY(a.call(authFrame(alice)).has_ok());
        Client c(fe[0]);
        QVERIFY(c.call(authFrame(carol)).has_ok());
        QVERIFY(c.call(sendFrame(alice, "to alice")).has_accepted());
        QTRY_COMPARE_WITH_TIMEOUT(a.delivered.size(), std::size_t{1}, 10000);
        QTest::qWait(300);
        QVERIFY(c.delivered.empty());
    }

    void aStoppedRedisFailsFast() {
        RedisTestServer redis;
        QVERIFY(redis.start());
        FrontEnds fe;
        QVERIFY(fe.start(redis, 1, QStringLiteral("file")));  // codes required: counted
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
        // A shared rate limit that cannot be counted is UNAVAILABLE (try again), not
        // RATE_LIMITED (wait minutes).
        ClientFrame ask;
        ask.mutable_request_code()->set_phone("+4915100000099");
        QCOMPARE(c.call(ask).error().code(), Error::UNAVAILABLE);
        const qint64 rest = clock.elapsed();
        redis.pause(false);
        QVERIFY2(first < 8000, QByteArray::number(first).constData());
        QVERIFY2(rest < 1000, QByteArray::number(rest).constData());  // no timeout among them
        // Back: an unknown account is UNAUTHORIZED again (read from Redis), within the window.
        QTRY_COMPARE_WITH_TIMEOUT(tryAuth().error().code(), Error::UNAUTHORIZED, 15000);
    }
};

QTEST_MAIN(TestRelayRedisAccounts)
#include "tst_relay_redis_accounts.moc"
