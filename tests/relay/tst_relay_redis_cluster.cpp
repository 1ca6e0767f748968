// tandem-relayd front-ends over a real six-node Redis Cluster (--store redis-cluster://…, three
// primaries and three replicas, RedisTestCluster.h): accounts spread over the three shards and
// messages pushed across front-ends and shards (sharded pub/sub); a slot migrated by hand while
// traffic runs (ASK during the move, MOVED after it, and the subscription follows the slot);
// tandem-localnet --relays 2
// --redis-cluster. A shard failing is tst_relay_redis_failover. A missing redis-server is a
// failure.
#include <deque>
#include <map>
#include <set>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include "tests/relay/RedisClusterAccounts.h"
#include "tests/relay/RedisFrontEnds.h"
#include "tests/relay/RedisTestCluster.h"
#include "tests/relay/RelayTestClient.h"
#include "tests/support/Daemons.h"
#include "tests/support/TestSupport.h"
#include "transport/relay/server/redis/RedisClusterPort.h"
#include "transport/relay/server/redis/RedisKeys.h"

using namespace tandem;
using namespace tandem::test;

class TestRelayRedisCluster : public QObject {
    Q_OBJECT
private slots:
    void init() {
        if (RedisTestServer::binary().isEmpty()) {
            QFAIL("redis-server is not installed: run scripts/setup-deps.sh");
        }
    }

    // The slot of every key the relay writes is Redis' own (CLUSTER KEYSLOT), and every key
    // of an account — and its channel — is in the account's slot, so one script may touch
    // them all; blobs share one slot, records another.
    void keySlotsAreRedisOwn() {
        QCOMPARE(relay::RedisSlotMap::crc16("123456789"), std::uint16_t{0x31C3});
        RedisTestServer node;
        node.setExtraArguments({QStringLiteral("--cluster-enabled"), QStringLiteral("yes")});
        QVERIFY(node.start());
        const QByteArray aci(16, '\x5a');
        namespace keys = relay::rediskeys;
        const QList<QByteArray> ofAccount{keys::record(aci),         keys::signedPreKey(aci),
                                          keys::oneTimePreKeys(aci), keys::lock(aci),
                                          keys::queue(aci),          keys::queueSize(aci),
                                          keys::sequence(aci),       keys::generation(aci),
                                          keys::channel(aci),        keys::presence(aci)};
        const int slot = relay::RedisSlotMap::keySlot(ofAccount.front());
        for (const QByteArray& key : ofAccount) {
            QCOMPARE(relay::RedisSlotMap::keySlot(key), slot);
        }
        QList<QByteArray> all = ofAccount;
        all << keys::byPhone("0123abcd") << keys::byId(42) << keys::code("0123abcd")
            << keys::secret() << keys::nextAccountId() << keys::blob(QStringLiteral("b1"))
            << keys::blobBytes() << keys::blobsByUpload() << keys::signedRecord("addr")
            << keys::recordBytes() << keys::recordsByExpiry() << "a{}b"
            << "{"
            << "x{y";
        for (const QByteArray& key : all) {
            const auto r = RedisTestCluster::command(node.port(), {"CLUSTER", "KEYSLOT", key});
            QCOMPARE(relay::RedisSlotMap::keySlot(key), static_cast<int>(r.integer));
        }
        QCOMPARE(relay::RedisSlotMap::keySlot(keys::blob(QStringLiteral("b1"))),
                 relay::RedisSlotMap::keySlot(keys::blobBytes()));
        QCOMPARE(relay::RedisSlotMap::keySlot(keys::signedRecord("addr")),
                 relay::RedisSlotMap::keySlot(keys::recordsByExpiry()));
        // Redirects parse; anything else is no redirect.
        const auto moved =
            relay::parseRedirect(relay::redisError(QStringLiteral("MOVED 3999 127.0.0.1:6381")));
        QVERIFY(moved && !moved->ask && moved->slot == 3999 && moved->node.port == 6381);
        QVERIFY(
            relay::parseRedirect(relay::redisError(QStringLiteral("ASK 1 10.0.0.1:7000")))->ask);
        QVERIFY(!relay::parseRedirect(relay::redisError(QStringLiteral("MOVED 99999 h:1"))));
        QVERIFY(!relay::parseRedirect(relay::redisError(QStringLiteral("ERR no"))));
    }

    void messagesArePushedAcrossShards() {
        RedisTestCluster cluster;
        QVERIFY(cluster.start());
        FrontEnds fe;
        QVERIFY(fe.start(cluster.url(), 3, QStringLiteral("none"),
                         {QStringLiteral("--redis-wait"), QStringLiteral("1")}));
        std::deque<Account> accounts;
        const auto spread = accountsOnDistinctShards(fe, cluster, accounts, 3);
        QCOMPARE(spread.size(), std::size_t{3});
        const Account& alice = accounts[spread[0]];
        const Account& bob = accounts[spread[1]];
        const Account& carol = accounts[spread[2]];
        // Three slots on three primaries.
        std::set<int> slotSet;
        std::set<int> primaries;
        for (const Account* acc : {&alice, &bob, &carol}) {
            const int slot = cluster.slotOfAccount(acc->phone);
            slotSet.insert(slot);
            primaries.insert(cluster.primaryOf(slot));
        }
        QCOMPARE(slotSet.size(), std::size_t{3});
        QCOMPARE(primaries.size(), std::size_t{3});

        Client a(fe[0]);
        QVERIFY(a.call(authFrame(alice)).has_ok());
        Client b(fe[1]);
        QVERIFY(b.call(authFrame(bob)).has_ok());
        Client c(fe[2]);
        QVERIFY(c.call(authFrame(carol)).has_ok());
        for (int i = 0; i < 30; ++i) {
            const auto r = a.call(sendFrame(bob, "to bob " + std::to_string(i)));
            QVERIFY2(r.has_accepted(), r.error().message().c_str());
            QVERIFY(a.call(sendFrame(carol, "to carol " + std::to_string(i))).has_accepted());
        }
        QVERIFY(b.call(sendFrame(alice, "back")).has_accepted());
        QVERIFY(QTest::qWaitFor(
            [&] {
                return b.delivered.size() == 30 && c.delivered.size() == 30 &&
                       a.delivered.size() == 1;
            },
            10000));
        for (std::size_t i = 0; i < 30; ++i) {
            QCOMPARE(b.delivered[i].envelope(), "to bob " + std::to_string(i));
            QCOMPARE(c.delivered[i].envelope(), "to carol " + std::to_string(i));
        }
        // Acknowledged through one front-end, gone from the shard.
        acknowledge(b, 0);
        acknowledge(c, 0);
        QTRY_COMPARE_WITH_TIMEOUT(cluster.queuedInAll(), 1LL, 10000);
        // A newer connection of Bob on front-end 2 ends the one on 1 (SPUBLISH of the claim).
        QSignalSpy ended(b.connection.get(), &RelayConnection::closed);
        Client b2(fe[2]);
        QVERIFY(b2.call(authFrame(bob)).has_ok());
        QVERIFY(ended.wait(5000) || !ended.isEmpty());
        // Blobs (one slot, {blobs}) are shared too.
        ClientFrame put;
        put.mutable_put_blob()->set_data(std::string(1000, 'x'));
        const auto stored = b2.call(put);
        QVERIFY(stored.has_blob_stored());
        ClientFrame get;
        get.mutable_get_blob()->set_id(stored.blob_stored().id());
        QCOMPARE(a.call(get).blob_data().total(), std::uint64_t{1000});
    }

    // One slot moved by hand from its primary to another while Alice sends to an account on
    // it: during the move the front-end follows ASK, after it MOVED; Bob's subscription (his
    // channel is in the slot) is ended by Redis and made again on the new owner.
    void slotMigratedWhileTrafficRuns() {
        RedisTestCluster cluster;
        QVERIFY(cluster.start());
        FrontEnds fe;
        QVERIFY(fe.start(cluster.url(), 2, QStringLiteral("none")));
        std::deque<Account> accounts;
        const auto spread = accountsOnDistinctShards(fe, cluster, accounts, 2);
        QCOMPARE(spread.size(), std::size_t{2});
        const Account& alice = accounts[spread[0]];
        const Account& bob = accounts[spread[1]];
        const int slot = cluster.slotOfAccount(bob.phone);
        const int from = cluster.primaryOf(slot);
        const int to = cluster.primaryOf(cluster.slotOfAccount(alice.phone));
        QVERIFY(from != to && from != 0 && to != 0);
        const QByteArray fromId = RedisTestCluster::command(from, {"CLUSTER", "MYID"}).string;
        const QByteArray toId = RedisTestCluster::command(to, {"CLUSTER", "MYID"}).string;

        Client a(fe[0]);
        QVERIFY(a.call(authFrame(alice)).has_ok());
        Client b(fe[1]);
        QVERIFY(b.call(authFrame(bob)).has_ok());
        const QByteArray s = QByteArray::number(slot);
        for (int i = 0; i < 20; ++i) {
            QVERIFY(sendAccepted(a, bob, "before " + std::to_string(i)));
        }
        // The move: IMPORTING / MIGRATING, then the keys MIGRATEd; the slot is still the old
        // owner's, which answers ASK for keys it no longer has: traffic; then the slot given
        // away (MOVED), traffic. (While a slot's keys are half moved, a send's script, which
        // touches several keys, is refused with TRYAGAIN — UNAVAILABLE to the client, who
        // sends again; redis-cli --cluster reshard moves a slot's keys in one go.)
        QCOMPARE(
            RedisTestCluster::command(to, {"CLUSTER", "SETSLOT", s, "IMPORTING", fromId}).string,
            QByteArray("OK"));
        QCOMPARE(
            RedisTestCluster::command(from, {"CLUSTER", "SETSLOT", s, "MIGRATING", toId}).string,
            QByteArray("OK"));
        const auto migrate = [&](int count) {
            const auto keys = RedisTestCluster::command(
                from, {"CLUSTER", "GETKEYSINSLOT", s, QByteArray::number(count)});
            relay::RedisCommand m{"MIGRATE", "127.0.0.1", QByteArray::number(to), "", "0",
                                  "5000",    "KEYS"};
            for (const auto& k : keys.elements) {
                m.push_back(k.string);
            }
            return keys.elements.empty() ||
                   RedisTestCluster::command(from, m).string == QByteArray("OK");
        };
        QVERIFY(migrate(1000));
        for (int i = 0; i < 20; ++i) {
            QVERIFY(sendAccepted(a, bob, "during " + std::to_string(i)));
        }
        for (int port : {from, to}) {
            QCOMPARE(
                RedisTestCluster::command(port, {"CLUSTER", "SETSLOT", s, "NODE", toId}).string,
                QByteArray("OK"));
        }
        QVERIFY(QTest::qWaitFor([&] { return cluster.primaryOf(slot) == to; }, 10000));
        for (int i = 0; i < 20; ++i) {
            QVERIFY(sendAccepted(a, bob, "after " + std::to_string(i)));
        }
        std::set<std::string> distinct;
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         distinct.clear();
                         for (const auto& e : b.delivered) {
                             distinct.insert(e.envelope());
                         }
                         return distinct.size() == 60;
                     },
                     20000),
                 qPrintable(QStringLiteral("Bob got %1 of 60").arg(distinct.size())));
        // Bob's mailbox is on the new owner, whole.
        const auto queued = RedisTestCluster::command(
            to, {"EVAL",
                 "local t = 0 for _, k in ipairs(redis.call('KEYS', 'mq:*')) do "
                 "t = t + redis.call('ZCARD', k) end return t",
                 "0"});
        QCOMPARE(queued.integer, 60LL);
    }

    // A port for a cluster node is one Redis accepts (<= 55535: its bus port is + 10000) and
    // whose bus port is free.
    void clusterPortsLeaveRoomForTheBus() {
        for (int i = 0; i < 50; ++i) {
            const quint16 port = relay::RedisClusterPort::pick();
            QVERIFY(port >= relay::RedisClusterPort::kLowest && port <= 55535);
            QTcpServer bus;
            QVERIFY(bus.listen(QHostAddress::LocalHost, static_cast<quint16>(port + 10000)));
        }
        QVERIFY(!relay::RedisClusterPort::usable(55536));
    }

    // tandem-localnet --relays 2 --redis-cluster: six redis-servers made a cluster, two
    // front-ends on it, a message across them; all stopped with it. The folder holds the
    // ports an older tandem-localnet picked (bind(0): above 55535, where Redis refuses
    // cluster mode): they are replaced.
    void localnetRunsFrontEndsOverACluster() {
        QTemporaryDir dir;
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("net"))));
        {
            QFile state(dir.filePath(QStringLiteral("net/localnet.json")));
            QVERIFY(state.open(QIODevice::WriteOnly));
            state.write(R"({"redis_cluster_ports": [60001, 60002, 60003, 60004, 60005, 60006]})");
        }
        QProcess net;
        QVERIFY(test::startLocalnet(
            net, dir.filePath(QStringLiteral("net")), 90000,
            {QStringLiteral("--nodes"), QStringLiteral("0"), QStringLiteral("--relays"),
             QStringLiteral("2"), QStringLiteral("--redis-cluster")}));
        for (int i = 1; i <= 6; ++i) {
            QVERIFY(QFile::exists(
                dir.filePath(QStringLiteral("net/redis-cluster/%1/nodes.conf").arg(i))));
        }
        {
            QFile state(dir.filePath(QStringLiteral("net/localnet.json")));
            QVERIFY(state.open(QIODevice::ReadOnly));
            const QJsonArray ports = QJsonDocument::fromJson(state.readAll())
                                         .object()[QStringLiteral("redis_cluster_ports")]
                                         .toArray();
            QCOMPARE(ports.size(), 6);
            for (const auto& port : ports) {
                QVERIFY2(relay::RedisClusterPort::usable(port.toInt()),
                         qPrintable(QString::number(port.toInt())));
            }
        }
        QFile file(dir.filePath(QStringLiteral("net/network.json")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject relay =
            QJsonDocument::fromJson(file.readAll()).object()[QStringLiteral("relay")].toObject();
        QStringList addresses{relay[QStringLiteral("address")].toString()};
        for (const auto& more : relay[QStringLiteral("more_addresses")].toArray()) {
            addresses << more.toString();
        }
        QCOMPARE(addresses.size(), 2);
        const QByteArray key =
            QByteArray::fromHex(relay[QStringLiteral("public_key")].toString().toLatin1());
        std::vector<RelayEndpoint> endpoints;
        for (const QString& a : addresses) {
            RelayEndpoint e;
            e.host = a.left(a.lastIndexOf(u':'));
            e.port = static_cast<quint16>(a.mid(a.lastIndexOf(u':') + 1).toUInt());
            std::copy(key.begin(), key.end(), e.relayKey.begin());
            endpoints.push_back(e);
        }
        Account bob{QStringLiteral("+4915100000002")};
        Client b(endpoints[1]);
        registerAndAuth(b, bob);
        Client sender(endpoints[0]);
        // The replicas may still be syncing (--redis-wait 1): retried as the outbox does, so
        // Bob may get a copy of a try that was stored but not acknowledged by a replica.
        QVERIFY(sendAccepted(sender, bob, "through the cluster", 30000));
        QVERIFY(QTest::qWaitFor([&] { return !b.delivered.empty(); }, 10000));
        for (const auto& e : b.delivered) {
            QCOMPARE(e.envelope(), std::string("through the cluster"));
        }
        net.terminate();
        QVERIFY(net.waitForFinished(30000));  // eight processes, each given 5 s at most
    }
};

QTEST_MAIN(TestRelayRedisCluster)
#include "tst_relay_redis_cluster.moc"
