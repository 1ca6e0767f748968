// The client's OnionTransport over real tandem-node processes (six, two swarms of three, on
// 127.0.0.70–75): two users exchange messages both ways through their own paths, each once
// and in order; a node of a route killed (a middle, outside the recipient's swarm or in it,
// or the member it ends at) and another path or member is taken, without a failure
// reported; the guard is kept; a newer directory signed by the network key is adopted from
// the nodes (and announced once), a forged one is not.
#include <memory>
#include <set>
#include <sodium.h>

#include <QDateTime>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTest>

#include "crypto/session/SessionKeys.h"
#include "tests/onion/OnionEndpoint.h"
#include "tests/support/OnionNetwork.h"
#include "transport/onion/Directory.h"
#include "transport/onion/OnionTransport.h"
#include "transport/onion/Swarm.h"

using namespace tandem;
using namespace tandem::transport::onion;
using crypto::Ed25519KeyPair;
using crypto::session::SessionIdentity;
using test::Endpoint;
using test::restartForLaterTests;

class OnionTransportTest : public QObject {
    Q_OBJECT

    static constexpr int kFirstHost = 70;
    std::unique_ptr<test::OnionNetwork> net_;

    std::vector<NodeInfo> swarmOf(const SessionIdentity& who) const {
        return net_->directory().members(*net_->directory().swarmOf(who.x25519.publicKey));
    }

private slots:
    void initTestCase() {
        QVERIFY(sodium_init() >= 0);
        net_ = std::make_unique<test::OnionNetwork>(6, kFirstHost);  // two swarms of three
        QVERIFY2(net_->start(), "the onion network did not start");
    }

    void twoUsersExchangeMessagesThroughTheirOwnPaths() {
        Endpoint alice(net_->directory());
        Endpoint bob(net_->directory());
        alice.transport->start();
        bob.transport->start();
        QVERIFY(QTest::qWaitFor(
            [&] { return alice.transport->isReady() && bob.transport->isReady(); }, 15000));
        QCOMPARE(alice.transport->status().path.size(), 3);
        constexpr int kEach = 200;
        for (int i = 0; i < kEach; ++i) {
            alice.send(bob.who.sessionId, QStringLiteral("a%1").arg(i));
            bob.send(alice.who.sessionId, QStringLiteral("b%1").arg(i));
        }
        // Accepted too: a member answers "stored" once every other member has a copy, while
        // the recipient's long-poll is woken as soon as the first has it, so the last
        // acceptance may come after the last delivery.
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         return alice.received.size() == kEach && bob.received.size() == kEach &&
                                alice.accepted + alice.failed >= kEach &&
                                bob.accepted + bob.failed >= kEach;
                     },
                     60000),
                 qPrintable(QStringLiteral("alice got %1 (%2 accepted), bob got %3 (%4 accepted)")
                                .arg(alice.received.size())
                                .arg(alice.accepted)
                                .arg(bob.received.size())
                                .arg(bob.accepted)));
        QCOMPARE(alice.accepted, kEach);
        QCOMPARE(bob.accepted, kEach);
        QCOMPARE(alice.failed + bob.failed, 0);
        for (int i = 0; i < kEach; ++i) {
            QCOMPARE(bob.received[i], QStringLiteral("a%1").arg(i));
            QCOMPARE(alice.received[i], QStringLiteral("b%1").arg(i));
        }
    }

    void aKilledNodeOnThePathIsRoutedAround_data() {
        // Which node of the route Alice's messages to Bob take is killed: its path's middle
        // (not a member of Bob's swarm, or one), or the member of Bob's swarm it ends at.
        QTest::addColumn<int>("hop");
        QTest::addColumn<int>("inRecipientsSwarm");  // -1: whichever
        QTest::newRow("middle outside the recipient's swarm") << 1 << 0;
        QTest::newRow("middle in the recipient's swarm") << 1 << 1;
        QTest::newRow("the recipient's swarm member the route ends at") << 2 << -1;
    }

    void aKilledNodeOnThePathIsRoutedAround() {
        QFETCH(int, hop);
        QFETCH(int, inRecipientsSwarm);
        Endpoint bob(net_->directory());
        bob.transport->start();
        QVERIFY(QTest::qWaitFor([&] { return bob.transport->isReady(); }, 15000));
        std::set<QString> bobsSwarm;
        for (const NodeInfo& n : swarmOf(bob.who)) {
            bobsSwarm.insert(n.address);
        }
        // Paths are drawn at random: Alice is set up again until her route to Bob has the
        // node wanted. A dead member of the recipient's swarm costs no message (each is on
        // all three), but sends routed to it must find another member.
        std::unique_ptr<Endpoint> alice;
        QString victimAddress;
        for (int tries = 0; tries < 50 && victimAddress.isEmpty(); ++tries) {
            alice = std::make_unique<Endpoint>(net_->directory());
            alice->transport->start();
            QVERIFY(QTest::qWaitFor([&] { return alice->transport->isReady(); }, 15000));
            alice->send(bob.who.sessionId, QStringLiteral("before%1").arg(tries));
            QVERIFY(QTest::qWaitFor([&] { return alice->accepted == 1; }, 15000));
            const QStringList hops = alice->transport->routeHops(bob.who.sessionId);
            QCOMPARE(hops.size(), 3);
            const QString& node = hops[hop];
            if (inRecipientsSwarm < 0 || (bobsSwarm.count(node) > 0) == (inRecipientsSwarm == 1)) {
                victimAddress = node;
            }
        }
        QVERIFY(!victimAddress.isEmpty());
        // Kill that node, then keep sending: the route fails, another path or member is
        // chosen, and delivery goes on without a failure reported.
        test::NodeProcess* victim = net_->nodeAt(victimAddress);
        QVERIFY(victim != nullptr);
        victim->kill();
        const auto restart = qScopeGuard([victim] { restartForLaterTests(*victim); });
        for (int i = 0; i < 20; ++i) {
            alice->send(bob.who.sessionId, QStringLiteral("after%1").arg(i));
        }
        // Only what was sent after the kill counts (a "before" of an Alice tried earlier may
        // come late: its copy to the member Bob polls may have timed out).
        const auto after = [&] {
            return bob.received.filter(QRegularExpression(QStringLiteral("^after")));
        };
        QVERIFY2(QTest::qWaitFor([&] { return after().size() == 20; }, 60000),
                 qPrintable(QStringLiteral("Bob got %1 (polling %2); Alice: %3 accepted, %4 failed")
                                .arg(bob.received.join(u','))
                                .arg(bob.transport->pollAddress().value_or(QString()))
                                .arg(alice->accepted)
                                .arg(alice->failed)));
        QCOMPARE(alice->failed, 0);
        for (int i = 0; i < 20; ++i) {  // in order, across the rebuilt path
            QCOMPARE(after()[i], QStringLiteral("after%1").arg(i));
        }
    }

    void theGuardIsKept() {
        Endpoint first(net_->directory());
        std::optional<crypto::PublicKey> guard;
        QObject::connect(first.transport.get(), &OnionTransport::guardChanged,
                         [&](const crypto::PublicKey& g) { guard = g; });
        first.transport->start();
        QVERIFY(QTest::qWaitFor([&] { return first.transport->isReady(); }, 15000));
        QVERIFY(guard.has_value());
        const NodeInfo* chosen = net_->directory().find(*guard);
        QVERIFY(chosen != nullptr);
        // The next start, given that guard, builds its first path on it.
        Endpoint again(net_->directory(), guard);
        bool changed = false;
        QObject::connect(again.transport.get(), &OnionTransport::guardChanged,
                         [&](const crypto::PublicKey&) { changed = true; });
        again.transport->start();
        QVERIFY(QTest::qWaitFor([&] { return again.transport->isReady(); }, 15000));
        QVERIFY(!changed);  // a guard other than the one given would have been announced
    }

    // Last: it changes the directory every node reads.
    void aNewerDirectoryIsAdopted() {
        Endpoint user(net_->directory());
        user.transport->setNetworkKey(net_->networkKey());
        user.transport->setDirectoryRefreshInterval(300);
        QList<QByteArray> announced;
        QObject::connect(user.transport.get(), &OnionTransport::directoryChanged,
                         [&](const QByteArray& signedDirectory) { announced << signedDirectory; });
        user.transport->start();
        QVERIFY(QTest::qWaitFor([&] { return user.transport->isReady(); }, 15000));
        QTest::qWait(1000);  // a few refreshes: the same version is not announced again
        QVERIFY(announced.isEmpty());
        QCOMPARE(user.transport->directory().version, std::uint64_t{1});

        // Version 2 lists one more node (a seventh, in the first swarm); the nodes read it from
        // the file, and the transport from them.
        test::NodeProcess* seventh = net_->addNode(kFirstHost + 6);
        QVERIFY2(seventh != nullptr, "tandem-node did not start");
        NodeDirectory next = net_->directory();
        next.version = 2;
        next.issuedAtMs = QDateTime::currentMSecsSinceEpoch();
        NodeInfo added;
        added.ed25519 = seventh->identity();
        added.x25519 = crypto::ed25519ToX25519(added.ed25519).value();
        added.address = seventh->address();
        added.swarmId = assignSwarms(7)[6];
        next.nodes.push_back(added);
        // A forged version 3 (signed by another key) is ignored by the nodes and the client.
        NodeDirectory forged = next;
        forged.version = 3;
        const Ed25519KeyPair forger = Ed25519KeyPair::generate();
        QVERIFY(net_->publish(forged, &forger));
        QTest::qWait(1500);  // refreshed a few times (and a new modification time next)
        QVERIFY(announced.isEmpty());
        QVERIFY(net_->publish(next));
        QVERIFY(QTest::qWaitFor([&] { return !announced.isEmpty(); }, 15000));
        QCOMPARE(announced.size(), 1);
        const auto adopted = NodeDirectory::verify(
            crypto::ByteView(reinterpret_cast<const std::uint8_t*>(announced[0].constData()),
                             static_cast<std::size_t>(announced[0].size())),  // NOLINT
            net_->networkKey());
        QVERIFY(adopted.has_value());
        QCOMPARE(adopted->version, std::uint64_t{2});
        QCOMPARE(adopted->nodes.size(), std::size_t{7});
        QCOMPARE(user.transport->directory().version, std::uint64_t{2});
        QVERIFY(user.transport->directory().find(added.ed25519) != nullptr);
        QTest::qWait(1000);
        QCOMPARE(announced.size(), 1);  // once
        // Still delivering with the new directory.
        Endpoint other(net_->directory());
        other.transport->start();
        QVERIFY(QTest::qWaitFor([&] { return other.transport->isReady(); }, 15000));
        other.send(user.who.sessionId, QStringLiteral("after v2"));
        QVERIFY(QTest::qWaitFor([&] { return user.received.size() == 1; }, 15000));
    }
};

QTEST_GUILESS_MAIN(OnionTransportTest)
#include "tst_onion_transport.moc"
