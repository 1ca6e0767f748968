// Session mode's node directory and swarms: the ring as Session computes it, swarms chosen by
// nearest id with wrap-around, nodes spread over swarms of at least three, and a directory
// that is trusted only as the network key signed it and refused, with a reason, otherwise.
#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <sodium.h>

#include <QTest>

#include "tandem/node.pb.h"
#include "transport/onion/Directory.h"
#include "transport/onion/Swarm.h"

using namespace tandem;
using namespace tandem::transport::onion;
using crypto::Ed25519KeyPair;
using crypto::PublicKey;

namespace {

NodeDirectory directoryOf(std::size_t count, std::vector<Ed25519KeyPair>* keys = nullptr) {
    NodeDirectory d;
    d.version = 7;
    d.issuedAtMs = 1'700'000'000'000;
    const auto swarms = assignSwarms(count);
    for (std::size_t i = 0; i < count; ++i) {
        const auto key = Ed25519KeyPair::generate();
        NodeInfo n;
        n.ed25519 = key.publicKey;
        n.x25519 = key.toX25519().publicKey;
        n.address = QStringLiteral("127.0.0.%1:%2").arg(i + 2).arg(4200 + i);
        n.swarmId = swarms[i];
        d.nodes.push_back(n);
        if (keys != nullptr) {
            keys->push_back(key.clone());
        }
    }
    return d;
}

// Re-signs a directory after `edit` changed its protobuf form: what a forger with the network
// key could write, to see that the checks after the signature hold.
crypto::Bytes resigned(const NodeDirectory& d, const Ed25519KeyPair& network,
                       const std::function<void(proto::node::NodeDirectory&)>& edit) {
    const auto bytes = d.sign(network);
    proto::node::SignedDirectory outer;
    outer.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
    proto::node::NodeDirectory inner;
    inner.ParseFromString(outer.directory());
    edit(inner);
    outer.set_directory(inner.SerializeAsString());
    const std::string context = "tandem node directory v1";
    const auto signature =
        network.sign(crypto::concat({crypto::view(context), crypto::view(outer.directory())}));
    outer.set_signature(crypto::toString(signature));
    const std::string out = outer.SerializeAsString();
    return {out.begin(), out.end()};
}

}  // namespace

class OnionDirectoryTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(sodium_init() >= 0); }

    void ringPositionIsTheKeysWordsXoredBigEndian() {
        PublicKey key{};
        QCOMPARE(ringPosition(key), std::uint64_t{0});
        key[7] = 0x01;  // lowest byte of the first word
        QCOMPARE(ringPosition(key), std::uint64_t{1});
        key[8] = 0x80;  // highest byte of the second word
        QCOMPARE(ringPosition(key), std::uint64_t{0x8000000000000001});
        key[15] = 0x01;  // cancels the first word's bit
        QCOMPARE(ringPosition(key), std::uint64_t{0x8000000000000000});
        // Four distinct words: the XOR of their big-endian values.
        for (std::size_t i = 0; i < 32; ++i) {
            key[i] = static_cast<std::uint8_t>(((i / 8) << 4) | (i % 8 + 1));
        }
        const std::uint64_t expected = 0x0102030405060708ULL ^ 0x1112131415161718ULL ^
                                       0x2122232425262728ULL ^ 0x3132333435363738ULL;
        QCOMPARE(ringPosition(key), expected);
    }

    void theNearestSwarmWinsAroundTheRing() {
        const std::vector<std::uint64_t> ids = {1000, 5000, 0xF000000000000000ULL};
        QCOMPARE(swarmFor(1000, ids), std::optional<std::uint64_t>{1000});
        QCOMPARE(swarmFor(2999, ids), std::optional<std::uint64_t>{1000});
        QCOMPARE(swarmFor(3001, ids), std::optional<std::uint64_t>{5000});
        QCOMPARE(swarmFor(3000, ids), std::optional<std::uint64_t>{1000});  // a tie: the one below
        // Past the highest id the ring wraps: near the top, the top swarm; just above it, and
        // near zero, whichever is nearer across the wrap.
        QCOMPARE(swarmFor(0xFFFFFFFFFFFFFFFFULL, ids), std::optional<std::uint64_t>{1000});
        QCOMPARE(swarmFor(0xF000000000000010ULL, ids),
                 std::optional<std::uint64_t>{0xF000000000000000ULL});
        QCOMPARE(swarmFor(0, ids), std::optional<std::uint64_t>{1000});
        QCOMPARE(swarmFor(0xE000000000000000ULL, ids),
                 std::optional<std::uint64_t>{0xF000000000000000ULL});
        // Order and repeats in the input do not matter; no swarms, no answer.
        const std::vector<std::uint64_t> shuffled = {0xF000000000000000ULL, 5000, 1000, 5000};
        QCOMPARE(swarmFor(3001, shuffled), std::optional<std::uint64_t>{5000});
        QCOMPARE(swarmFor(42, {}), std::optional<std::uint64_t>{});
    }

    void nodesAreSpreadOverSwarmsOfAtLeastThree() {
        for (const std::size_t count : std::vector<std::size_t>{1, 3, 5, 9, 10, 100}) {
            const auto ids = assignSwarms(count);
            QCOMPARE(ids.size(), count);
            std::map<std::uint64_t, std::size_t> sizes;
            for (auto id : ids) {
                ++sizes[id];
            }
            QCOMPARE(sizes.size(), std::max<std::size_t>(1, count / 3));
            for (const auto& [id, size] : sizes) {
                QVERIFY2(size >= std::min<std::size_t>(count, 3),
                         qPrintable(QString::number(count)));
            }
        }
        // Nine nodes: three swarms of three, a third of the ring apart.
        const auto nine = assignSwarms(9);
        const std::set<std::uint64_t> unique(nine.begin(), nine.end());
        QCOMPARE(unique.size(), std::size_t{3});
        const std::vector<std::uint64_t> sorted(unique.begin(), unique.end());
        QCOMPARE(sorted[1] - sorted[0], sorted[2] - sorted[1]);
    }

    // The next directory after nodes left and joined: what stays stays, swarms keep 3 to 5.
    void rebalancingMovesOnlyWhatItMust() {
        using Ids = std::vector<std::uint64_t>;
        const Ids nine = assignSwarms(9);  // three swarms of three
        // One joins: it goes to a swarm (the lowest id of equals), nobody else moves.
        Ids next = rebalanceSwarms(nine, 1);
        QCOMPARE(next.size(), std::size_t{10});
        QCOMPARE(Ids(next.begin(), next.begin() + 9), nine);
        QCOMPARE(next[9], *std::min_element(nine.begin(), nine.end()));
        // One of a swarm of three leaves while another has four: one node moves over, and no
        // swarm id changes (no Session ID moves).
        Ids staying = next;
        const auto ofThree =
            std::find_if(staying.begin(), staying.end(), [&](auto id) { return id != next[9]; });
        staying.erase(ofThree);
        next = rebalanceSwarms(staying, 0);
        QCOMPARE(std::set<std::uint64_t>(next.begin(), next.end()),
                 std::set<std::uint64_t>(nine.begin(), nine.end()));
        int moved = 0;
        for (std::size_t i = 0; i < next.size(); ++i) {
            moved += next[i] != staying[i] ? 1 : 0;
        }
        QCOMPARE(moved, 1);
        // One replaced in the same directory: the newcomer takes its place, nobody moves.
        Ids replaced = nine;
        replaced.erase(replaced.begin() + 4);
        next = rebalanceSwarms(replaced, 1);
        QCOMPARE(Ids(next.begin(), next.begin() + 8), replaced);
        QCOMPARE(next[8], nine[4]);
        // One leaves when every swarm has three: its swarm is dissolved into the others.
        Ids eight = nine;
        eight.pop_back();
        next = rebalanceSwarms(eight, 0);
        std::map<std::uint64_t, int> sizes;
        for (auto id : next) {
            ++sizes[id];
        }
        QCOMPARE(sizes.size(), std::size_t{2});
        QCOMPARE(sizes.begin()->second, 4);
        // Three join a network of three swarms of five: the first swarm to reach six splits,
        // into a new swarm in the middle of the widest arc.
        Ids fifteen = rebalanceSwarms(nine, 6);
        next = rebalanceSwarms(fifteen, 1);
        const std::set<std::uint64_t> before(fifteen.begin(), fifteen.end());
        std::set<std::uint64_t> after(next.begin(), next.end());
        QCOMPARE(after.size(), std::size_t{4});
        for (auto id : before) {
            after.erase(id);
        }
        QCOMPARE(after.size(), std::size_t{1});
        // Random churn: every swarm keeps 3 to 5 nodes, whatever leaves and joins.
        Ids ids = assignSwarms(60);
        for (int step = 0; step < 2000; ++step) {
            const bool leave = ids.size() > 3 && randombytes_uniform(2) == 0;
            if (leave) {
                ids.erase(ids.begin() +
                          randombytes_uniform(static_cast<std::uint32_t>(ids.size())));
            }
            ids = rebalanceSwarms(ids, leave ? 0 : 1);
            std::map<std::uint64_t, std::size_t> count;
            for (auto id : ids) {
                ++count[id];
            }
            for (const auto& [id, n] : count) {
                QVERIFY2(n >= 3 && n <= 5,
                         qPrintable(QStringLiteral("step %1: a swarm of %2 (%3 nodes)")
                                        .arg(step)
                                        .arg(n)
                                        .arg(ids.size())));
            }
        }
        // No node staying: a new network.
        QCOMPARE(rebalanceSwarms({}, 9), nine);
    }

    void sessionIdsFallEvenlyIntoSwarms() {
        const auto d = directoryOf(9);
        std::map<std::uint64_t, int> hits;
        for (int i = 0; i < 3000; ++i) {
            const auto id = d.swarmOf(Ed25519KeyPair::generate().toX25519().publicKey);
            QVERIFY(id.has_value());
            ++hits[*id];
        }
        QCOMPARE(hits.size(), std::size_t{3});
        for (const auto& [id, n] : hits) {
            QVERIFY2(n > 800 && n < 1200, qPrintable(QString::number(n)));  // 1000 expected
            QCOMPARE(d.members(id).size(), std::size_t{3});
        }
    }

    void aSignedDirectoryRoundTrips() {
        const auto network = Ed25519KeyPair::generate();
        std::vector<Ed25519KeyPair> keys;
        const auto d = directoryOf(9, &keys);
        const auto verified = NodeDirectory::verify(d.sign(network), network.publicKey);
        QVERIFY2(verified.has_value(), qPrintable(verified ? QString() : verified.error()));
        QCOMPARE(verified->version, std::uint64_t{7});
        QCOMPARE(verified->issuedAtMs, std::int64_t{1'700'000'000'000});
        QCOMPARE(verified->nodes.size(), std::size_t{9});
        for (std::size_t i = 0; i < 9; ++i) {
            QCOMPARE(verified->nodes[i].address, d.nodes[i].address);
            QCOMPARE(verified->nodes[i].swarmId, d.nodes[i].swarmId);
            QVERIFY(verified->nodes[i].x25519 == keys[i].toX25519().publicKey);
            QCOMPARE(verified->find(keys[i].publicKey), &verified->nodes[i]);
        }
        QCOMPARE(verified->swarmIds().size(), std::size_t{3});
        QVERIFY(verified->find(Ed25519KeyPair::generate().publicKey) == nullptr);
    }

    // A client checks each directory it is handed knowing the one it holds: nodes it lists
    // with the same keys skip the curve checks, anything else is checked in full.
    void aKnownDirectorySparesOnlyWhatItVouchesFor() {
        const auto network = Ed25519KeyPair::generate();
        const auto held = directoryOf(9);
        NodeDirectory next = held;
        next.version = 8;
        next.nodes.push_back(directoryOf(3).nodes[0]);  // a new node, checked in full
        next.nodes.back().swarmId = held.nodes[0].swarmId;
        next.nodes.back().address = QStringLiteral("127.0.0.50:4300");
        const auto again = NodeDirectory::verify(next.sign(network), network.publicKey, &held);
        QVERIFY2(again.has_value(), qPrintable(again ? QString() : again.error()));
        QCOMPARE(again->nodes.size(), std::size_t{10});
        // A listed identity with another onion key than the held one is checked, and refused.
        NodeDirectory swapped = held;
        swapped.nodes[0].x25519 = held.nodes[1].x25519;
        auto refused = NodeDirectory::verify(swapped.sign(network), network.publicKey, &held);
        QVERIFY(!refused.has_value());
        QVERIFY2(refused.error().contains(QStringLiteral("X25519 form")),
                 qPrintable(refused.error()));
        // A new node whose keys do not match is refused though every other node is known.
        NodeDirectory bad = next;
        bad.nodes.back().x25519 = held.nodes[2].x25519;
        refused = NodeDirectory::verify(bad.sign(network), network.publicKey, &held);
        QVERIFY(!refused.has_value());
        QVERIFY2(refused.error().startsWith(QStringLiteral("node 10 ")),
                 qPrintable(refused.error()));
    }

    void onlyTheNetworkKeysSignatureCounts() {
        const auto network = Ed25519KeyPair::generate();
        const auto d = directoryOf(3);
        auto bytes = d.sign(network);
        const auto foreign =
            NodeDirectory::verify(d.sign(Ed25519KeyPair::generate()), network.publicKey);
        QVERIFY(!foreign);
        QVERIFY(foreign.error().contains(QStringLiteral("not signed by the network key")));
        // Every single-bit flip anywhere is refused (signature, or the parse before it).
        for (std::size_t i = 0; i < bytes.size(); ++i) {
            auto tampered = bytes;
            tampered[i] ^= 0x01;
            QVERIFY2(!NodeDirectory::verify(tampered, network.publicKey),
                     qPrintable(QString::number(i)));
        }
        bytes.resize(bytes.size() / 2);
        QVERIFY(!NodeDirectory::verify(bytes, network.publicKey));
        QVERIFY(!NodeDirectory::verify({}, network.publicKey));
        const crypto::Bytes huge(NodeDirectory::kMaxBytes + 1, 0);
        const auto big = NodeDirectory::verify(huge, network.publicKey);
        QVERIFY(!big);
        QVERIFY(big.error().contains(QStringLiteral("larger than")));
    }

    void whatTheSignatureCoversIsCheckedToo_data() {
        QTest::addColumn<int>("edit");
        QTest::addColumn<QString>("reason");
        QTest::newRow("no nodes") << 0 << "1 to 4096 nodes";
        QTest::newRow("short key") << 1 << "32 bytes";
        QTest::newRow("foreign onion key") << 2 << "not the X25519 form";
        QTest::newRow("address without port") << 3 << "IP:PORT";
        QTest::newRow("host name") << 4 << "IP:PORT";
        QTest::newRow("node twice") << 5 << "listed twice";
        QTest::newRow("address twice") << 6 << "listed twice";
        QTest::newRow("swarm of two") << 7 << "at least 3";
        QTest::newRow("invalid point") << 8 << "not a valid Ed25519 key";
    }
    void whatTheSignatureCoversIsCheckedToo() {
        QFETCH(int, edit);
        QFETCH(QString, reason);
        const auto network = Ed25519KeyPair::generate();
        const auto d = directoryOf(6);
        const auto bytes = resigned(d, network, [edit](proto::node::NodeDirectory& n) {
            switch (edit) {
                case 0:
                    n.clear_nodes();
                    break;
                case 1:
                    n.mutable_nodes(0)->set_ed25519("short");
                    break;
                case 2:
                    n.mutable_nodes(0)->set_x25519(n.nodes(1).x25519());
                    break;
                case 3:
                    n.mutable_nodes(0)->set_address("127.0.0.2");
                    break;
                case 4:
                    n.mutable_nodes(0)->set_address("node.example:4200");
                    break;
                case 5:
                    *n.add_nodes() = n.nodes(0);
                    break;
                case 6:
                    n.mutable_nodes(1)->set_address(n.nodes(0).address());
                    break;
                case 7:
                    n.mutable_nodes(0)->set_swarm_id(n.nodes(0).swarm_id() + 1);
                    break;
                case 8: {
                    std::string point(32, '\0');  // the identity point: low order
                    point[0] = 1;
                    n.mutable_nodes(0)->set_ed25519(point);
                    break;
                }
                default:
                    break;
            }
        });
        const auto verified = NodeDirectory::verify(bytes, network.publicKey);
        QVERIFY(!verified);
        QVERIFY2(verified.error().contains(reason), qPrintable(verified.error()));
    }
};

QTEST_GUILESS_MAIN(OnionDirectoryTest)
#include "tst_onion_directory.moc"
