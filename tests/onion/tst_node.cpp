// Real tandem-node processes, each on its own 127.0.0.x address, with a directory signed by
// a network key: requests go through three-hop onion paths built with crypto/Onion.h, as the
// client transport builds them. A store reaches the whole swarm before it is confirmed;
// retrieve needs the owner's signature; a long-poll answers as soon as a message is stored;
// a swarm member killed with SIGKILL loses nothing; bad input gets an error and the nodes
// keep serving. And the client's OnionTransport over the same nodes: two users exchange
// messages both ways through their own paths, each once and in order; a node of a route
// killed (a middle, outside the recipient's swarm or in it, or the member it ends at) and
// another path or member is taken; the guard is kept; a newer directory signed by the network
// key is adopted from the nodes (and announced once), a forged one is not. The onion file
// store: a blob put through one client is got through another's paths, every member of its
// swarm has it, a tampered or unknown id is NotFound, an oversize blob is refused before it is
// sent, bytes that do not match their id are refused, and a member killed loses it for no one.
#include <map>
#include <memory>
#include <set>
#include <sodium.h>

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSaveFile>
#include <QScopeGuard>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include "crypto/Onion.h"
#include "crypto/session/SessionKeys.h"
#include "tandem/node.pb.h"
#include "tests/support/Daemons.h"
#include "transport/SecureChannel.h"
#include "transport/onion/Blob.h"
#include "transport/onion/Directory.h"
#include "transport/onion/NodeLink.h"
#include "transport/onion/OnionTransport.h"
#include "transport/onion/OwnerAuth.h"
#include "transport/onion/Swarm.h"

using namespace tandem;
using namespace tandem::transport::onion;
using crypto::Ed25519KeyPair;
using crypto::session::SessionIdentity;
using proto::node::NodeError;
using proto::node::NodeReply;
using proto::node::NodeRequest;
using proto::node::SwarmReply;
using proto::node::SwarmRequest;

namespace {

std::int64_t nowMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

struct Pending {
    std::optional<NodeReply> reply;
    std::vector<SecretBytes> layerKeys;
};

// Sends `request` along `path` (first hop first); the answer lands in the returned state.
std::shared_ptr<Pending> post(NodeLink& link, const std::vector<NodeInfo>& path,
                              const SwarmRequest& request, int timeoutMs = 15000) {
    std::vector<crypto::OnionHop> hops;
    for (const NodeInfo& n : path) {
        hops.push_back({n.address, n.x25519});
    }
    const std::string bytes = request.SerializeAsString();
    auto wrapped = crypto::wrapOnion(hops, crypto::view(bytes));
    auto state = std::make_shared<Pending>();
    if (!wrapped) {
        state->reply = errorReply(NodeError::MALFORMED, QStringLiteral("cannot wrap"));
        return state;
    }
    state->layerKeys = std::move(wrapped->layerKeys);
    NodeRequest r;
    r.set_onion(crypto::toString(wrapped->packet));
    link.request(
        std::move(r), [state](const NodeReply& reply) { state->reply = reply; }, timeoutMs);
    return state;
}

// The swarm's answer, or its error as a string.
Expected<SwarmReply, QString> answerOf(const Pending& p) {
    if (!p.reply) {
        return unexpected(QStringLiteral("no answer"));
    }
    if (p.reply->has_error()) {
        return unexpected(QString::fromStdString(p.reply->error().message()));
    }
    auto opened = crypto::openOnionReply(p.layerKeys, crypto::view(p.reply->onion_reply()));
    if (!opened) {
        return unexpected(QStringLiteral("the reply does not open"));
    }
    SwarmReply reply;
    if (!reply.ParseFromArray(opened->data(), static_cast<int>(opened->size()))) {
        return unexpected(QStringLiteral("the reply is unreadable"));
    }
    return reply;
}

Expected<SwarmReply, QString> ask(const std::vector<NodeInfo>& path, const SwarmRequest& request,
                                  int timeoutMs = 15000) {
    NodeLink link(path.front().address, path.front().x25519);
    const auto pending = post(link, path, request, timeoutMs);
    if (!QTest::qWaitFor([&] { return pending->reply.has_value(); }, timeoutMs + 2000)) {
        return unexpected(QStringLiteral("timed out"));
    }
    return answerOf(*pending);
}

SwarmRequest storeRequest(const QString& recipient, const QByteArray& data) {
    SwarmRequest r;
    r.mutable_store()->set_recipient(recipient.toStdString());
    r.mutable_store()->set_data(data.toStdString());
    return r;
}

SwarmRequest retrieveRequest(const SessionIdentity& signer, const QString& recipient,
                             std::uint32_t waitMs = 0, const QByteArray& after = {}) {
    SwarmRequest r;
    auto* retrieve = r.mutable_retrieve();
    retrieve->set_recipient(recipient.toStdString());
    retrieve->set_after_hash(after.toStdString());
    retrieve->set_wait_ms(waitMs);
    const auto proof = signAsOwner(signer.ed25519, "retrieve", recipient, nowMs(),
                                   crypto::view(after.toStdString()));
    retrieve->mutable_owner()->set_ed25519(crypto::toString(proof.ed25519));
    retrieve->mutable_owner()->set_timestamp_ms(static_cast<std::uint64_t>(proof.timestampMs));
    retrieve->mutable_owner()->set_signature(crypto::toString(proof.signature));
    return r;
}

SwarmRequest deleteRequest(const SessionIdentity& signer, const QString& recipient,
                           const std::vector<std::string>& hashes) {
    SwarmRequest r;
    auto* d = r.mutable_delete_();
    d->set_recipient(recipient.toStdString());
    std::string joined;
    for (const std::string& h : hashes) {
        d->add_hashes(h);
        joined += h;
    }
    const auto proof =
        signAsOwner(signer.ed25519, "delete", recipient, nowMs(), crypto::view(joined));
    d->mutable_owner()->set_ed25519(crypto::toString(proof.ed25519));
    d->mutable_owner()->set_timestamp_ms(static_cast<std::uint64_t>(proof.timestampMs));
    d->mutable_owner()->set_signature(crypto::toString(proof.signature));
    return r;
}

// A request straight to one node (no onion), and its reply.
std::optional<NodeReply> direct(const NodeInfo& node, NodeRequest request) {
    NodeLink link(node.address, node.x25519);
    auto got = std::make_shared<std::optional<NodeReply>>();
    link.request(std::move(request), [got](const NodeReply& reply) { *got = reply; });
    (void)QTest::qWaitFor([&] { return got->has_value(); }, 10000);
    return *got;
}

// A node killed by a test is started again (same identity and port) for the tests after; if
// that fails, they would fail for a reason of their own: said here, where it happened.
void restartForLaterTests(test::NodeProcess& node) {
    if (!node.start()) {
        qWarning() << "could not restart the node at" << node.address()
                   << "- later tests may fail because of it";
    }
}

}  // namespace

// One user's transport and what it received (deduped by hash, in arrival order).
struct Endpoint {
    SessionIdentity who = SessionIdentity::generate();
    std::unique_ptr<OnionTransport> transport;
    QStringList received;
    std::set<QByteArray> hashes;
    int accepted = 0;
    int failed = 0;

    explicit Endpoint(const NodeDirectory& directory,
                      std::optional<crypto::PublicKey> guard = std::nullopt) {
        transport = std::make_unique<OnionTransport>(
            directory, OnionIdentity{who.sessionId, who.ed25519.clone()}, guard);
        QObject::connect(transport.get(), &transport::Transport::received,
                         [this](const transport::IncomingEnvelope& e) {
                             if (hashes.insert(e.serverId).second) {
                                 received << QString::fromLatin1(e.ciphertext);
                             }
                             transport->acknowledge(e.serverId);
                         });
        QObject::connect(transport.get(), &transport::Transport::accepted,
                         [this](const QByteArray&, qint64) { ++accepted; });
        QObject::connect(transport.get(), &transport::Transport::failed,
                         [this](const QByteArray&, const transport::TransportError&) { ++failed; });
    }
    void send(const QString& to, const QString& text) {
        transport::OutgoingEnvelope e;
        e.id = text.toLatin1();
        e.recipient = to;
        e.ciphertext = text.toLatin1();
        transport->send(e);
    }
};

class NodeTest : public QObject {
    Q_OBJECT

    Ed25519KeyPair network_ = Ed25519KeyPair::generate();
    QTemporaryDir scratch_;
    QString directoryFile_;
    std::vector<std::unique_ptr<test::NodeProcess>> nodes_;
    NodeDirectory directory_;

    // Path: a guard and a middle outside `swarm`, then `target`.
    std::vector<NodeInfo> pathTo(const NodeInfo& target, std::size_t variant = 0) const {
        std::vector<NodeInfo> outside;
        for (const NodeInfo& n : directory_.nodes) {
            if (n.swarmId != target.swarmId) {
                outside.push_back(n);
            }
        }
        const std::size_t a = variant % outside.size();
        const std::size_t b = (variant + 1) % outside.size();
        return {outside[a], outside[b], target};
    }

    std::vector<NodeInfo> swarmOf(const SessionIdentity& who) const {
        return directory_.members(*directory_.swarmOf(who.x25519.publicKey));
    }

private slots:
    void initTestCase() {
        QVERIFY(sodium_init() >= 0);
        directoryFile_ = scratch_.filePath(QStringLiteral("directory.bin"));
        constexpr std::size_t kNodes = 6;  // two swarms of three
        for (std::size_t i = 0; i < kNodes; ++i) {
            nodes_.push_back(std::make_unique<test::NodeProcess>(
                QStringLiteral("127.0.0.%1").arg(i + 2), directoryFile_, network_.publicKey));
            QVERIFY2(nodes_.back()->start(), "tandem-node did not start");
        }
        // The directory is written once every node is up (as tandem-localnet does); nodes read
        // it when it appears.
        const auto swarms = assignSwarms(kNodes);
        directory_.version = 1;
        directory_.issuedAtMs = nowMs();
        for (std::size_t i = 0; i < kNodes; ++i) {
            NodeInfo n;
            n.ed25519 = nodes_[i]->identity();
            n.x25519 = crypto::ed25519ToX25519(n.ed25519).value();
            n.address = nodes_[i]->address();
            n.swarmId = swarms[i];
            directory_.nodes.push_back(n);
        }
        const auto bytes = directory_.sign(network_);
        QSaveFile file(directoryFile_);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(reinterpret_cast<const char*>(bytes.data()),  // NOLINT
                   static_cast<qint64>(bytes.size()));
        QVERIFY(file.commit());
    }

    void aStoreReachesTheWholeSwarmThroughThreeHops() {
        const auto alice = SessionIdentity::generate();
        const auto swarm = swarmOf(alice);
        QCOMPARE(swarm.size(), std::size_t{3});
        const auto stored = ask(pathTo(swarm[0]), storeRequest(alice.sessionId, "hello alice"));
        QVERIFY2(stored.has_value(), qPrintable(stored ? QString() : stored.error()));
        QVERIFY2(stored->has_stored(),
                 stored->has_error() ? stored->error().message().c_str() : "");
        QCOMPARE(stored->stored().replicas(), 2u);
        QVERIFY(!stored->stored().duplicate());
        // Every member hands it out, each reached by its own path.
        for (std::size_t m = 0; m < swarm.size(); ++m) {
            const auto got = ask(pathTo(swarm[m], m + 1), retrieveRequest(alice, alice.sessionId));
            QVERIFY2(got.has_value(), qPrintable(got ? QString() : got.error()));
            QVERIFY(got->has_messages());
            QCOMPARE(got->messages().messages_size(), 1);
            QCOMPARE(got->messages().messages(0).data(), std::string("hello alice"));
            QCOMPARE(got->messages().messages(0).hash(), stored->stored().hash());
        }
        // Stored again (a retry): one message still.
        const auto again = ask(pathTo(swarm[1]), storeRequest(alice.sessionId, "hello alice"));
        QVERIFY(again && again->has_stored() && again->stored().duplicate());
        const auto once = ask(pathTo(swarm[2]), retrieveRequest(alice, alice.sessionId));
        QCOMPARE(once->messages().messages_size(), 1);
    }

    void onlyTheOwnerRetrieves() {
        const auto alice = SessionIdentity::generate();
        const auto mallory = SessionIdentity::generate();
        const auto swarm = swarmOf(alice);
        QVERIFY(ask(pathTo(swarm[0]), storeRequest(alice.sessionId, "secret"))->has_stored());
        const auto refused = ask(pathTo(swarm[0]), retrieveRequest(mallory, alice.sessionId));
        QVERIFY(refused.has_value());
        QVERIFY(refused->has_error());
        QCOMPARE(refused->error().code(), NodeError::UNAUTHORIZED);
        SwarmRequest unsigned_;
        unsigned_.mutable_retrieve()->set_recipient(alice.sessionId.toStdString());
        const auto bare = ask(pathTo(swarm[1]), unsigned_);
        QCOMPARE(bare->error().code(), NodeError::UNAUTHORIZED);
        const auto ok = ask(pathTo(swarm[2]), retrieveRequest(alice, alice.sessionId));
        QCOMPARE(ok->messages().messages_size(), 1);
    }

    void aDeleteReachesTheWholeSwarm() {
        const auto erin = SessionIdentity::generate();
        const auto mallory = SessionIdentity::generate();
        const auto swarm = swarmOf(erin);
        const auto kept = ask(pathTo(swarm[0]), storeRequest(erin.sessionId, "kept"));
        const auto gone = ask(pathTo(swarm[0]), storeRequest(erin.sessionId, "gone"));
        QVERIFY(kept && kept->has_stored() && gone && gone->has_stored());
        const std::string hash = gone->stored().hash();
        // Passed on by a member as if the owner had asked, but not signed by the owner: each
        // member checks the owner's signature itself, so nothing is deleted.
        NodeRequest forged;
        *forged.mutable_replicate_delete() =
            deleteRequest(mallory, erin.sessionId, {hash}).delete_();
        auto refused = direct(swarm[1], forged);
        QVERIFY(refused && refused->has_error());
        QCOMPARE(refused->error().code(), NodeError::UNAUTHORIZED);
        forged.mutable_replicate_delete()->clear_owner();
        refused = direct(swarm[1], forged);
        QVERIFY(refused && refused->has_error());
        QCOMPARE(refused->error().code(), NodeError::UNAUTHORIZED);
        QCOMPARE(ask(pathTo(swarm[1]), retrieveRequest(erin, erin.sessionId))
                     ->messages()
                     .messages_size(),
                 2);
        // The owner deletes at member A: the other members have deleted it before A answers.
        const auto deleted = ask(pathTo(swarm[0], 1), deleteRequest(erin, erin.sessionId, {hash}));
        QVERIFY2(deleted && deleted->has_deleted(),
                 deleted && deleted->has_error() ? deleted->error().message().c_str() : "");
        QCOMPARE(deleted->deleted().count(), 1u);
        QCOMPARE(deleted->deleted().replicas(), 2u);
        for (std::size_t m = 1; m < swarm.size(); ++m) {
            const auto got = ask(pathTo(swarm[m], m), retrieveRequest(erin, erin.sessionId));
            QVERIFY(got && got->has_messages());
            QCOMPARE(got->messages().messages_size(), 1);
            QCOMPARE(got->messages().messages(0).data(), std::string("kept"));
        }
        // A sender's retry of the deleted message does not bring it back.
        const auto retry = ask(pathTo(swarm[2]), storeRequest(erin.sessionId, "gone"));
        QVERIFY(retry && retry->has_stored() && retry->stored().duplicate());
        const auto after = ask(pathTo(swarm[2], 2), retrieveRequest(erin, erin.sessionId));
        QCOMPARE(after->messages().messages_size(), 1);
    }

    void aNodeOutsideTheSwarmRefusesToStore() {
        const auto alice = SessionIdentity::generate();
        const auto swarm = swarmOf(alice);
        const NodeInfo* outsider = nullptr;
        for (const NodeInfo& n : directory_.nodes) {
            if (n.swarmId != swarm[0].swarmId) {
                outsider = &n;
            }
        }
        QVERIFY(outsider != nullptr);
        const auto refused =
            ask(std::vector<NodeInfo>{*outsider}, storeRequest(alice.sessionId, "misdirected"));
        QVERIFY(refused.has_value());
        QCOMPARE(refused->error().code(), NodeError::WRONG_SWARM);
    }

    void aLongPollAnswersAsSoonAsAMessageIsStored() {
        const auto bob = SessionIdentity::generate();
        const auto swarm = swarmOf(bob);
        const auto path = pathTo(swarm[1]);
        NodeLink link(path.front().address, path.front().x25519);
        const auto polling = post(link, path, retrieveRequest(bob, bob.sessionId, 20000), 30000);
        QTest::qWait(300);
        QVERIFY(!polling->reply.has_value());  // held
        // Stored at another member: replication wakes the poll at swarm[1], long before the
        // 20 s it would otherwise be held (the bound leaves room for a loaded machine).
        QElapsedTimer clock;
        clock.start();
        QVERIFY(ask(pathTo(swarm[0], 1), storeRequest(bob.sessionId, "ping"))->has_stored());
        QVERIFY(QTest::qWaitFor([&] { return polling->reply.has_value(); }, 10000));
        const qint64 elapsed = clock.elapsed();
        QVERIFY2(elapsed < 10000, qPrintable(QString::number(elapsed)));
        const auto got = answerOf(*polling);
        QVERIFY2(got.has_value(), qPrintable(got ? QString() : got.error()));
        QCOMPARE(got->messages().messages_size(), 1);
        QCOMPARE(got->messages().messages(0).data(), std::string("ping"));
        // Resuming after that hash: nothing new, answered when the (short) wait ends.
        const auto after = ask(
            path, retrieveRequest(bob, bob.sessionId, 200,
                                  QByteArray::fromStdString(got->messages().messages(0).hash())));
        QCOMPARE(after->messages().messages_size(), 0);
    }

    void aSwarmMemberKilledLosesNothing() {
        const auto carol = SessionIdentity::generate();
        const auto swarm = swarmOf(carol);
        for (int i = 0; i < 20; ++i) {
            QVERIFY(ask(pathTo(swarm[0], static_cast<std::size_t>(i)),
                        storeRequest(carol.sessionId, QByteArray("c") + QByteArray::number(i)))
                        ->has_stored());
        }
        std::size_t killed = 0;
        for (std::size_t i = 0; i < nodes_.size(); ++i) {
            if (nodes_[i]->identity() == swarm[0].ed25519) {
                killed = i;
            }
        }
        nodes_[killed]->kill();
        const auto got = ask(pathTo(swarm[1]), retrieveRequest(carol, carol.sessionId));
        QVERIFY2(got.has_value(), qPrintable(got ? QString() : got.error()));
        QCOMPARE(got->messages().messages_size(), 20);
        // Back on the same data: everything it confirmed is there.
        QVERIFY(nodes_[killed]->start());
        const auto back = ask(pathTo(swarm[0], 2), retrieveRequest(carol, carol.sessionId));
        QVERIFY2(back.has_value(), qPrintable(back ? QString() : back.error()));
        QCOMPARE(back->messages().messages_size(), 20);
    }

    void twoUsersExchangeMessagesThroughTheirOwnPaths() {
        Endpoint alice(directory_);
        Endpoint bob(directory_);
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
        Endpoint bob(directory_);
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
            alice = std::make_unique<Endpoint>(directory_);
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
        test::NodeProcess* victim = nullptr;
        for (auto& n : nodes_) {
            if (n->address() == victimAddress) {
                victim = n.get();
            }
        }
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
        Endpoint first(directory_);
        std::optional<crypto::PublicKey> guard;
        QObject::connect(first.transport.get(), &OnionTransport::guardChanged,
                         [&](const crypto::PublicKey& g) { guard = g; });
        first.transport->start();
        QVERIFY(QTest::qWaitFor([&] { return first.transport->isReady(); }, 15000));
        QVERIFY(guard.has_value());
        const NodeInfo* chosen = directory_.find(*guard);
        QVERIFY(chosen != nullptr);
        // The next start, given that guard, builds its first path on it.
        Endpoint again(directory_, guard);
        bool changed = false;
        QObject::connect(again.transport.get(), &OnionTransport::guardChanged,
                         [&](const crypto::PublicKey&) { changed = true; });
        again.transport->start();
        QVERIFY(QTest::qWaitFor([&] { return again.transport->isReady(); }, 15000));
        QVERIFY(!changed);  // a guard other than the one given would have been announced
    }

    void badInputGetsAnErrorAndTheNodeKeepsServing() {
        const auto dave = SessionIdentity::generate();
        const auto swarm = swarmOf(dave);
        const NodeInfo& node = swarm[0];
        NodeLink link(node.address, node.x25519);
        const auto send = [&](NodeRequest r) {
            auto got = std::make_shared<std::optional<NodeReply>>();
            link.request(std::move(r), [got](const NodeReply& reply) { *got = reply; });
            (void)QTest::qWaitFor([&] { return got->has_value(); }, 10000);
            return *got;
        };
        NodeRequest garbage;
        std::string random(300, '\0');
        randombytes_buf(random.data(), random.size());
        garbage.set_onion(random);
        auto reply = send(garbage);
        QVERIFY(reply && reply->has_error());
        QCOMPARE(reply->error().code(), NodeError::MALFORMED);
        NodeRequest huge;
        huge.set_onion(std::string(crypto::kMaxOnionBytes + 1, 'x'));
        reply = send(huge);
        QVERIFY(reply && reply->has_error());
        QCOMPARE(reply->error().code(), NodeError::TOO_LARGE);
        // A layer sent twice: the second is a replay.
        std::vector<crypto::OnionHop> hops{{node.address, node.x25519}};
        const std::string request = storeRequest(dave.sessionId, "once").SerializeAsString();
        const auto wrapped = crypto::wrapOnion(hops, crypto::view(request));
        NodeRequest layer;
        layer.set_onion(crypto::toString(wrapped->packet));
        reply = send(layer);
        QVERIFY(reply && reply->has_onion_reply());
        reply = send(layer);
        QVERIFY(reply && reply->has_error());
        QCOMPARE(reply->error().code(), NodeError::REPLAYED);
        // A next hop that is not in the directory.
        std::vector<crypto::OnionHop> astray{{node.address, node.x25519},
                                             {QStringLiteral("127.0.0.99:9"), node.x25519}};
        const auto lost = crypto::wrapOnion(astray, crypto::view(request));
        NodeRequest nowhere;
        nowhere.set_onion(crypto::toString(lost->packet));
        reply = send(nowhere);
        QVERIFY(reply && reply->has_error());
        QCOMPARE(reply->error().code(), NodeError::UNREACHABLE);
        // Random bytes instead of a handshake: that connection goes, the node stays.
        QTcpSocket raw;
        const qsizetype colon = node.address.lastIndexOf(u':');
        raw.connectToHost(node.address.left(colon), node.address.mid(colon + 1).toUShort());
        QVERIFY(raw.waitForConnected(5000));
        raw.write(QByteArray(4096, '\x42'));
        QVERIFY(QTest::qWaitFor([&] { return raw.state() == QAbstractSocket::UnconnectedState; },
                                15000));
        const auto still = ask(pathTo(node), storeRequest(dave.sessionId, "still here"));
        QVERIFY(still && still->has_stored());
    }

    void filesAreKeptByTheSwarmNearestTheirId() {
        Endpoint uploader(directory_);
        Endpoint fetcher(directory_);
        struct Outcome {
            std::optional<transport::BlobRef> stored;
            std::optional<QByteArray> fetched;
            std::optional<transport::TransportError> failed;
            QList<QPair<qint64, qint64>> progress;
        };
        std::map<QByteArray, Outcome> outcomes;
        for (Endpoint* e : {&uploader, &fetcher}) {
            QObject::connect(e->transport.get(), &transport::Transport::blobStored,
                             [&](const QByteArray& id, const transport::BlobRef& ref) {
                                 outcomes[id].stored = ref;
                             });
            QObject::connect(e->transport.get(), &transport::Transport::blobFetched,
                             [&](const QByteArray& id, const QByteArray& bytes) {
                                 outcomes[id].fetched = bytes;
                             });
            QObject::connect(e->transport.get(), &transport::Transport::blobFailed,
                             [&](const QByteArray& id, const transport::TransportError& error) {
                                 outcomes[id].failed = error;
                             });
            QObject::connect(e->transport.get(), &transport::Transport::blobProgress,
                             [&](const QByteArray& id, qint64 done, qint64 total) {
                                 outcomes[id].progress.append({done, total});
                             });
            e->transport->start();
        }
        QVERIFY(QTest::qWaitFor(
            [&] { return uploader.transport->isReady() && fetcher.transport->isReady(); }, 15000));
        const auto finished = [&](const char* request) {
            return QTest::qWaitFor(
                [&] {
                    const Outcome& o = outcomes[request];
                    return o.stored || o.fetched || o.failed;
                },
                40000);
        };

        // Too large: refused by the transport before anything is sent.
        uploader.transport->putBlob("huge", QByteArray(kMaxBlobBytes + 1, 'x'));
        QVERIFY(outcomes["huge"].failed.has_value());  // at once
        QCOMPARE(outcomes["huge"].failed->code, transport::TransportError::Code::TooLarge);
        QVERIFY(outcomes["huge"].failed->message.contains(QString::number(kMaxBlobBytes)));
        QVERIFY(outcomes["huge"].progress.isEmpty());

        // Put through one client, got through another client's paths.
        QByteArray blob(kMaxBlobBytes, '\0');
        randombytes_buf(blob.data(), static_cast<std::size_t>(blob.size()));
        uploader.transport->putBlob("put", blob);
        QVERIFY(finished("put"));
        QVERIFY2(outcomes["put"].stored.has_value(),
                 qPrintable(outcomes["put"].failed ? outcomes["put"].failed->message : QString()));
        const transport::BlobRef ref = *outcomes["put"].stored;
        QCOMPARE(ref.id, blobIdOf(blob));
        QCOMPARE(ref.size, blob.size());
        QCOMPARE(outcomes["put"].progress.first(), (QPair<qint64, qint64>{0, blob.size()}));
        QCOMPARE(outcomes["put"].progress.last(),
                 (QPair<qint64, qint64>{blob.size(), blob.size()}));
        fetcher.transport->getBlob("get", ref);
        QVERIFY(finished("get"));
        QVERIFY2(outcomes["get"].fetched.has_value(),
                 qPrintable(outcomes["get"].failed ? outcomes["get"].failed->message : QString()));
        QVERIFY(*outcomes["get"].fetched == blob);

        // A tampered id, and an unknown one: NotFound.
        transport::BlobRef tampered = ref;
        tampered.id[5] = static_cast<char>(tampered.id[5] ^ 0x01);
        fetcher.transport->getBlob("tampered", tampered);
        QVERIFY(finished("tampered"));
        QVERIFY(outcomes["tampered"].failed.has_value());
        QCOMPARE(outcomes["tampered"].failed->code, transport::TransportError::Code::NotFound);
        fetcher.transport->getBlob("unknown", {blobIdOf("never stored"), 12});
        QVERIFY(finished("unknown"));
        QCOMPARE(outcomes["unknown"].failed->code, transport::TransportError::Code::NotFound);

        // Every member has it; a node refuses bytes that are not what the id says, and a node
        // outside the blob's swarm refuses to keep it.
        const auto swarm = directory_.members(*directory_.swarmOf(blobRingKey(ref.id)));
        for (std::size_t m = 0; m < swarm.size(); ++m) {
            SwarmRequest get;
            get.mutable_get_blob()->set_id(ref.id.toStdString());
            const auto got = ask(pathTo(swarm[m], m), get);
            QVERIFY2(got && got->has_blob(), qPrintable(got ? QString() : got.error()));
            QVERIFY(got->blob() == blob.toStdString());
        }
        SwarmRequest lie;
        lie.mutable_store_blob()->set_id(ref.id.toStdString());
        lie.mutable_store_blob()->set_data("other bytes");
        const auto refused = ask(pathTo(swarm[0]), lie);
        QVERIFY(refused && refused->has_error());
        QCOMPARE(refused->error().code(), NodeError::MALFORMED);
        const QByteArray small("a small file");
        SwarmRequest misplaced;
        misplaced.mutable_store_blob()->set_id(blobIdOf(small).toStdString());
        misplaced.mutable_store_blob()->set_data(small.toStdString());
        const auto keepers = directory_.swarmOf(blobRingKey(blobIdOf(small)));
        for (const NodeInfo& n : directory_.nodes) {
            if (n.swarmId != *keepers) {
                const auto wrong = ask(std::vector<NodeInfo>{n}, misplaced);
                QVERIFY(wrong && wrong->has_error());
                QCOMPARE(wrong->error().code(), NodeError::WRONG_SWARM);
                break;
            }
        }

        // A member of its swarm killed with SIGKILL: still there, through fresh paths.
        test::NodeProcess* victim = nullptr;
        for (auto& n : nodes_) {
            if (n->identity() == swarm[0].ed25519) {
                victim = n.get();
            }
        }
        QVERIFY(victim != nullptr);
        victim->kill();
        const auto restart = qScopeGuard([victim] { restartForLaterTests(*victim); });
        Endpoint late(directory_);
        QObject::connect(
            late.transport.get(), &transport::Transport::blobFetched,
            [&](const QByteArray& id, const QByteArray& bytes) { outcomes[id].fetched = bytes; });
        QObject::connect(late.transport.get(), &transport::Transport::blobFailed,
                         [&](const QByteArray& id, const transport::TransportError& error) {
                             outcomes[id].failed = error;
                         });
        late.transport->start();
        QVERIFY(QTest::qWaitFor([&] { return late.transport->isReady(); }, 15000));
        for (int i = 0; i < 3; ++i) {  // whichever member each is sent to
            const QByteArray id = "after kill " + QByteArray::number(i);
            late.transport->getBlob(id, ref);
            QVERIFY(QTest::qWaitFor([&] { return outcomes[id].fetched || outcomes[id].failed; },
                                    40000));
            QVERIFY2(outcomes[id].fetched.has_value(), qPrintable(outcomes[id].failed->message));
            QVERIFY(*outcomes[id].fetched == blob);
        }
    }

    // Last: it changes the directory every node reads.
    void aNewerDirectoryIsAdopted() {
        Endpoint user(directory_);
        user.transport->setNetworkKey(network_.publicKey);
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
        nodes_.push_back(std::make_unique<test::NodeProcess>(QStringLiteral("127.0.0.8"),
                                                             directoryFile_, network_.publicKey));
        QVERIFY2(nodes_.back()->start(), "tandem-node did not start");
        NodeDirectory next = directory_;
        next.version = 2;
        next.issuedAtMs = nowMs();
        NodeInfo added;
        added.ed25519 = nodes_.back()->identity();
        added.x25519 = crypto::ed25519ToX25519(added.ed25519).value();
        added.address = nodes_.back()->address();
        added.swarmId = assignSwarms(7)[6];
        next.nodes.push_back(added);
        // A forged version 3 (signed by another key) is ignored by the nodes and the client.
        const auto forged = [&] {
            NodeDirectory f = next;
            f.version = 3;
            return f.sign(Ed25519KeyPair::generate());
        }();
        const auto write = [&](const crypto::Bytes& bytes) {
            QSaveFile file(directoryFile_);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(reinterpret_cast<const char*>(bytes.data()),  // NOLINT
                       static_cast<qint64>(bytes.size()));
            QVERIFY(file.commit());
        };
        write(forged);
        QTest::qWait(1500);  // refreshed a few times (and a new modification time next)
        QVERIFY(announced.isEmpty());
        write(next.sign(network_));
        QVERIFY(QTest::qWaitFor([&] { return !announced.isEmpty(); }, 15000));
        QCOMPARE(announced.size(), 1);
        const auto adopted = NodeDirectory::verify(
            crypto::ByteView(reinterpret_cast<const std::uint8_t*>(announced[0].constData()),
                             static_cast<std::size_t>(announced[0].size())),  // NOLINT
            network_.publicKey);
        QVERIFY(adopted.has_value());
        QCOMPARE(adopted->version, std::uint64_t{2});
        QCOMPARE(adopted->nodes.size(), std::size_t{7});
        QCOMPARE(user.transport->directory().version, std::uint64_t{2});
        QVERIFY(user.transport->directory().find(added.ed25519) != nullptr);
        QTest::qWait(1000);
        QCOMPARE(announced.size(), 1);  // once
        directory_ = next;
        // Still delivering with the new directory.
        Endpoint other(directory_);
        other.transport->start();
        QVERIFY(QTest::qWaitFor([&] { return other.transport->isReady(); }, 15000));
        other.send(user.who.sessionId, QStringLiteral("after v2"));
        QVERIFY(QTest::qWaitFor([&] { return user.received.size() == 1; }, 15000));
    }
};

QTEST_GUILESS_MAIN(NodeTest)
#include "tst_node.moc"
