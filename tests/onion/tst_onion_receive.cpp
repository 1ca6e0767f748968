// Receiving through the onion transport keeps to one member of the swarm while it answers.
//
// Each member orders a recipient's messages its own way, so the bookmark a retrieve resumes
// after is good only at the member it came from; another member is read from its beginning.
// A client that changed members without need would be handed everything not yet deleted
// again. In a network of three nodes every relay is also a member of the one swarm, so the
// member polled is always on one of the two paths' hops: the poll has to choose the path
// around it (a client that moved instead, whenever the next path in turn went through its
// member, moved on nearly every poll and, with a busy core, never caught up again).
#include <set>
#include <sodium.h>
#include <utility>
#include <vector>

#include <QTest>
#include <QTimer>

#include "crypto/session/SessionKeys.h"
#include "tests/support/OnionNetwork.h"
#include "transport/onion/OnionTransport.h"

using namespace tandem;
using namespace tandem::transport::onion;
using crypto::session::SessionIdentity;

class OnionReceiveTest : public QObject {
    Q_OBJECT

    std::unique_ptr<test::OnionNetwork> net_;

private slots:
    void initTestCase() {
        QVERIFY(sodium_init() >= 0);
        net_ = std::make_unique<test::OnionNetwork>(3, 60);  // one swarm: 127.0.0.60–62
        QVERIFY2(net_->start(), "tandem-node did not start");
    }

    // Three receivers, each with its own paths: a receiver whose second path is its first
    // reversed has a path around every member in turn (one in four, here), the others do not.
    void oneMemberServesEveryMessageOnce_data() {
        QTest::addColumn<int>("round");
        for (int round = 0; round < 3; ++round) {
            QTest::addRow("receiver %d", round) << round;
        }
    }

    void oneMemberServesEveryMessageOnce() {
        const SessionIdentity alice = SessionIdentity::generate();
        const SessionIdentity bob = SessionIdentity::generate();
        OnionTransport sender(net_->directory(),
                              OnionIdentity{alice.sessionId, alice.ed25519.clone()});
        OnionTransport receiver(net_->directory(),
                                OnionIdentity{bob.sessionId, bob.ed25519.clone()});
        int emitted = 0;
        std::set<QByteArray> hashes;
        std::set<QString> members;
        QStringList received;
        std::vector<QByteArray> toAcknowledge;
        QObject::connect(&receiver, &transport::Transport::received,
                         [&](const transport::IncomingEnvelope& e) {
                             ++emitted;
                             members.insert(e.source);
                             if (hashes.insert(e.serverId).second) {
                                 received << QString::fromLatin1(e.ciphertext);
                             }
                             toAcknowledge.push_back(e.serverId);
                         });
        // Acknowledged a little later, in batches, as the core does once a message is stored.
        QTimer acknowledger;
        acknowledger.setInterval(20);
        QObject::connect(&acknowledger, &QTimer::timeout, [&] {
            for (const QByteArray& hash : std::exchange(toAcknowledge, {})) {
                receiver.acknowledge(hash);
            }
        });
        acknowledger.start();
        int accepted = 0;
        QObject::connect(&sender, &transport::Transport::accepted,
                         [&](const QByteArray&, qint64) { ++accepted; });
        sender.start();
        receiver.start();
        QVERIFY(QTest::qWaitFor([&] { return sender.isReady() && receiver.isReady(); }, 15000));

        constexpr int kCount = 150;
        for (int i = 0; i < kCount; ++i) {
            transport::OutgoingEnvelope e;
            e.id = QByteArray::number(i);
            e.recipient = bob.sessionId;
            e.ciphertext = QStringLiteral("m%1").arg(i).toLatin1();
            sender.send(e);
        }
        QVERIFY2(QTest::qWaitFor([&] { return received.size() == kCount; }, 60000),
                 qPrintable(QStringLiteral("%1 of %2 received; %3")
                                .arg(received.size())
                                .arg(kCount)
                                .arg(receiver.stateForDiagnostics())));
        QVERIFY(QTest::qWaitFor([&] { return accepted == kCount; }, 30000));
        QTest::qWait(300);  // a repeat would come now
        for (int i = 0; i < kCount; ++i) {
            QCOMPARE(received[i], QStringLiteral("m%1").arg(i));
        }
        QCOMPARE(emitted, kCount);  // nothing handed over twice
        QCOMPARE(members.size(), std::size_t{1});
        QVERIFY(receiver.pollAddress().has_value());
        QCOMPARE(*receiver.pollAddress(), *members.begin());
        sender.stop();
        receiver.stop();
    }

    // A backlog of the largest messages a node keeps, stored while the recipient was away,
    // drains: a retrieve answer is bounded in bytes below what an onion reply may be (256 of
    // them made an answer of 19 MiB, which no client could open, and the inbox was jammed).
    void aBacklogOfLargestMessagesDrains() {
        const SessionIdentity alice = SessionIdentity::generate();
        const SessionIdentity bob = SessionIdentity::generate();
        OnionTransport sender(net_->directory(),
                              OnionIdentity{alice.sessionId, alice.ed25519.clone()});
        int accepted = 0;
        QObject::connect(&sender, &transport::Transport::accepted,
                         [&](const QByteArray&, qint64) { ++accepted; });
        sender.start();
        QVERIFY(QTest::qWaitFor([&] { return sender.isReady(); }, 15000));
        constexpr int kCount = 40;
        const qsizetype largest = 76 * 1024;  // NodeStoreLimits::maxMessageBytes
        for (int i = 0; i < kCount; ++i) {
            transport::OutgoingEnvelope e;
            e.id = QByteArray::number(i);
            e.recipient = bob.sessionId;
            e.ciphertext = QByteArray::number(i).rightJustified(8, '0') +
                           QByteArray(largest - 8, static_cast<char>('a' + i % 26));
            sender.send(e);
        }
        QVERIFY(QTest::qWaitFor([&] { return accepted == kCount; }, 60000));

        OnionTransport receiver(net_->directory(),
                                OnionIdentity{bob.sessionId, bob.ed25519.clone()});
        QList<QByteArray> received;
        QObject::connect(&receiver, &transport::Transport::received,
                         [&](const transport::IncomingEnvelope& e) {
                             received << e.ciphertext.left(8);
                             receiver.acknowledge(e.serverId);
                         });
        receiver.start();
        QVERIFY2(QTest::qWaitFor([&] { return received.size() >= kCount; }, 60000),
                 qPrintable(QStringLiteral("%1 of %2 received").arg(received.size()).arg(kCount)));
        for (int i = 0; i < kCount; ++i) {
            QCOMPARE(received[i], QByteArray::number(i).rightJustified(8, '0'));
        }
        sender.stop();
        receiver.stop();
    }

    // A recipient's messages in a swarm have a byte quota (tandem-node --quota-per-id): past
    // it the sender is told clearly (Full, retryable, "full" in the reason), nothing already
    // stored is lost, and once the recipient has taken theirs the held messages go.
    void aFullMailboxRefusesClearlyAndEmptiesWhenRead() {
        for (std::size_t i = 0; i < net_->size(); ++i) {
            net_->node(i).terminate();
            net_->node(i).setExtraArguments(
                {QStringLiteral("--quota-per-id"), QStringLiteral("1")});
            QVERIFY(net_->node(i).start());
        }
        const SessionIdentity alice = SessionIdentity::generate();
        const SessionIdentity carol = SessionIdentity::generate();
        OnionTransport sender(net_->directory(),
                              OnionIdentity{alice.sessionId, alice.ed25519.clone()});
        std::set<QByteArray> accepted;
        std::vector<std::pair<QByteArray, transport::TransportError>> failures;
        QObject::connect(&sender, &transport::Transport::accepted,
                         [&](const QByteArray& id, qint64) { accepted.insert(id); });
        QObject::connect(&sender, &transport::Transport::failed,
                         [&](const QByteArray& id, const transport::TransportError& e) {
                             failures.emplace_back(id, e);
                         });
        sender.start();
        QVERIFY(QTest::qWaitFor([&] { return sender.isReady(); }, 15000));
        constexpr int kCount = 20;  // 20 × 76 KiB: 1.5 MiB for a quota of 1 MiB
        const auto envelope = [&](int i) {
            transport::OutgoingEnvelope e;
            e.id = QByteArray::number(i);
            e.recipient = carol.sessionId;
            e.ciphertext = QByteArray::number(i).rightJustified(8, '0') +
                           QByteArray(76 * 1024 - 8, static_cast<char>('a' + i));
            return e;
        };
        for (int i = 0; i < kCount; ++i) {
            sender.send(envelope(i));
        }
        QVERIFY(QTest::qWaitFor(
            [&] { return accepted.size() + failures.size() == std::size_t{kCount}; }, 60000));
        QCOMPARE(accepted.size(), std::size_t{(1024 * 1024) / (76 * 1024)});  // 13 fit
        // The first refused is Full; those behind it are handed back in order, to go after it.
        QCOMPARE(failures.front().second.code, transport::TransportError::Code::Full);
        QVERIFY(failures.front().second.retryable);
        QVERIFY2(failures.front().second.message.contains(QStringLiteral("full")),
                 qPrintable(failures.front().second.message));
        for (std::size_t i = 1; i < failures.size(); ++i) {
            QCOMPARE(failures[i].second.code, transport::TransportError::Code::Deferred);
        }

        OnionTransport receiver(net_->directory(),
                                OnionIdentity{carol.sessionId, carol.ed25519.clone()});
        std::set<QByteArray> received;
        QObject::connect(&receiver, &transport::Transport::received,
                         [&](const transport::IncomingEnvelope& e) {
                             received.insert(e.ciphertext.left(8));
                             receiver.acknowledge(e.serverId);
                         });
        receiver.start();
        QVERIFY(QTest::qWaitFor([&] { return received.size() == accepted.size(); }, 60000));
        // Taken and deleted: what was refused now fits.
        const auto refused = failures;
        failures.clear();
        QTest::qWait(1000);  // the deletes reach every member
        for (const auto& [id, e] : refused) {
            sender.send(envelope(id.toInt()));
        }
        QVERIFY2(QTest::qWaitFor([&] { return accepted.size() == std::size_t{kCount}; }, 60000),
                 qPrintable(QStringLiteral("%1 accepted, %2 failed")
                                .arg(accepted.size())
                                .arg(failures.size())));
        QVERIFY(QTest::qWaitFor([&] { return received.size() == std::size_t{kCount}; }, 60000));
        sender.stop();
        receiver.stop();
        for (std::size_t i = 0; i < net_->size(); ++i) {
            net_->node(i).terminate();
            net_->node(i).setExtraArguments({});
            QVERIFY(net_->node(i).start());
        }
    }
};

QTEST_GUILESS_MAIN(OnionReceiveTest)
#include "tst_onion_receive.moc"
