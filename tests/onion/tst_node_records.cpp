// Signed mutable records in the onion network, over real tandem-node processes (six, two
// swarms of three, on 127.0.0.80–85): a record put through one client's OnionTransport is got
// through another's; versions only go up (a stale put is refused with the version held); every
// member of the swarm nearest the address holds the latest before the uploader hears "stored";
// a member's stale replica is refused too (no roll-back); forged, misaddressed and oversize
// records get a clear error and the nodes keep serving; a member killed loses the record for
// no one.
#include <memory>
#include <sodium.h>

#include <QDateTime>
#include <QFile>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>

#include "crypto/QtBytes.h"
#include "crypto/SignedRecord.h"
#include "tests/onion/OnionEndpoint.h"
#include "tests/onion/OnionRequests.h"
#include "tests/support/OnionNetwork.h"
#include "transport/onion/Blob.h"
#include "transport/onion/NodeLink.h"
#include "transport/onion/node/MemberProof.h"

using namespace tandem;
using namespace tandem::crypto;
using namespace tandem::transport::onion;
using proto::node::NodeError;
using proto::node::NodeRequest;
using proto::node::SwarmRequest;
using test::ask;
using test::Endpoint;
using test::restartForLaterTests;
using transport::TransportError;

namespace {

int next = 0;

// recordStored's version, or the error.
Expected<quint64, TransportError> put(transport::Transport& t, const SignedRecord& record) {
    const QByteArray id = QByteArray::number(++next);
    QSignalSpy stored(&t, &transport::Transport::recordStored);
    QSignalSpy failed(&t, &transport::Transport::recordFailed);
    t.putRecord(id, record);
    if (!QTest::qWaitFor([&] { return !stored.isEmpty() || !failed.isEmpty(); }, 40000)) {
        return unexpected(TransportError{TransportError::Code::Timeout, "no answer", true});
    }
    if (!failed.isEmpty()) {
        return unexpected(failed.first().at(1).value<TransportError>());
    }
    return stored.first().at(1).value<quint64>();
}

Expected<SignedRecord, TransportError> get(transport::Transport& t, const QByteArray& address) {
    const QByteArray id = QByteArray::number(++next);
    QSignalSpy fetched(&t, &transport::Transport::recordFetched);
    QSignalSpy failed(&t, &transport::Transport::recordFailed);
    t.getRecord(id, address);
    if (!QTest::qWaitFor([&] { return !fetched.isEmpty() || !failed.isEmpty(); }, 40000)) {
        return unexpected(TransportError{TransportError::Code::Timeout, "no answer", true});
    }
    if (!failed.isEmpty()) {
        return unexpected(failed.first().at(1).value<TransportError>());
    }
    return fetched.first().at(1).value<SignedRecord>();
}

SwarmRequest storeRequest(const SignedRecord& record) {
    SwarmRequest r;
    *r.mutable_store_record()->mutable_record() = toProto(record);
    return r;
}

SwarmRequest getRequest(const QByteArray& address) {
    SwarmRequest r;
    r.mutable_get_record()->set_address(address.toStdString());
    return r;
}

QString describe(const Expected<SignedRecord, TransportError>& r) {
    return r ? QStringLiteral("version %1").arg(r->version) : r.error().message;
}

}  // namespace

class NodeRecordsTest : public QObject {
    Q_OBJECT

    std::unique_ptr<test::OnionNetwork> net_;

    std::vector<NodeInfo> swarmOfAddress(const QByteArray& address) const {
        return net_->directory().members(*net_->directory().swarmOf(blobRingKey(address)));
    }

    // Starts a user's transport and waits until it has a path.
    static void ready(Endpoint& e) {
        e.transport->start();
        QVERIFY(QTest::qWaitFor([&] { return e.transport->isReady(); }, 15000));
    }

private slots:
    void initTestCase() {
        QVERIFY(sodium_init() >= 0);
        qRegisterMetaType<SignedRecord>();
        qRegisterMetaType<TransportError>();
        net_ = std::make_unique<test::OnionNetwork>(6, 80);  // two swarms of three
        QVERIFY2(net_->start(), "the onion network did not start");
    }

    void versionsOnlyGoUpAndTheWholeSwarmHasTheLatest() {
        Endpoint creator(net_->directory());
        Endpoint reader(net_->directory());
        ready(creator);
        ready(reader);
        const Ed25519KeyPair owner = generateRecordOwner();
        const QByteArray address = recordAddress(recordName(qbytes(owner.publicKey)));

        QCOMPARE(get(*reader.transport, address).error().code, TransportError::Code::NotFound);
        QCOMPARE(put(*creator.transport, signRecord(owner, 1, "pack v1")).value(), quint64{1});
        const auto v1 = get(*reader.transport, address);
        QVERIFY2(v1, qPrintable(describe(v1)));
        QCOMPARE(v1->payload, QByteArray("pack v1"));
        QCOMPARE(put(*creator.transport, signRecord(owner, 2, "pack v2")).value(), quint64{2});
        QCOMPARE(get(*reader.transport, address).value().payload, QByteArray("pack v2"));

        const auto stale = put(*creator.transport, signRecord(owner, 1, "pack v1"));
        QVERIFY(!stale);
        QCOMPARE(stale.error().code, TransportError::Code::StaleVersion);
        QCOMPARE(stale.error().storedVersion, quint64{2});
        QVERIFY(stale.error().message.contains(QLatin1String("stale version")));
        QCOMPARE(get(*reader.transport, address).value().version, quint64{2});

        // Every member holds version 2: it was replicated before "stored".
        const auto swarm = swarmOfAddress(address);
        QCOMPARE(swarm.size(), std::size_t{3});
        for (std::size_t m = 0; m < swarm.size(); ++m) {
            const auto got = ask(test::pathTo(net_->directory(), swarm[m], m), getRequest(address));
            QVERIFY2(got && got->has_record(), qPrintable(got ? QString() : got.error()));
            QCOMPARE(got->record().version(), std::uint64_t{2});
        }

        // A member's replica of an older version (a member that missed version 2, say) is
        // refused like a client's: it cannot roll the record back.
        const NodeInfo& target = swarm[0];
        test::NodeProcess* sender = net_->nodeAt(swarm[1].address);
        QVERIFY(sender != nullptr);
        QFile keyFile(sender->dataDir() + QStringLiteral("/node.key"));
        QVERIFY(keyFile.open(QIODevice::ReadOnly));
        const QByteArray seed = keyFile.readAll();
        QCOMPARE(seed.size(), qsizetype{32});
        const Ed25519KeyPair memberKey = Ed25519KeyPair::fromSeed(view(seed));
        NodeRequest replica;
        *replica.mutable_replicate_record()->mutable_record() =
            toProto(signRecord(owner, 1, "pack v1"));
        replica.mutable_replicate_record()->set_expires_at_ms(
            static_cast<std::uint64_t>(QDateTime::currentMSecsSinceEpoch() + 3600 * 1000));
        MemberProof::sign(replica, memberKey, QDateTime::currentMSecsSinceEpoch());
        NodeLink link(target.address, target.x25519);
        std::optional<proto::node::NodeReply> answer;
        link.request(
            replica, [&](const proto::node::NodeReply& r) { answer = r; }, 10000);
        QVERIFY(QTest::qWaitFor([&] { return answer.has_value(); }, 12000));
        QVERIFY(answer->has_error());
        QCOMPARE(answer->error().code(), NodeError::STALE_VERSION);
        QCOMPARE(answer->error().stored_version(), std::uint64_t{2});
        const auto still = ask(test::pathTo(net_->directory(), target), getRequest(address));
        QVERIFY(still && still->has_record());
        QCOMPARE(still->record().version(), std::uint64_t{2});
    }

    void badRecordsGetAClearErrorAndTheNodesKeepServing() {
        const Ed25519KeyPair owner = generateRecordOwner();
        const SignedRecord good = signRecord(owner, 4, "manifest");
        const auto swarm = swarmOfAddress(good.address);
        const auto path = test::pathTo(net_->directory(), swarm[0]);

        // The client refuses what no node would keep, before anything is sent.
        Endpoint creator(net_->directory());
        ready(creator);
        const auto huge = put(*creator.transport,
                              signRecord(owner, 5, QByteArray(kMaxRecordPayloadBytes + 1, 'x')));
        QCOMPARE(huge.error().code, TransportError::Code::TooLarge);
        SignedRecord forged = good;
        forged.payload = "other manifest";
        QCOMPARE(put(*creator.transport, forged).error().code, TransportError::Code::Rejected);

        // Sent anyway, straight to a member: a clear error each.
        auto reply = ask(path, storeRequest(forged));
        QVERIFY(reply && reply->has_error());
        QCOMPARE(reply->error().code(), NodeError::MALFORMED);
        QVERIFY(
            QString::fromStdString(reply->error().message()).contains(QLatin1String("signature")));
        SignedRecord misplaced = signRecord(generateRecordOwner(), 9, "mine now");
        misplaced.address = good.address;
        reply = ask(path, storeRequest(misplaced));
        QVERIFY(reply && reply->has_error());
        QCOMPARE(reply->error().code(), NodeError::MALFORMED);
        QVERIFY(
            QString::fromStdString(reply->error().message()).contains(QLatin1String("address")));
        reply = ask(
            path, storeRequest(signRecord(owner, 5, QByteArray(kMaxRecordPayloadBytes + 1, 'x'))));
        QVERIFY(reply && reply->has_error());
        QCOMPARE(reply->error().code(), NodeError::TOO_LARGE);
        reply = ask(path, getRequest(QByteArray(31, 'a')));
        QVERIFY(reply && reply->has_error());
        QCOMPARE(reply->error().code(), NodeError::MALFORMED);
        for (const NodeInfo& n : net_->directory().nodes) {
            if (n.swarmId != swarm[0].swarmId) {
                reply = ask(std::vector<NodeInfo>{n}, storeRequest(good));
                QVERIFY(reply && reply->has_error());
                QCOMPARE(reply->error().code(), NodeError::WRONG_SWARM);
                break;
            }
        }

        // Nothing of that was kept; the same member stores the real one, for its whole swarm.
        reply = ask(path, getRequest(good.address));
        QVERIFY(reply && reply->has_error());
        QCOMPARE(reply->error().code(), NodeError::NOT_FOUND);
        reply = ask(path, storeRequest(good));
        QVERIFY2(reply && reply->has_record_stored(),
                 qPrintable(reply ? QString() : reply.error()));
        QCOMPARE(reply->record_stored().replicas(), 2u);
        QVERIFY(!reply->record_stored().duplicate());
        reply = ask(path, storeRequest(good));  // again: a success that changes nothing
        QVERIFY(reply && reply->has_record_stored());
        QVERIFY(reply->record_stored().duplicate());
    }

    void aKilledMemberLosesTheRecordForNoOne() {
        Endpoint creator(net_->directory());
        ready(creator);
        const Ed25519KeyPair owner = generateRecordOwner();
        const QByteArray address = recordAddress(recordName(qbytes(owner.publicKey)));
        QCOMPARE(put(*creator.transport, signRecord(owner, 7, "pack v7")).value(), quint64{7});

        // Every member in turn killed with SIGKILL: the others still hand it out, so each
        // had its copy (replicated, not only stored where the put went).
        for (const NodeInfo& member : swarmOfAddress(address)) {
            test::NodeProcess* victim = net_->nodeAt(member.address);
            QVERIFY(victim != nullptr);
            victim->kill();
            const auto restart = qScopeGuard([victim] { restartForLaterTests(*victim); });
            Endpoint reader(net_->directory());
            ready(reader);
            for (int i = 0; i < 3; ++i) {  // whichever member each is sent to
                const auto got = get(*reader.transport, address);
                QVERIFY2(got, qPrintable(describe(got)));
                QCOMPARE(got->payload, QByteArray("pack v7"));
            }
        }
    }
};

QTEST_GUILESS_MAIN(NodeRecordsTest)
#include "tst_node_records.moc"
