// Real tandem-node processes (six, two swarms of three, on 127.0.0.2–7), with a directory
// signed by a network key: requests go through three-hop onion paths built with
// crypto/Onion.h, as the client transport builds them. A store reaches the whole swarm before
// it is confirmed; retrieve needs the owner's signature; a long-poll answers as soon as a
// message is stored; a swarm member killed with SIGKILL loses nothing; bad input gets an error
// and the nodes keep serving. The onion file store: a blob put through one client is got
// through another's paths, every member of its swarm has it, a tampered or unknown id is
// NotFound, an oversize blob is refused before it is sent, bytes that do not match their id
// are refused, and a member killed loses it for no one. (The client transport's own tests are
// in tst_onion_transport.)
#include <map>
#include <memory>
#include <set>
#include <sodium.h>

#include <QElapsedTimer>
#include <QFile>
#include <QScopeGuard>
#include <QTcpSocket>
#include <QTest>

#include "crypto/Onion.h"
#include "crypto/session/SessionKeys.h"
#include "tandem/common/Clock.h"
#include "tandem/node.pb.h"
#include "tests/onion/OnionEndpoint.h"
#include "tests/onion/OnionRequests.h"
#include "tests/support/OnionNetwork.h"
#include "transport/SecureChannel.h"
#include "transport/onion/Blob.h"
#include "transport/onion/Directory.h"
#include "transport/onion/NodeLink.h"
#include "transport/onion/OnionTransport.h"
#include "transport/onion/OwnerAuth.h"
#include "transport/onion/Swarm.h"
#include "transport/onion/node/MemberProof.h"

using namespace tandem;
using namespace tandem::transport::onion;
using crypto::Ed25519KeyPair;
using crypto::session::SessionIdentity;
using proto::node::NodeError;
using proto::node::NodeReply;
using proto::node::NodeRequest;
using proto::node::SwarmReply;
using proto::node::SwarmRequest;
using test::answerOf;
using test::ask;
using test::Endpoint;
using test::post;
using test::restartForLaterTests;

namespace {

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

}  // namespace

class NodeTest : public QObject {
    Q_OBJECT

    std::unique_ptr<test::OnionNetwork> net_;

    // Path: a guard and a middle outside `swarm`, then `target`.
    std::vector<NodeInfo> pathTo(const NodeInfo& target, std::size_t variant = 0) const {
        return test::pathTo(net_->directory(), target, variant);
    }

    std::vector<NodeInfo> swarmOf(const SessionIdentity& who) const {
        return net_->directory().members(*net_->directory().swarmOf(who.x25519.publicKey));
    }

private slots:
    void initTestCase() {
        QVERIFY(sodium_init() >= 0);
        net_ = std::make_unique<test::OnionNetwork>(6, 2);  // two swarms of three: 127.0.0.2–7
        QVERIFY2(net_->start(), "the onion network did not start");
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

    // A client refreshing its directory names the version it holds: the node answers with the
    // whole directory only when its own is newer.
    void theDirectoryIsHandedOutOnlyWhenNewer() {
        const NodeInfo& node = net_->directory().nodes[0];
        const std::uint64_t held = net_->directory().version;
        SwarmRequest get;
        get.mutable_get_directory();  // 0: whatever it is
        auto full = ask(pathTo(node), get);
        QVERIFY2(full.has_value(), qPrintable(full ? QString() : full.error()));
        QVERIFY(full->has_directory());
        const auto verified = transport::onion::NodeDirectory::verify(
            crypto::view(full->directory()), net_->networkKey());
        QVERIFY(verified.has_value());
        QCOMPARE(verified->version, held);
        get.mutable_get_directory()->set_newer_than(held);
        auto same = ask(pathTo(node), get);
        QVERIFY(same.has_value());
        QVERIFY(!same->has_directory());
        QCOMPARE(same->directory_unchanged(), held);
        get.mutable_get_directory()->set_newer_than(held - 1);
        QVERIFY(ask(pathTo(node), get)->has_directory());
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

    // replicate is taken only from a member of the swarm it is for, proven by its signature:
    // not from a client, nor a key the directory does not list, nor a node of another swarm.
    void onlyTheSwarmsMembersReplicate() {
        const auto dave = SessionIdentity::generate();
        const auto swarm = swarmOf(dave);
        const NodeInfo& target = swarm[0];
        const auto keyOf = [&](const NodeInfo& n) {
            QFile file(net_->nodeAt(n.address)->dataDir() + QStringLiteral("/node.key"));
            if (!file.open(QIODevice::ReadOnly)) {
                qFatal("cannot read a node key");
            }
            const std::string secret = file.readAll().toStdString();
            return crypto::Ed25519KeyPair::fromSeed(crypto::view(secret).first(32));
        };
        const auto replicate = [&](const QByteArray& text) {
            NodeRequest r;
            auto* rep = r.mutable_replicate();
            rep->set_recipient(dave.sessionId.toStdString());
            rep->set_data(text.toStdString());
            rep->set_expires_at_ms(static_cast<std::uint64_t>(nowMs() + 3600000));
            return r;
        };
        const auto refusedWith = [&](NodeRequest r) {
            const auto reply = direct(target, std::move(r));
            return reply && reply->has_error() ? reply->error().code() : NodeError::UNKNOWN;
        };
        QCOMPARE(refusedWith(replicate("from a client")), NodeError::UNAUTHORIZED);
        NodeRequest stranger = replicate("from a key nobody listed");
        MemberProof::sign(stranger, crypto::Ed25519KeyPair::generate(), nowMs());
        QCOMPARE(refusedWith(stranger), NodeError::UNAUTHORIZED);
        const NodeInfo* outsider = nullptr;
        for (const NodeInfo& n : net_->directory().nodes) {
            if (n.swarmId != target.swarmId) {
                outsider = &n;
                break;
            }
        }
        QVERIFY(outsider != nullptr);
        NodeRequest otherSwarm = replicate("from another swarm");
        MemberProof::sign(otherSwarm, keyOf(*outsider), nowMs());
        QCOMPARE(refusedWith(otherSwarm), NodeError::UNAUTHORIZED);
        NodeRequest stale = replicate("signed long ago");
        MemberProof::sign(stale, keyOf(swarm[1]), nowMs() - 3600000);
        QCOMPARE(refusedWith(stale), NodeError::UNAUTHORIZED);
        NodeRequest tampered = replicate("signed");
        MemberProof::sign(tampered, keyOf(swarm[1]), nowMs());
        tampered.mutable_replicate()->set_data("changed after signing");
        QCOMPARE(refusedWith(tampered), NodeError::UNAUTHORIZED);
        const auto none = ask(pathTo(target), retrieveRequest(dave, dave.sessionId));
        QCOMPARE(none->messages().messages_size(), 0);

        NodeRequest member = replicate("from a member");
        MemberProof::sign(member, keyOf(swarm[1]), nowMs());
        const auto accepted = direct(target, member);
        QVERIFY(accepted && accepted->has_replicated() && accepted->replicated());
        const auto one = ask(pathTo(target), retrieveRequest(dave, dave.sessionId));
        QCOMPARE(one->messages().messages_size(), 1);
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
        for (const NodeInfo& n : net_->directory().nodes) {
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

    // The member the sender stores at answers a long-poll held there from memory, before its
    // own commit; what the sender was told is stored is still committed there: a SIGKILL right
    // after the answer loses nothing.
    void aLongPollAtTheStoringMemberIsAnsweredAndTheMessageKept() {
        const auto dave = SessionIdentity::generate();
        const auto swarm = swarmOf(dave);
        const auto path = pathTo(swarm[0]);
        NodeLink link(path.front().address, path.front().x25519);
        const auto polling = post(link, path, retrieveRequest(dave, dave.sessionId, 20000), 30000);
        QTest::qWait(300);
        QVERIFY(!polling->reply.has_value());  // held
        const auto stored = ask(pathTo(swarm[0], 1), storeRequest(dave.sessionId, "early"));
        QVERIFY(stored.has_value() && stored->has_stored());
        QCOMPARE(stored->stored().replicas(), 2u);
        QVERIFY(QTest::qWaitFor([&] { return polling->reply.has_value(); }, 10000));
        const auto got = answerOf(*polling);
        QVERIFY2(got.has_value(), qPrintable(got ? QString() : got.error()));
        QCOMPARE(got->messages().messages_size(), 1);
        QCOMPARE(got->messages().messages(0).data(), std::string("early"));
        QCOMPARE(got->messages().messages(0).hash(), stored->stored().hash());
        test::NodeProcess* killed = net_->nodeAt(swarm[0].address);
        QVERIFY(killed != nullptr);
        killed->kill();
        QVERIFY(killed->start());
        const auto back = ask(pathTo(swarm[0], 2), retrieveRequest(dave, dave.sessionId));
        QVERIFY2(back.has_value(), qPrintable(back ? QString() : back.error()));
        QCOMPARE(back->messages().messages_size(), 1);
        QCOMPARE(back->messages().messages(0).data(), std::string("early"));
    }

    void aSwarmMemberKilledLosesNothing() {
        const auto carol = SessionIdentity::generate();
        const auto swarm = swarmOf(carol);
        for (int i = 0; i < 20; ++i) {
            QVERIFY(ask(pathTo(swarm[0], static_cast<std::size_t>(i)),
                        storeRequest(carol.sessionId, QByteArray("c") + QByteArray::number(i)))
                        ->has_stored());
        }
        test::NodeProcess* killed = net_->nodeAt(swarm[0].address);
        QVERIFY(killed != nullptr);
        killed->kill();
        const auto got = ask(pathTo(swarm[1]), retrieveRequest(carol, carol.sessionId));
        QVERIFY2(got.has_value(), qPrintable(got ? QString() : got.error()));
        QCOMPARE(got->messages().messages_size(), 20);
        // Back on the same data: everything it confirmed is there.
        QVERIFY(killed->start());
        const auto back = ask(pathTo(swarm[0], 2), retrieveRequest(carol, carol.sessionId));
        QVERIFY2(back.has_value(), qPrintable(back ? QString() : back.error()));
        QCOMPARE(back->messages().messages_size(), 20);
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
        Endpoint uploader(net_->directory());
        Endpoint fetcher(net_->directory());
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
        const auto swarm =
            net_->directory().members(*net_->directory().swarmOf(blobRingKey(ref.id)));
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
        const auto keepers = net_->directory().swarmOf(blobRingKey(blobIdOf(small)));
        for (const NodeInfo& n : net_->directory().nodes) {
            if (n.swarmId != *keepers) {
                const auto wrong = ask(std::vector<NodeInfo>{n}, misplaced);
                QVERIFY(wrong && wrong->has_error());
                QCOMPARE(wrong->error().code(), NodeError::WRONG_SWARM);
                break;
            }
        }

        // A member of its swarm killed with SIGKILL: still there, through fresh paths.
        test::NodeProcess* victim = net_->nodeAt(swarm[0].address);
        QVERIFY(victim != nullptr);
        victim->kill();
        const auto restart = qScopeGuard([victim] { restartForLaterTests(*victim); });
        Endpoint late(net_->directory());
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
};

QTEST_GUILESS_MAIN(NodeTest)
#include "tst_node.moc"
