// The privacy contract of Session mode, checked against what real nodes saw. Nine
// tandem-node processes on 127.0.0.20–28 (three swarms of three) run with --audit (test
// instrumentation: every connection's and request's peer address, what each peeled layer
// says, every row stored); clients connect from 127.0.0.1 and nodes connect to each other
// from their own listen address. Alice sends Bob Session messages (encryptSessionMessage)
// carrying a known plaintext marker through her OnionTransport; Bob receives them through
// his. Then, from the audit logs and the node.db files on disk:
//  (a) Alice's guards are outside her swarm, her two paths in two other swarms, and her
//      route to Bob has its guard and middle in neither swarm; her guards never see Bob's
//      Session ID in anything from her (the one that is a member of Bob's swarm stores his
//      messages as handed on by other nodes), nor any layer naming it;
//      anything any node sees from 127.0.0.1 is a client's first hop: a layer naming only a
//      next hop, never a destination request or a stored row;
//  (b) the members of Bob's swarm that store the messages (all three: each has every one)
//      never get a store from 127.0.0.1, only from other nodes' addresses, and never see
//      Alice's Session ID;
//  (c) no audit log and no file in any node's data folder holds the plaintext marker, and no
//      data file holds Alice's Session ID or keys; Alice's Session ID reaches only the members
//      of her own swarm, only in her own retrieve requests.
// Every check can fail: the logs are required to hold Bob's Session ID at his swarm, the
// client's address at Alice's guard and node addresses for replication, and the data files
// are required to hold Bob's Session ID.
#include <map>
#include <memory>
#include <set>
#include <sodium.h>

#include <QDirIterator>
#include <QFile>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "crypto/session/SessionKeys.h"
#include "crypto/session/SessionMessage.h"
#include "tests/support/OnionNetwork.h"
#include "transport/onion/Directory.h"
#include "transport/onion/OnionTransport.h"
#include "transport/onion/Swarm.h"

using namespace tandem;
using namespace tandem::transport::onion;
using crypto::session::SessionIdentity;

namespace {

const QString kClientIp = QStringLiteral("127.0.0.1");
constexpr int kMessages = 5;

QByteArray raw(const crypto::PublicKey& key) {
    return {reinterpret_cast<const char*>(key.data()), static_cast<qsizetype>(key.size())};
}

QString describe(const QJsonObject& event) {
    return QString::fromUtf8(QJsonDocument(event).toJson(QJsonDocument::Compact));
}

// Every string value of the event (a Session ID can only appear as one).
bool mentions(const QJsonObject& event, const QString& text) {
    for (auto it = event.begin(); it != event.end(); ++it) {
        if (it.value().isString() && it.value().toString().contains(text, Qt::CaseInsensitive)) {
            return true;
        }
    }
    return false;
}

}  // namespace

class PrivacyTest : public QObject {
    Q_OBJECT

    std::unique_ptr<test::OnionNetwork> net_;

    std::set<QString> swarmIps(const SessionIdentity& who) const {
        std::set<QString> ips;
        for (const NodeInfo& n :
             net_->directory().members(*net_->directory().swarmOf(who.x25519.publicKey))) {
            ips.insert(n.address.left(n.address.lastIndexOf(u':')));
        }
        return ips;
    }

private slots:
    void initTestCase() {
        QVERIFY(sodium_init() >= 0);
        // Three swarms of three on 127.0.0.20–28, each node with --audit.
        net_ = std::make_unique<test::OnionNetwork>(9, 20, true);
        QVERIFY2(net_->start(), "tandem-node did not start");
    }

    void whatEachNodeSees() {
        const SessionIdentity bob = SessionIdentity::generate();
        SessionIdentity alice = SessionIdentity::generate();
        // Alice in another swarm than Bob: her own polls name her ID to her swarm only.
        while (net_->directory().swarmOf(alice.x25519.publicKey) ==
               net_->directory().swarmOf(bob.x25519.publicKey)) {
            alice = SessionIdentity::generate();
        }
        const std::set<QString> bobSwarm = swarmIps(bob);
        const std::set<QString> aliceSwarm = swarmIps(alice);
        std::set<QString> nodeIps;
        for (std::size_t i = 0; i < net_->size(); ++i) {
            nodeIps.insert(net_->node(i).ip());
        }
        // Alice's first guard is in the third swarm: no other reason to see either ID there.
        const NodeInfo* guard = nullptr;
        for (const NodeInfo& n : net_->directory().nodes) {
            const QString ip = n.address.left(n.address.lastIndexOf(u':'));
            if (bobSwarm.count(ip) == 0 && aliceSwarm.count(ip) == 0) {
                guard = &n;
            }
        }
        QVERIFY(guard != nullptr);

        OnionTransport bobTransport(net_->directory(),
                                    OnionIdentity{bob.sessionId, bob.ed25519.clone()});
        QByteArray marker(16, '\0');
        randombytes_buf(marker.data(), static_cast<std::size_t>(marker.size()));
        marker = "PLAINTEXT-MARKER-" + marker.toHex();
        QStringList opened;
        std::set<QByteArray> seen;
        QObject::connect(
            &bobTransport, &transport::Transport::received,
            [&](const transport::IncomingEnvelope& e) {
                if (seen.insert(e.serverId).second) {
                    const auto plain = crypto::session::decryptSessionMessage(
                        crypto::view(e.ciphertext.toStdString()), bob.x25519, alice.sessionId);
                    opened << (plain ? QString::fromUtf8(QByteArray(
                                           reinterpret_cast<const char*>(  // NOLINT
                                               plain->content.data()),
                                           static_cast<qsizetype>(plain->content.size())))
                                     : QStringLiteral("(does not open)"));
                }
                bobTransport.acknowledge(e.serverId);
            });
        bobTransport.start();
        // Alice's guards: the first is the one given (in the third swarm); the second path
        // is built in another swarm than the first and than Alice's own — with three swarms,
        // Bob's. Her messages to Bob must then go through the first.
        auto aliceOwned = std::make_unique<OnionTransport>(
            net_->directory(), OnionIdentity{alice.sessionId, alice.ed25519.clone()},
            guard->ed25519);
        aliceOwned->start();
        QVERIFY(QTest::qWaitFor([&] { return aliceOwned->isReady(); }, 20000));
        const std::vector<NodeInfo> aliceGuards = aliceOwned->guards();
        QCOMPARE(aliceGuards.size(), std::size_t{2});
        QCOMPARE(aliceGuards[0].address, guard->address);  // the guard given is kept
        const auto ipOf = [](const QString& address) {
            return address.left(address.lastIndexOf(u':'));
        };
        for (const NodeInfo& g : aliceGuards) {
            QVERIFY2(aliceSwarm.count(ipOf(g.address)) == 0, qPrintable(g.address));
        }
        QVERIFY(aliceGuards[0].swarmId != aliceGuards[1].swarmId);
        OnionTransport& aliceTransport = *aliceOwned;
        int accepted = 0;
        QObject::connect(&aliceTransport, &transport::Transport::accepted,
                         [&](const QByteArray&, qint64) { ++accepted; });
        QVERIFY(QTest::qWaitFor([&] { return aliceTransport.isReady() && bobTransport.isReady(); },
                                20000));
        for (int i = 0; i < kMessages; ++i) {
            const QByteArray content = marker + " #" + QByteArray::number(i);
            const crypto::Bytes sealed =
                crypto::session::encryptSessionMessage(crypto::view(content.toStdString()),
                                                       alice.ed25519, bob.x25519.publicKey)
                    .value();
            transport::OutgoingEnvelope e;
            e.id = QByteArray::number(i);
            e.recipient = bob.sessionId;
            e.ciphertext = QByteArray(reinterpret_cast<const char*>(sealed.data()),  // NOLINT
                                      static_cast<qsizetype>(sealed.size()));
            aliceTransport.send(e);
        }
        // Both: a member wakes Bob's long-poll before its replicas answer, and only then
        // confirms the store, so the last delivery may come before the last acceptance.
        QVERIFY2(
            QTest::qWaitFor([&] { return opened.size() == kMessages && accepted == kMessages; },
                            60000),
            qPrintable(
                QStringLiteral("accepted %1; opened %2").arg(accepted).arg(opened.join(u','))));
        for (int i = 0; i < kMessages; ++i) {
            QCOMPARE(opened[i], QString::fromLatin1(marker + " #" + QByteArray::number(i)));
        }
        // The route to Bob: guard and middle in neither Alice's swarm nor Bob's.
        const QStringList hops = aliceTransport.routeHops(bob.sessionId);
        QCOMPARE(hops.size(), 3);
        for (int i = 0; i < 2; ++i) {
            QVERIFY2(bobSwarm.count(ipOf(hops[i])) == 0 && aliceSwarm.count(ipOf(hops[i])) == 0,
                     qPrintable(hops.join(u'>')));
        }
        QVERIFY2(bobSwarm.count(ipOf(hops[2])) == 1, qPrintable(hops.join(u'>')));
        QTest::qWait(500);  // the acknowledgements' deletes
        aliceTransport.stop();
        bobTransport.stop();
        // A replica that timed out (3 s) under load arrives later: wait for each member of
        // Bob's swarm to have logged every store (bounded) before reading the logs.
        QVERIFY(QTest::qWaitFor(
            [&] {
                for (std::size_t i = 0; i < net_->size(); ++i) {
                    if (bobSwarm.count(net_->node(i).ip()) == 0) {
                        continue;
                    }
                    QFile file(net_->auditFile(i));
                    if (!file.open(QIODevice::ReadOnly)) {
                        return false;
                    }
                    int stores = 0;
                    for (const QByteArray& line : file.readAll().split('\n')) {
                        stores += line.contains("\"event\":\"store\"") &&
                                  line.contains(bob.sessionId.toLatin1());
                    }
                    if (stores < kMessages) {
                        return false;
                    }
                }
                return true;
            },
            20000));

        // ---- the audit logs ----
        std::map<QString, std::vector<QJsonObject>> events;  // node IP → what it saw
        std::map<QString, QByteArray> logText;
        for (std::size_t i = 0; i < net_->size(); ++i) {
            QFile file(net_->auditFile(i));
            QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(net_->auditFile(i)));
            const QByteArray text = file.readAll();
            logText[net_->node(i).ip()] = text;
            for (const QByteArray& line : text.split('\n')) {
                if (line.isEmpty()) {
                    continue;
                }
                QJsonParseError error{};
                const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
                QVERIFY2(doc.isObject(), line.constData());
                events[net_->node(i).ip()].push_back(doc.object());
            }
        }

        // Anything seen from the clients' address is a client's first hop.
        for (const auto& [ip, list] : events) {
            for (const QJsonObject& e : list) {
                const QString peer = e.value(QStringLiteral("peer")).toString();
                QVERIFY2(peer == kClientIp || nodeIps.count(peer) == 1,
                         qPrintable(ip + QStringLiteral(": unknown peer ") + describe(e)));
                if (peer != kClientIp) {
                    continue;
                }
                const QString kind = e.value(QStringLiteral("event")).toString();
                QVERIFY2(
                    kind == QLatin1String("connection") ||
                        (kind == QLatin1String("peel") && e.contains(QStringLiteral("next_hop")) &&
                         !e.contains(QStringLiteral("destination"))),
                    qPrintable(ip + QStringLiteral(" saw from a client: ") + describe(e)));
                QVERIFY2(!mentions(e, bob.sessionId) && !mentions(e, alice.sessionId),
                         qPrintable(describe(e)));
            }
        }

        // (a) Alice's guards: the client's layers, and never Bob's Session ID with them. The
        // guard in Bob's swarm stores his messages, handed on by other nodes, never by her.
        int clientLayers = 0;
        for (const NodeInfo& g : aliceGuards) {
            const QString guardIp = g.address.left(g.address.lastIndexOf(u':'));
            const bool bobs = bobSwarm.count(guardIp) != 0;
            for (const QJsonObject& e : events[guardIp]) {
                const bool fromClient = e.value(QStringLiteral("peer")).toString() == kClientIp;
                if (fromClient && e.contains(QStringLiteral("next_hop"))) {
                    ++clientLayers;
                }
                QVERIFY2(!mentions(e, bob.sessionId) || (bobs && !fromClient),
                         qPrintable(QStringLiteral("Alice's guard saw: ") + describe(e)));
                if (bobs) {
                    continue;  // what a member of Bob's swarm sees is checked in (b)
                }
                // Any Session ID only if the guard is also in Alice's swarm (her own
                // retrieves, checked in (c)).
                QVERIFY2(
                    aliceSwarm.count(guardIp) != 0 || (!e.contains(QStringLiteral("session_id")) &&
                                                       !e.contains(QStringLiteral("recipient"))),
                    qPrintable(QStringLiteral("Alice's guard saw: ") + describe(e)));
            }
            QVERIFY(bobs || !logText[guardIp].contains(bob.sessionId.toLatin1()));
        }
        // The path tests, the polls and the messages: Alice's layers reached her guards.
        QVERIFY2(clientLayers >= kMessages, qPrintable(QString::number(clientLayers)));

        // (b) Bob's swarm: every member stored every message, never from a client's address.
        QCOMPARE(bobSwarm.size(), std::size_t{3});
        for (const QString& ip : bobSwarm) {
            std::set<QString> hashes;
            for (const QJsonObject& e : events[ip]) {
                if (e.value(QStringLiteral("event")).toString() != QLatin1String("store") ||
                    e.value(QStringLiteral("recipient")).toString() != bob.sessionId) {
                    continue;
                }
                const QString peer = e.value(QStringLiteral("peer")).toString();
                QVERIFY2(peer != kClientIp && nodeIps.count(peer) == 1 && peer != ip,
                         qPrintable(describe(e)));
                hashes.insert(e.value(QStringLiteral("hash")).toString());
            }
            QVERIFY2(hashes.size() == static_cast<std::size_t>(kMessages),
                     qPrintable(ip + QStringLiteral(" stored %1").arg(hashes.size())));
            QVERIFY2(!logText[ip].contains(alice.sessionId.toLatin1()),
                     qPrintable(ip + QStringLiteral(" saw Alice's Session ID")));
        }
        // The messages came in as onion stores (from a middle node) at least once.
        int onionStores = 0;
        for (const QString& ip : bobSwarm) {
            for (const QJsonObject& e : events[ip]) {
                if (e.value(QStringLiteral("event")).toString() == QLatin1String("store") &&
                    e.value(QStringLiteral("via")).toString() == QLatin1String("onion")) {
                    ++onionStores;
                }
            }
        }
        QVERIFY(onionStores >= kMessages);

        // (c) The marker nowhere; Alice's ID only at her own swarm, only in her retrieves.
        for (const auto& [ip, text] : logText) {
            QVERIFY2(!text.contains(marker), qPrintable(ip));
            if (aliceSwarm.count(ip) == 0) {
                QVERIFY2(!text.contains(alice.sessionId.toLatin1()), qPrintable(ip));
            }
        }
        for (const QString& ip : aliceSwarm) {
            for (const QJsonObject& e : events[ip]) {
                if (mentions(e, alice.sessionId)) {
                    QCOMPARE(e.value(QStringLiteral("destination")).toString(),
                             QStringLiteral("retrieve"));
                }
            }
        }
        int filesWithBob = 0;
        for (std::size_t i = 0; i < net_->size(); ++i) {
            QDirIterator it(net_->node(i).dataDir(), QDir::Files | QDir::Hidden,
                            QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString path = it.next();
                QFile file(path);
                QVERIFY(file.open(QIODevice::ReadOnly));
                const QByteArray bytes = file.readAll();
                QVERIFY2(!bytes.contains(marker), qPrintable(path));
                QVERIFY2(!bytes.contains(alice.sessionId.toLatin1()), qPrintable(path));
                QVERIFY2(!bytes.contains(raw(alice.x25519.publicKey)), qPrintable(path));
                QVERIFY2(!bytes.contains(raw(alice.ed25519.publicKey)), qPrintable(path));
                filesWithBob += bytes.contains(bob.sessionId.toLatin1()) ? 1 : 0;
            }
        }
        QVERIFY2(filesWithBob >= 3, qPrintable(QString::number(filesWithBob)));
    }

    // A guard kept from an earlier run that is a member of our own swarm (the directory dealt
    // the swarms so, or it was chosen before this rule) is replaced: it would see our address
    // and our own swarm's traffic for our Session ID. The new one is saved (guardChanged).
    void aGuardInOurOwnSwarmIsReplaced() {
        const SessionIdentity alice = SessionIdentity::generate();
        const std::set<QString> aliceSwarm = swarmIps(alice);
        const NodeInfo inside =  // a copy: members() returns a new vector
            net_->directory().members(*net_->directory().swarmOf(alice.x25519.publicKey)).at(0);
        OnionTransport transport(net_->directory(),
                                 OnionIdentity{alice.sessionId, alice.ed25519.clone()},
                                 inside.ed25519);
        std::optional<crypto::PublicKey> saved;
        QObject::connect(&transport, &OnionTransport::guardChanged,
                         [&](const crypto::PublicKey& g) { saved = g; });
        transport.start();
        QVERIFY(QTest::qWaitFor([&] { return transport.isReady(); }, 20000));
        for (const NodeInfo& g : transport.guards()) {
            QVERIFY2(aliceSwarm.count(g.address.left(g.address.lastIndexOf(u':'))) == 0,
                     qPrintable(g.address));
        }
        QVERIFY(saved.has_value());
        QVERIFY(*saved == transport.guards().at(0).ed25519);
        transport.stop();
    }
};

QTEST_GUILESS_MAIN(PrivacyTest)
#include "tst_privacy.moc"
