// NetworkSigning (the network key, the signed directory, network.json) and the tandemctl
// commands over it, network-keygen and network-sign, as an operator runs them for machines
// (docs/server.md): what they write is what clients and nodes accept, an unchanged node list
// keeps the same signed bytes, a changed one gets the next version, and bad input is refused
// with a sentence.
#include <optional>
#include <sodium.h>
#include <thread>
#include <vector>

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "app/core/Links.h"
#include "app/core/NetworkConfig.h"
#include "app/core/NetworkSigning.h"
#include "tests/support/TestSupport.h"
#include "transport/onion/Directory.h"

using namespace tandem;
namespace test = tandem::test;

namespace {

QString hex(const crypto::PublicKey& key) {
    return QString::fromLatin1(
        QByteArray(reinterpret_cast<const char*>(key.data()), 32).toHex());  // NOLINT
}

std::vector<core::DirectoryNode> someNodes(int n) {
    std::vector<core::DirectoryNode> nodes;
    for (int i = 0; i < n; ++i) {
        nodes.push_back({QStringLiteral("203.0.113.%1:4200").arg(10 + i),
                         crypto::Ed25519KeyPair::generate().publicKey});
    }
    return nodes;
}

crypto::ByteView view(const QByteArray& bytes) {
    return {reinterpret_cast<const std::uint8_t*>(bytes.constData()),  // NOLINT
            static_cast<std::size_t>(bytes.size())};
}

struct Run {
    int status = -1;
    QString out;
    QString err;
};

Run tandemctl(const QStringList& args) {
    QProcess p;
    p.start(test::binDirOr(QStringLiteral("tandemctl")), args);
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

}  // namespace

class NetworkSigningTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

private slots:
    void initTestCase() {
        QVERIFY(sodium_init() >= 0);
        QVERIFY(dir_.isValid());
    }

    void keyIsMadeOnceAndKeptSecret() {
        const QString path = dir_.filePath(QStringLiteral("network.key"));
        const auto made = core::createNetworkKey(path);
        QVERIFY(made);
        QVERIFY(test::onlyTheOwnerReads(path));
        QCOMPARE(QFileInfo(path).size(), 32);
        const auto loaded = core::loadNetworkKey(path);
        QVERIFY(loaded);
        QCOMPARE(loaded->publicKey, made->publicKey);
        const auto again = core::createNetworkKey(path);
        QVERIFY(!again);
        QVERIFY(again.error().contains(QLatin1String("exists already")));
        QCOMPARE(core::loadNetworkKey(path)->publicKey, made->publicKey);  // untouched
        test::writeFile(dir_.filePath(QStringLiteral("short.key")), QByteArray(31, 'k'));
        const auto shortKey = core::loadNetworkKey(dir_.filePath(QStringLiteral("short.key")));
        QVERIFY(!shortKey);
        QVERIFY(shortKey.error().contains(QLatin1String("is not a network key")));
    }

    // Racing keygens (two terminals, a script run twice): exactly one key is made, the file
    // holds that one, and no temporary file is left beside it.
    void racingKeygensMakeOneKey() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("network.key"));
        constexpr std::size_t kRacers = 8;
        std::vector<std::optional<crypto::Ed25519KeyPair>> made(kRacers);
        std::vector<QString> errors(kRacers);
        std::vector<std::thread> racers;
        for (std::size_t i = 0; i < kRacers; ++i) {
            racers.emplace_back([&, i] {
                auto key = core::createNetworkKey(path);
                if (key) {
                    made[i] = std::move(*key);
                } else {
                    errors[i] = key.error();
                }
            });
        }
        for (auto& t : racers) {
            t.join();
        }
        int winners = 0;
        for (std::size_t i = 0; i < kRacers; ++i) {
            if (made[i]) {
                ++winners;
                QCOMPARE(core::loadNetworkKey(path)->publicKey, made[i]->publicKey);
            } else {
                QVERIFY2(errors[i].contains(QLatin1String("exists already")),
                         qPrintable(errors[i]));
            }
        }
        QCOMPARE(winners, 1);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden),
                 QStringList{QStringLiteral("network.key")});
    }

    void directoryIsSignedAndVersioned() {
        const auto key = crypto::Ed25519KeyPair::generate();
        auto nodes = someNodes(4);
        const auto first = core::signDirectory(nodes, key);
        QVERIFY2(first, qPrintable(first ? QString() : first.error()));
        const auto read = transport::onion::NodeDirectory::verify(view(*first), key.publicKey);
        QVERIFY(read);
        QCOMPARE(read->version, 1U);
        QCOMPARE(read->nodes.size(), 4U);
        QCOMPARE(read->nodes[2].address, nodes[2].address);
        // Another key did not sign it.
        QVERIFY(!transport::onion::NodeDirectory::verify(
            view(*first), crypto::Ed25519KeyPair::generate().publicKey));
        // The same nodes: the same bytes.
        const auto same = core::signDirectory(nodes, key, *first);
        QVERIFY(same);
        QCOMPARE(*same, *first);
        // A node moved: the next version.
        nodes[1].address = QStringLiteral("203.0.113.99:4200");
        const auto moved = core::signDirectory(nodes, key, *first);
        QVERIFY(moved);
        QCOMPARE(transport::onion::NodeDirectory::verify(view(*moved), key.publicKey)->version, 2U);
        // A node joins: the swarms are the previous ones, rebalanced; no node that was there
        // changes swarm, and the newcomer joins one of the three.
        auto nine = someNodes(9);
        const auto nineSigned = core::signDirectory(nine, key);
        QVERIFY(nineSigned);
        const auto before =
            transport::onion::NodeDirectory::verify(view(*nineSigned), key.publicKey);
        auto ten = nine;
        ten.push_back(
            {QStringLiteral("203.0.113.200:4200"), crypto::Ed25519KeyPair::generate().publicKey});
        std::swap(ten[0], ten[9]);  // the order given does not matter
        const auto tenSigned = core::signDirectory(ten, key, *nineSigned);
        QVERIFY(tenSigned);
        const auto after = transport::onion::NodeDirectory::verify(view(*tenSigned), key.publicKey);
        QVERIFY(after);
        QCOMPARE(after->version, before->version + 1);
        for (const auto& n : before->nodes) {
            QCOMPARE(after->find(n.ed25519)->swarmId, n.swarmId);
        }
        QCOMPARE(after->swarmIds(), before->swarmIds());
        // A previous directory of another network, or a damaged one, is refused: a version 1
        // over it would be ignored by everyone holding it.
        const auto other = core::signDirectory(nodes, crypto::Ed25519KeyPair::generate(), *moved);
        QVERIFY(!other);
        QVERIFY2(other.error().contains(QStringLiteral("remove it")), qPrintable(other.error()));
        QVERIFY(!core::signDirectory(nodes, key, moved->left(moved->size() / 2)));
    }

    void badNodesAreRefused() {
        const auto key = crypto::Ed25519KeyPair::generate();
        const auto two = core::signDirectory(someNodes(2), key);
        QVERIFY(!two);
        QVERIFY(two.error().contains(QLatin1String("at least 3 nodes")));
        auto twice = someNodes(3);
        twice[2] = twice[0];
        const auto dup = core::signDirectory(twice, key);
        QVERIFY(!dup);
        for (const char* bad :
             {"203.0.113.1:4200", "203.0.113.1=abcd",
              "203.0.113.1:0="
              "0000000000000000000000000000000000000000000000000000000000000000",
              ":4200=0000000000000000000000000000000000000000000000000000000000000000"}) {
            const auto parsed = core::parseDirectoryNode(QString::fromLatin1(bad));
            QVERIFY2(!parsed, bad);
            QVERIFY(parsed.error().contains(QLatin1String("is not IP:PORT=KEY")));
        }
        const auto upper = core::parseDirectoryNode(QStringLiteral("203.0.113.1:4200=") +
                                                    hex(key.publicKey).toUpper());
        QVERIFY(upper);
        QCOMPARE(upper->ed25519, key.publicKey);
    }

    void networkJsonIsWhatClientsRead() {
        const auto key = crypto::Ed25519KeyPair::generate();
        const auto directory = core::signDirectory(someNodes(3), key);
        QVERIFY(directory);
        const QJsonObject relay{
            {QStringLiteral("address"), QStringLiteral("203.0.113.10:4100")},
            {QStringLiteral("public_key"), hex(crypto::Ed25519KeyPair::generate().publicKey)}};
        const QByteArray json =
            QJsonDocument(core::networkJson(relay, key.publicKey, *directory)).toJson();
        const auto config = core::NetworkConfig::parse(json);
        QVERIFY2(config, qPrintable(config ? QString() : config.error()));
        QVERIFY(config->relay);
        QCOMPARE(config->relay->port, quint16{4100});
        QVERIFY(config->onion);
        QCOMPARE(config->onion->directory.nodes.size(), 3U);
        QCOMPARE(config->onion->networkKey, key.publicKey);

        // more_addresses: a list of HOST:PORT, or an error (never silently ignored).
        QJsonObject more = relay;
        more[QStringLiteral("more_addresses")] = QJsonArray{QStringLiteral("203.0.113.11:4100")};
        const auto two = core::NetworkConfig::parse(
            QJsonDocument(core::networkJson(more, key.publicKey, *directory)).toJson());
        QVERIFY(two);
        QCOMPARE(two->relay->alternates.size(), std::size_t{1});
        more[QStringLiteral("more_addresses")] = QStringLiteral("203.0.113.11:4100");
        const auto notAList = core::NetworkConfig::parse(
            QJsonDocument(core::networkJson(more, key.publicKey, *directory)).toJson());
        QVERIFY(!notAList);
        QVERIFY(notAList.error().contains(QLatin1String("more_addresses")));
    }

    // The operator's steps of docs/server.md, with tandemctl.
    void tandemctlMakesANetworkForMachines() {
        const QString net = dir_.filePath(QStringLiteral("net"));
        QVERIFY(QDir().mkpath(net));
        const QString keyFile = net + QStringLiteral("/network.key");
        const Run keygen =
            tandemctl({QStringLiteral("network-keygen"), QStringLiteral("--out"), keyFile});
        QVERIFY2(keygen.status == 0, qPrintable(keygen.err));
        const auto key = core::loadNetworkKey(keyFile);
        QVERIFY(key);
        QVERIFY(keygen.out.contains(QStringLiteral("network key ") + hex(key->publicKey)));
        QVERIFY(keygen.out.contains(core::keyFingerprint(key->publicKey)));
        QCOMPARE(
            tandemctl({QStringLiteral("network-keygen"), QStringLiteral("--out"), keyFile}).status,
            1);  // never overwritten

        QStringList args{QStringLiteral("network-sign"),
                         QStringLiteral("--key"),
                         keyFile,
                         QStringLiteral("--out"),
                         net,
                         QStringLiteral("--relay"),
                         QStringLiteral("203.0.113.10:4100=") +
                             hex(crypto::Ed25519KeyPair::generate().publicKey)};
        for (const auto& node : someNodes(3)) {
            args << QStringLiteral("--node") << node.address + u'=' + hex(node.ed25519);
        }
        const Run sign = tandemctl(args);
        QVERIFY2(sign.status == 0, qPrintable(sign.err));
        QVERIFY(sign.out.contains(QLatin1String("Signed a directory of 3 nodes")));
        const QByteArray directory = test::readFile(net + QStringLiteral("/directory.bin"));
        QVERIFY(transport::onion::NodeDirectory::verify(view(directory), key->publicKey));
        const auto fromJson = core::NetworkConfig::load(net + QStringLiteral("/network.json"));
        QVERIFY2(fromJson, qPrintable(fromJson ? QString() : fromJson.error()));
        const auto link = core::parseNetworkLink(
            QString::fromLatin1(test::readFile(net + QStringLiteral("/network.link"))));
        QVERIFY2(link, qPrintable(link ? QString() : link.error()));
        QCOMPARE(link->key, key->publicKey);
        QCOMPARE(link->config.onion->signedDirectory, directory);

        const Run again = tandemctl(args);  // the same nodes: the same directory
        QCOMPARE(again.status, 0);
        QVERIFY(again.out.contains(QLatin1String("The directory is unchanged")));
        QCOMPARE(test::readFile(net + QStringLiteral("/directory.bin")), directory);

        const Run bad = tandemctl({QStringLiteral("network-sign"), QStringLiteral("--key"), keyFile,
                                   QStringLiteral("--out"), net, QStringLiteral("--node"),
                                   QStringLiteral("nonsense")});
        QCOMPARE(bad.status, 2);
        QVERIFY2(bad.err.contains(QLatin1String("'nonsense' is not IP:PORT=KEY")),
                 qPrintable(bad.err));
    }
};

QTEST_GUILESS_MAIN(NetworkSigningTest)
#include "tst_network_signing.moc"
