// tandem-relayd under abuse (issue 13), as a real process: code-request storms and the
// limiter, blob expiry and quota, a registration again signing the old holder out, one answer
// for unknown and wrong-key recipients, backlogs of the largest envelopes, mailbox quotas.
#include <sodium.h>

#include <QDateTime>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "storage/Database.h"
#include "tests/relay/RelayTestClient.h"
#include "tests/support/Daemons.h"
#include "tests/support/TestSupport.h"
#include "transport/SecureChannel.h"
#include "transport/relay/server/BlobStore.h"
#include "transport/relay/server/CodeRequestLimiter.h"
#include "transport/relay/server/RegistrationLocks.h"
#include "transport/relay/server/RelayServer.h"

using namespace tandem;
using namespace tandem::test;
using namespace tandem::transport;
using proto::relay::Error;

class RelayAbuseTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(sodium_init() >= 0); }

    // Code requests are limited per client address, not only per number: a storm from one
    // address over many numbers runs the operator's `command:` sender only as often as the
    // limit allows, and the relay keeps answering.
    void aCodeRequestStormRunsTheSenderOnlyAsTheLimitsAllow() {
        QTemporaryDir scratch;
        const QString log = scratch.filePath(QStringLiteral("sent.txt"));
        test::RelayProcess relay(
            QStringLiteral("command:sh -c \"echo $TANDEM_PHONE >> %1\"").arg(log));
        QVERIFY(relay.start());
        Client c(relay.endpoint());
        const int perAddress = relay::CodeRequestLimiter::Limits{}.perAddress;
        int allowed = 0;
        int limited = 0;
        for (int i = 0; i < perAddress + 10; ++i) {
            ClientFrame request;
            request.mutable_request_code()->set_phone(
                QStringLiteral("+49151%1").arg(i, 8, 10, QLatin1Char('0')).toStdString());
            const ServerFrame answer = c.call(request);
            if (answer.has_code_status()) {
                ++allowed;
            } else if (answer.error().code() == Error::RATE_LIMITED) {
                ++limited;
            } else {
                QCOMPARE(answer.error().code(), Error::UNAVAILABLE);  // senders still running
                QTest::qWait(100);
                --i;
            }
        }
        QCOMPARE(allowed, perAddress);
        QCOMPARE(limited, 10);
        const auto lines = [&] {
            QFile file(log);
            return file.open(QIODevice::ReadOnly) ? file.readAll().count('\n') : qsizetype{0};
        };
        QTRY_COMPARE_WITH_TIMEOUT(lines(), qsizetype{perAddress}, 20000);
        QTest::qWait(300);
        QCOMPARE(lines(), qsizetype{perAddress});
        // Still serving: a registration without a code is refused as such, not dropped.
        Account alice{QStringLiteral("+4915100000001")};
        QCOMPARE(c.call(registerFrame(alice, QStringLiteral("123456"))).error().code(),
                 Error::WRONG_CODE);
    }

    // Blobs do not pile up: one lives 30 days from its upload, and all of them together fit a
    // quota; past it an upload is refused with a reason, and a purge makes room again.
    void blobsExpireAndTheirStoreIsBounded() {
        QTemporaryDir dir;
        const std::int64_t now = QDateTime::currentMSecsSinceEpoch();
        relay::BlobStore store(dir.path(), 3000);
        const auto a = store.put(QByteArray(1000, 'a'));
        const auto b = store.put(QByteArray(1500, 'b'));
        QVERIFY(a && b);
        const auto full = store.put(QByteArray(600, 'c'));
        QVERIFY(!full);
        QVERIFY2(full.error().contains(QStringLiteral("full")), qPrintable(full.error()));
        QCOMPARE(store.purge(now), 0);  // fresh: kept
        QCOMPARE(store.read(*a, 0, 4)->data, QByteArray("aaaa"));
        QCOMPARE(store.purge(now + relay::BlobStore::kLifetimeMs + 60000), 2);
        QCOMPARE(store.totalBytes(), qint64{0});
        QVERIFY(!store.read(*a, 0, 4));
        QVERIFY(store.put(QByteArray(600, 'c')));
        relay::BlobStore reopened(dir.path(), 3000);  // a restart counts what is there
        QCOMPARE(reopened.totalBytes(), qint64{600});
        QVERIFY(!reopened.read(QStringLiteral("../../etc/passwd"), 0, 4));
    }

    // The limiter's other limits, on its own clock: in all across addresses, per number, and
    // what it remembers is bounded.
    void codeRequestLimitsInAllAndBounded() {
        using relay::CodeRequestLimiter;
        CodeRequestLimiter::Limits limits;
        limits.maxTracked = 50;
        CodeRequestLimiter limiter(limits);
        std::int64_t t = 1000000;
        int allowed = 0;
        for (int i = 0; i < limits.global + 5; ++i) {  // one number per address
            const auto verdict = limiter.request(QStringLiteral("+49%1").arg(i),
                                                 QStringLiteral("10.0.0.%1").arg(i % 40), t);
            allowed += verdict == CodeRequestLimiter::Verdict::Allowed ? 1 : 0;
        }
        QCOMPARE(allowed, static_cast<int>(limits.maxTracked));  // then full of live entries
        QVERIFY(limiter.trackedNumbers() <= limits.maxTracked);

        CodeRequestLimiter global(CodeRequestLimiter::Limits{});
        allowed = 0;
        for (int i = 0; i < 200; ++i) {
            allowed +=
                global.request(QStringLiteral("+49%1").arg(i), QStringLiteral("10.0.%1.1").arg(i),
                               t) == CodeRequestLimiter::Verdict::Allowed
                    ? 1
                    : 0;
        }
        QCOMPARE(allowed, CodeRequestLimiter::Limits{}.global);
        QCOMPARE(global.request(QStringLiteral("+49x"), QStringLiteral("10.9.9.9"), t + 61000),
                 CodeRequestLimiter::Verdict::Allowed);  // the minute has passed
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(global.request(QStringLiteral("+4912345678"), QStringLiteral("10.8.8.8"),
                                    t + 62000 + i),
                     CodeRequestLimiter::Verdict::Allowed);
        }
        QCOMPARE(
            global.request(QStringLiteral("+4912345678"), QStringLiteral("10.7.7.7"), t + 63000),
            CodeRequestLimiter::Verdict::NumberLimited);
        // Entries that left their window are forgotten when room is needed.
        CodeRequestLimiter small(limits);
        for (int i = 0; i < 50; ++i) {
            (void)small.request(QStringLiteral("+48%1").arg(i), QStringLiteral("a%1").arg(i), t);
        }
        QCOMPARE(small.request(QStringLiteral("+47"), QStringLiteral("b"), t + limits.windowMs + 1),
                 CodeRequestLimiter::Verdict::Allowed);
        QCOMPARE(small.trackedNumbers(), std::size_t{1});
    }

    // Registering a number again signs out whoever held it: their connection is closed with a
    // reason, their password no longer works, and nothing sent afterwards reaches them.
    void aRegistrationAgainEndsTheOldHoldersConnections() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        Account before{QStringLiteral("+4915100000002")};
        Client old(relay.endpoint());
        registerAndAuth(old, before);
        QString closedWith;
        QObject::connect(old.connection.get(), &RelayConnection::closed,
                         [&](const QString& why) { closedWith = why; });
        Account after{before.phone};
        after.password = std::string(32, 'n');
        after.accessKey = std::string(16, 'n');
        Client fresh(relay.endpoint());
        registerAndAuth(fresh, after);
        QTRY_VERIFY_WITH_TIMEOUT(!closedWith.isEmpty(), 10000);
        QVERIFY2(closedWith.contains(QStringLiteral("registered again")), qPrintable(closedWith));
        Client again(relay.endpoint());
        QCOMPARE(again.call(authFrame(before)).error().code(), Error::UNAUTHORIZED);
        Client sender(relay.endpoint());
        QVERIFY(sender.call(sendFrame(after, "for the new holder")).has_accepted());
        QTRY_COMPARE_WITH_TIMEOUT(fresh.delivered.size(), std::size_t{1}, 10000);
        QVERIFY(old.delivered.empty());
    }

    // A sealed sender learns nothing about who is registered: "no such recipient" and "wrong
    // access key" are one answer, byte for byte; and whether an account registered again is
    // told only to a sender who knows its access key.
    void aSenderCannotTellWhoIsRegistered() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        Account bob{QStringLiteral("+4915100000002")};
        Client b(relay.endpoint());
        registerAndAuth(b, bob);
        Client sender(relay.endpoint());
        Account wrongKey{bob.phone};
        wrongKey.accessKey = std::string(16, 'x');
        Account nobody{QStringLiteral("+4915100000009")};
        const ServerFrame toBob = sender.call(sendFrame(wrongKey, "x"));
        const ServerFrame toNobody = sender.call(sendFrame(nobody, "x"));
        QCOMPARE(toBob.error().code(), Error::UNAUTHORIZED);
        ServerFrame a = toBob;
        ServerFrame n = toNobody;
        a.clear_request_id();
        n.clear_request_id();
        QCOMPARE(QByteArray::fromStdString(a.SerializeAsString()),
                 QByteArray::fromStdString(n.SerializeAsString()));
        ClientFrame stale = sendFrame(wrongKey, "x");
        stale.mutable_send()->set_recipient_identity(std::string(32, 's'));
        QCOMPARE(sender.call(stale).error().code(), Error::UNAUTHORIZED);
        ClientFrame staleRightKey = sendFrame(bob, "x");
        staleRightKey.mutable_send()->set_recipient_identity(std::string(32, 's'));
        QCOMPARE(sender.call(staleRightKey).error().code(), Error::STALE_IDENTITY);
    }

    // A backlog of maximum-size envelopes from honest senders, queued while the recipient was
    // away, drains: delivery frames are bounded in bytes, below what a client accepts (256 of
    // them in one frame were 75 MiB, which the client refused, and the mailbox was jammed).
    void aBacklogOfLargestEnvelopesDrains() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        Account bob{QStringLiteral("+4915100000002")};
        {
            Client setup(relay.endpoint());
            QVERIFY(setup.call(registerFrame(bob)).has_registered());
        }
        constexpr int kCount = 40;
        const int largest = static_cast<int>(relay::RelayLimits{}.maxEnvelopeBytes);
        Client sender(relay.endpoint());
        for (int i = 0; i < kCount; ++i) {
            std::string envelope(static_cast<std::size_t>(largest),
                                 static_cast<char>('a' + i % 26));
            envelope.replace(0, 8,
                             QStringLiteral("%1").arg(i, 8, 10, QLatin1Char('0')).toStdString());
            QVERIFY(sender.call(sendFrame(bob, envelope)).has_accepted());
        }
        Client b(relay.endpoint());
        QVERIFY(b.call(authFrame(bob)).has_ok());
        QTRY_COMPARE_WITH_TIMEOUT(b.delivered.size(), std::size_t{kCount}, 30000);
        for (int i = 0; i < kCount; ++i) {
            QCOMPARE(b.delivered[static_cast<std::size_t>(i)].envelope().substr(0, 8),
                     QStringLiteral("%1").arg(i, 8, 10, QLatin1Char('0')).toStdString());
            QCOMPARE(b.delivered[static_cast<std::size_t>(i)].envelope().size(),
                     static_cast<std::size_t>(largest));
        }
        QVERIFY(b.connection->isReady());

        // A frame over what the relay accepts is refused by the client's channel, with a
        // reason, and the connection stays (the relay would have closed it).
        ClientFrame huge;
        huge.mutable_put_blob()->set_data(std::string(SecureChannel::kMaxFrameBytes + 1, 'x'));
        const auto refused = test::await(b.connection->request(huge));
        QVERIFY(!refused.has_value());
        QCOMPARE(refused.error().code, TransportError::Code::TooLarge);
        QVERIFY(b.connection->isReady());
        ClientFrame certificate;
        certificate.mutable_get_certificate();
        QVERIFY(b.call(certificate).has_certificate());
    }

    // A mailbox has a quota in bytes: past it a send is refused as MAILBOX_FULL, with a
    // reason; what the recipient acknowledges makes room again.
    void aFullMailboxRefusesClearlyAndEmptiesOnAck() {
        test::RelayProcess relay;
        relay.setExtraArguments({QStringLiteral("--mailbox-quota"), QStringLiteral("1")});
        QVERIFY(relay.start());
        Account bob{QStringLiteral("+4915100000002")};
        {
            Client setup(relay.endpoint());
            QVERIFY(setup.call(registerFrame(bob)).has_registered());
        }
        Client sender(relay.endpoint());
        const std::string envelope(300 * 1024, 'e');
        for (int i = 0; i < 3; ++i) {
            QVERIFY(sender.call(sendFrame(bob, envelope)).has_accepted());
        }
        const ServerFrame full = sender.call(sendFrame(bob, envelope));
        QCOMPARE(full.error().code(), Error::MAILBOX_FULL);
        QVERIFY(QString::fromStdString(full.error().message()).contains(QStringLiteral("full")));
        Client b(relay.endpoint());
        QVERIFY(b.call(authFrame(bob)).has_ok());
        QTRY_COMPARE_WITH_TIMEOUT(b.delivered.size(), std::size_t{3}, 10000);
        ClientFrame ack;
        for (const auto& e : b.delivered) {
            ack.mutable_ack()->add_ids(e.id());
        }
        b.connection->post(ack);
        QTRY_VERIFY_WITH_TIMEOUT(sender.call(sendFrame(bob, envelope)).has_accepted(), 10000);
    }

    // A registration lock keeps a number with its holder: registering it again needs the lock's
    // token, wrong tokens are counted per number (the sixth attempt in a day is refused, the
    // right token too), and the lock lapses only when its holder has been away for 7 days —
    // neither connected nor authenticated since. A registration without a token after that
    // lifts the lock.
    void aRegistrationLockHoldsUntilItsHolderIsGone() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        Account holder{QStringLiteral("+4915100000007")};
        holder.registrationLock = std::string(32, 'L');
        {
            Client first(relay.endpoint());
            registerAndAuth(first, holder);
        }
        const auto attempt = [&](const std::string& token, const std::string& password) {
            Account taker{holder.phone};
            taker.password = password;
            taker.registrationLock = token;
            Client c(relay.endpoint());
            return c.call(registerFrame(taker));
        };
        const ServerFrame none = attempt({}, std::string(32, 'm'));
        QCOMPARE(none.error().code(), Error::REGISTRATION_LOCKED);
        QVERIFY2(QString::fromStdString(none.error().message()).contains(QStringLiteral("PIN")),
                 none.error().message().c_str());
        QVERIFY2(QString::fromStdString(none.error().message()).contains(QStringLiteral("7 days")),
                 none.error().message().c_str());
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(attempt(std::string(32, 'W'), std::string(32, 'm')).error().code(),
                     Error::REGISTRATION_LOCKED);
        }
        // The holder's account is untouched: its password still works.
        {
            Client c(relay.endpoint());
            QVERIFY(c.call(authFrame(holder)).has_ok());
        }
        // The right token registers (the holder on a new device), and the count starts again.
        Account moved{holder.phone};
        moved.password = std::string(32, 'n');
        moved.registrationLock = holder.registrationLock;
        {
            Client c(relay.endpoint());
            QVERIFY(c.call(registerFrame(moved)).has_registered());
        }
        for (int i = 0; i < relay::RegistrationLocks::kMaxFailures; ++i) {
            QCOMPARE(attempt(std::string(32, 'W'), std::string(32, 'm')).error().code(),
                     Error::REGISTRATION_LOCKED);
        }
        const ServerFrame limited = attempt(holder.registrationLock, std::string(32, 'm'));
        QCOMPARE(limited.error().code(), Error::RATE_LIMITED);
        QVERIFY2(QString::fromStdString(limited.error().message()).contains(QStringLiteral("PIN")),
                 limited.error().message().c_str());
        // A malformed token is refused as such.
        QCOMPARE(attempt(std::string(5, 'x'), std::string(32, 'm')).error().code(),
                 Error::MALFORMED);

        // Seven days pass (the relay's database says so), failures forgotten.
        const auto age = [&] {
            relay.terminate();
            storage::DatabaseOptions options;
            auto db = storage::Database::open(relay.dataDir() + QStringLiteral("/relay.db"),
                                              nullptr, options);
            QVERIFY(db.has_value());
            auto update = (*db)->prepare(
                "UPDATE registration_locks SET last_active = ?, failures = 0, failures_since = 0");
            QVERIFY(update.has_value());
            QVERIFY((*update)
                        ->bindAll(std::int64_t{QDateTime::currentMSecsSinceEpoch() -
                                               relay::RegistrationLocks::kLapseMs - 60000})
                        .run()
                        .has_value());
            QCOMPARE((*db)->changes(), 1);
            db->reset();
            QVERIFY(relay.start());
        };
        age();
        // A holder who is connected keeps the lock, however long ago they authenticated.
        {
            Client c(relay.endpoint());
            QVERIFY(c.call(authFrame(moved)).has_ok());
            QCOMPARE(attempt({}, std::string(32, 'm')).error().code(), Error::REGISTRATION_LOCKED);
        }
        age();
        // Gone for seven days: the number's next owner registers it, and the lock is lifted.
        Account next{holder.phone};
        next.password = std::string(32, 'x');
        {
            Client c(relay.endpoint());
            QVERIFY(c.call(registerFrame(next)).has_registered());
        }
        QVERIFY(attempt({}, std::string(32, 'y')).has_registered());
    }

    // Locking and unlocking need the account: SetRegistrationLock is refused before
    // authentication, a token of the wrong size is refused, and an unlocked number registers
    // again without one.
    void aRegistrationLockIsSetAndRemovedByItsHolder() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        Account holder{QStringLiteral("+4915100000008")};
        Client c(relay.endpoint());
        ClientFrame lock;
        lock.mutable_set_registration_lock()->set_token(std::string(32, 'L'));
        QCOMPARE(c.call(lock).error().code(), Error::UNAUTHORIZED);
        registerAndAuth(c, holder);
        ClientFrame bad;
        bad.mutable_set_registration_lock()->set_token(std::string(31, 'L'));
        QCOMPARE(c.call(bad).error().code(), Error::MALFORMED);
        QVERIFY(c.call(lock).has_ok());
        Account taker{holder.phone};
        taker.password = std::string(32, 't');
        {
            Client other(relay.endpoint());
            QCOMPARE(other.call(registerFrame(taker)).error().code(), Error::REGISTRATION_LOCKED);
        }
        ClientFrame unlock;
        unlock.mutable_set_registration_lock();
        QVERIFY(c.call(unlock).has_ok());
        Client other(relay.endpoint());
        QVERIFY(other.call(registerFrame(taker)).has_registered());
    }
};

QTEST_GUILESS_MAIN(RelayAbuseTest)
#include "tst_relay_abuse.moc"
