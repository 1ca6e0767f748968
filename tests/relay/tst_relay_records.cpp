// Signed mutable records at a real tandem-relayd: versions replace each other only upwards
// (through RelayTransport, from two accounts), a stale put is refused with the version held,
// forged, misaddressed and oversize records get a clear error while the relay keeps serving,
// a record the relay hands back damaged is refused by the client, records survive a restart,
// puts are rate limited per account; and the table's lifetime and total bound (RecordTable).
#include <sodium.h>

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "crypto/QtBytes.h"
#include "crypto/SignedRecord.h"
#include "storage/Database.h"
#include "tests/relay/RelayTestClient.h"
#include "tests/support/Daemons.h"
#include "transport/daemon/RecordTable.h"
#include "transport/relay/RelayTransport.h"

using namespace tandem;
using namespace tandem::crypto;
using namespace tandem::transport;
using proto::relay::Error;
using namespace tandem::test;

namespace {

// An account's RelayTransport, signed in, with synchronous record calls.
struct RecordUser {
    RelayTransport transport;
    int next = 0;

    RecordUser(const RelayEndpoint& endpoint, const Account& a)
        : transport(endpoint, {a.phone, QByteArray::fromStdString(a.password)}) {
        QSignalSpy signedIn(&transport, &RelayTransport::authenticated);
        transport.start();
        if (!signedIn.wait(10000)) {
            qFatal("could not sign in to the relay");
        }
    }

    // recordStored's version, or the error.
    Expected<quint64, TransportError> put(const SignedRecord& record) {
        const QByteArray id = QByteArray::number(++next);
        QSignalSpy stored(&transport, &Transport::recordStored);
        QSignalSpy failed(&transport, &Transport::recordFailed);
        transport.putRecord(id, record);
        if (!QTest::qWaitFor([&] { return !stored.isEmpty() || !failed.isEmpty(); }, 10000)) {
            return unexpected(TransportError{TransportError::Code::Timeout, "no answer", true});
        }
        if (!failed.isEmpty()) {
            return unexpected(failed.first().at(1).value<TransportError>());
        }
        return stored.first().at(1).value<quint64>();
    }

    Expected<SignedRecord, TransportError> get(const QByteArray& address) {
        const QByteArray id = QByteArray::number(++next);
        QSignalSpy fetched(&transport, &Transport::recordFetched);
        QSignalSpy failed(&transport, &Transport::recordFailed);
        transport.getRecord(id, address);
        if (!QTest::qWaitFor([&] { return !fetched.isEmpty() || !failed.isEmpty(); }, 10000)) {
            return unexpected(TransportError{TransportError::Code::Timeout, "no answer", true});
        }
        if (!failed.isEmpty()) {
            return unexpected(failed.first().at(1).value<TransportError>());
        }
        return fetched.first().at(1).value<SignedRecord>();
    }
};

ClientFrame putFrame(const SignedRecord& record) {
    ClientFrame f;
    *f.mutable_put_record()->mutable_record() = toProto(record);
    return f;
}

QByteArray addressOf(const Ed25519KeyPair& owner) {
    return recordAddress(recordName(qbytes(owner.publicKey)));
}

}  // namespace

class RelayRecordsTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(sodium_init() >= 0);
        qRegisterMetaType<SignedRecord>();
        qRegisterMetaType<TransportError>();
    }

    void versionsOnlyGoUp() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        const Account alice{QStringLiteral("+4915100000011")};
        const Account bob{QStringLiteral("+4915100000012")};
        for (const Account* account : {&alice, &bob}) {
            Client c(relay.endpoint());
            registerAndAuth(c, *account);
        }
        const Ed25519KeyPair owner = generateRecordOwner();
        const QByteArray address = addressOf(owner);
        auto a = std::make_unique<RecordUser>(relay.endpoint(), alice);
        auto b = std::make_unique<RecordUser>(relay.endpoint(), bob);

        const auto none = b->get(address);
        QVERIFY(!none);
        QCOMPARE(none.error().code, TransportError::Code::NotFound);

        QCOMPARE(a->put(signRecord(owner, 1, "pack v1")).value(), quint64{1});
        QCOMPARE(b->get(address).value().payload, QByteArray("pack v1"));
        QCOMPARE(a->put(signRecord(owner, 2, "pack v2")).value(), quint64{2});
        QCOMPARE(b->get(address).value().version, quint64{2});

        // Back to version 1: refused, saying which version is held.
        const auto stale = a->put(signRecord(owner, 1, "pack v1"));
        QVERIFY(!stale);
        QCOMPARE(stale.error().code, TransportError::Code::StaleVersion);
        QCOMPARE(stale.error().storedVersion, quint64{2});
        QVERIFY(stale.error().message.contains(QLatin1String("stale version")));
        // Version 2 again, the same bytes: a success that changes nothing; other bytes: stale.
        QCOMPARE(a->put(signRecord(owner, 2, "pack v2")).value(), quint64{2});
        QCOMPARE(a->put(signRecord(owner, 2, "other v2")).error().code,
                 TransportError::Code::StaleVersion);
        const auto latest = b->get(address);
        QCOMPARE(latest.value().version, quint64{2});
        QCOMPARE(latest.value().payload, QByteArray("pack v2"));

        // Kept across a restart.
        a.reset();
        b.reset();
        relay.terminate();
        QVERIFY(relay.start());
        RecordUser again(relay.endpoint(), bob);
        QCOMPARE(again.get(address).value().payload, QByteArray("pack v2"));
    }

    void badRecordsGetAClearErrorAndTheRelayKeepsServing() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        const Account alice{QStringLiteral("+4915100000021")};
        Client anonymous(relay.endpoint());
        const Ed25519KeyPair owner = generateRecordOwner();
        const SignedRecord good = signRecord(owner, 5, "manifest");

        // Records need an account, as blobs do.
        QCOMPARE(anonymous.call(putFrame(good)).error().code(), Error::UNAUTHORIZED);

        Client c(relay.endpoint());
        registerAndAuth(c, alice);
        SignedRecord forged = good;
        forged.signature[3] = static_cast<char>(forged.signature[3] ^ 1);
        auto reply = c.call(putFrame(forged));
        QCOMPARE(reply.error().code(), Error::MALFORMED);
        QVERIFY(
            QString::fromStdString(reply.error().message()).contains(QLatin1String("signature")));

        // Another owner's record, claiming this owner's address.
        SignedRecord misplaced = signRecord(generateRecordOwner(), 9, "mine now");
        misplaced.address = good.address;
        reply = c.call(putFrame(misplaced));
        QCOMPARE(reply.error().code(), Error::MALFORMED);
        QVERIFY(QString::fromStdString(reply.error().message()).contains(QLatin1String("address")));

        reply = c.call(putFrame(signRecord(owner, 6, QByteArray(kMaxRecordPayloadBytes + 1, 'x'))));
        QCOMPARE(reply.error().code(), Error::TOO_LARGE);

        ClientFrame get;
        get.mutable_get_record()->set_address(std::string(31, 'a'));
        QCOMPARE(c.call(get).error().code(), Error::MALFORMED);
        get.mutable_get_record()->set_address(good.address.toStdString());
        QCOMPARE(c.call(get).error().code(), Error::NOT_FOUND);

        // Nothing of that was stored, and the relay still serves the same connection.
        QVERIFY(c.call(putFrame(good)).has_record_stored());
        const ServerFrame data = c.call(get);
        QVERIFY(data.has_record_data());
        QCOMPARE(data.record_data().record().payload(), std::string("manifest"));
        QCOMPARE(data.record_data().record().version(), std::uint64_t{5});
        reply = c.call(putFrame(signRecord(owner, 4, "older")));
        QCOMPARE(reply.error().code(), Error::STALE_VERSION);
        QCOMPARE(reply.error().stored_version(), std::uint64_t{5});
    }

    void aDamagedRecordFromTheRelayIsRefusedByTheClient() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        const Account alice{QStringLiteral("+4915100000031")};
        {
            Client c(relay.endpoint());
            registerAndAuth(c, alice);
        }
        const Ed25519KeyPair owner = generateRecordOwner();
        {
            RecordUser a(relay.endpoint(), alice);
            QCOMPARE(a.put(signRecord(owner, 3, "honest")).value(), quint64{3});
        }
        relay.terminate();
        {
            // A relay that lies: the payload changed behind the signature.
            auto db =
                storage::Database::open(relay.dataDir() + QStringLiteral("/relay.db"), nullptr);
            QVERIFY(db.has_value());
            QVERIFY((*db)->exec("UPDATE records SET payload = x'6576696c'").has_value());
        }
        QVERIFY(relay.start());
        RecordUser a(relay.endpoint(), alice);
        const auto fetched = a.get(addressOf(owner));
        QVERIFY(!fetched);
        QCOMPARE(fetched.error().code, TransportError::Code::Rejected);
        QVERIFY(fetched.error().message.contains(QLatin1String("does not verify")));
    }

    void putsAreRateLimitedPerAccount() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        const Account alice{QStringLiteral("+4915100000041")};
        Client c(relay.endpoint());
        registerAndAuth(c, alice);
        const Ed25519KeyPair owner = generateRecordOwner();
        int stored = 0;
        int limited = 0;
        for (quint64 v = 1; v <= 40; ++v) {
            const ServerFrame reply = c.call(putFrame(signRecord(owner, v, "v")));
            stored += reply.has_record_stored() ? 1 : 0;
            limited += reply.has_error() && reply.error().code() == Error::RATE_LIMITED ? 1 : 0;
        }
        QVERIFY2(stored >= 30 && stored < 40, qPrintable(QString::number(stored)));
        QCOMPARE(stored + limited, 40);
    }

    // The table both daemons keep (daemon/RecordTable.h), in process: a record lives 30 days
    // from its last put, and all of them together stay under the bound.
    void recordsExpireAndTheirTableIsBounded() {
        QTemporaryDir dir;
        storage::DatabaseOptions options;
        options.create = true;
        auto db =
            storage::Database::open(dir.filePath(QStringLiteral("r.db")), nullptr, options).value();
        QVERIFY(db->exec(daemon::RecordTable::kSchema).has_value());
        const std::int64_t bound = 2 * (1000 + daemon::RecordTable::kRowCharge);
        daemon::RecordTable table(*db, bound);
        const std::int64_t now = 1'000'000;
        const std::int64_t kFar = std::int64_t{1} << 60;  // put() caps it at kRecordTtlMs
        const Ed25519KeyPair one = generateRecordOwner();
        const Ed25519KeyPair two = generateRecordOwner();
        const Ed25519KeyPair three = generateRecordOwner();
        QVERIFY(table.put(signRecord(one, 1, QByteArray(1000, 'a')), kFar, now));
        QVERIFY(table.put(signRecord(two, 1, QByteArray(1000, 'b')), kFar, now));
        const auto full = table.put(signRecord(three, 1, QByteArray(10, 'c')), kFar, now);
        QVERIFY(!full);
        QCOMPARE(full.error().reason, daemon::RecordRefusal::Reason::Full);
        // A smaller version fits where the larger was.
        QVERIFY(table.put(signRecord(one, 2, QByteArray(10, 'a')), kFar, now));
        QVERIFY(table.put(signRecord(three, 1, QByteArray(10, 'c')), kFar, now));

        // Lifetime: kRecordTtlMs from the last put, renewed by the same record put again.
        const std::int64_t later = now + daemon::kRecordTtlMs / 2;
        const auto renewed = table.put(signRecord(two, 1, QByteArray(1000, 'b')), kFar, later);
        QVERIFY(renewed && !renewed->changed);
        QCOMPARE(renewed->expiresAt, later + daemon::kRecordTtlMs);
        const std::int64_t end = now + daemon::kRecordTtlMs;
        QVERIFY(!table.get(addressOf(one), end).value().has_value());
        QCOMPARE(table.purge(end), 2);
        QVERIFY(table.get(addressOf(two), end).value().has_value());
        // Once gone, any version may start again.
        QVERIFY(table.put(signRecord(one, 1, "again"), kFar, end));
    }
};

QTEST_GUILESS_MAIN(RelayRecordsTest)
#include "tst_relay_records.moc"
