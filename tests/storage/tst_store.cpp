// The asynchronous Store: work runs on the storage thread, results come back through
// futures, transactions are all-or-nothing, the profile is locked while open, and a change
// of passphrase re-wraps the key without touching the database.
#include <algorithm>
#include <memory>
#include <sodium.h>

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include "storage/Store.h"
#include "tests/support/TestSupport.h"

using namespace tandem;
using namespace tandem::storage;
using tandem::test::await;
using tandem::test::passphrase;

namespace {

constexpr auto kFast = KdfStrength::Interactive;

Message note(std::int64_t conversationId, const QString& text) {
    Message m;
    m.conversationId = conversationId;
    m.uid = MessageUid::random();
    m.body = text;
    m.status = MessageStatus::Sent;
    m.sentAt = 1;
    return m;
}

}  // namespace

class StoreTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(sodium_init() >= 0); }

    void createWriteReopenRead() {
        QTemporaryDir dir;
        {
            Store store;
            QVERIFY(!store.isOpen());
            const auto created = await(store.create(dir.path(), passphrase("pw"), kFast));
            QVERIFY2(created.has_value(), qPrintable(created ? "" : created.error().message));
            QVERIFY(store.isOpen());
            const auto written =
                await(store.write([](Repositories& r) -> StoreResult<std::int64_t> {
                    TANDEM_TRY_ASSIGN(const Conversation c, r.conversations.noteToSelf(1));
                    TANDEM_TRY_ASSIGN(const InsertResult i,
                                      r.messages.insert(note(c.id, "persisted")));
                    return i.id;
                }));
            QVERIFY(written.has_value());
        }
        Store store;
        QVERIFY(await(store.open(dir.path(), passphrase("pw"))).has_value());
        const auto body = await(store.read([](Repositories& r) -> StoreResult<QString> {
            TANDEM_TRY_ASSIGN(const auto c, r.conversations.findNoteToSelf());
            if (!c) {
                return storeError(StoreErrorCode::NotFound, QStringLiteral("no Note to Self"));
            }
            TANDEM_TRY_ASSIGN(const auto page, r.messages.newest(c->id, 10));
            return page.at(0).body;
        }));
        QCOMPARE(body.value(), QStringLiteral("persisted"));
    }

    void workRunsOnTheStorageThreadAndResultsComeBackHere() {
        QTemporaryDir dir;
        Store store;
        QVERIFY(await(store.create(dir.path(), passphrase("pw"), kFast)).has_value());
        const QThread* ran = nullptr;
        auto future = store.read([&ran](Repositories&) -> StoreResult<int> {
            ran = QThread::currentThread();
            return 7;
        });
        const QThread* continued = nullptr;
        auto next = future.then(this, [&continued](StoreResult<int> r) {
            continued = QThread::currentThread();
            return r.value() * 6;
        });
        QCOMPARE(await(next), 42);
        QCOMPARE(ran, store.thread());
        QCOMPARE(continued, QThread::currentThread());
    }

    void orderedContinuationsRunInTheOrderTheirWorkRan() {
        QTemporaryDir dir;
        Store store;
        QVERIFY(await(store.create(dir.path(), passphrase("pw"), kFast)).has_value());
        // Between some submissions the storage thread gets time to finish the earlier work,
        // so continuations are submitted both before and after their work is done: the
        // order must hold either way (QFuture::then would run the latter at once).
        std::vector<int> order;
        QFuture<int> last;
        for (int i = 0; i < 500; ++i) {
            last = store.write([i](Repositories&) -> StoreResult<int> { return i; }, this,
                               [&order](StoreResult<int> r) {
                                   order.push_back(r.value());
                                   return r.value();
                               });
            if (i % 7 == 0) {
                QThread::usleep(300);
            }
        }
        QCOMPARE(await(last), 499);
        QCOMPARE(order.size(), std::size_t{500});
        QVERIFY(std::is_sorted(order.begin(), order.end()));
        QCOMPARE(order.back(), 499);
    }

    void anOrderedContinuationWhoseContextIsGoneIsDropped() {
        QTemporaryDir dir;
        Store store;
        QVERIFY(await(store.create(dir.path(), passphrase("pw"), kFast)).has_value());
        bool ran = false;
        auto context = std::make_unique<QObject>();
        QFuture<int> future = store.read(
            [](Repositories&) -> StoreResult<int> {
                QThread::msleep(50);
                return 1;
            },
            context.get(),
            [&ran](StoreResult<int> r) {
                ran = true;
                return r.value();
            });
        context.reset();
        QVERIFY(QTest::qWaitFor([&] { return future.isFinished(); }, 5000));
        QVERIFY(future.isCanceled());
        QVERIFY(!ran);
    }

    void aFailedWriteRollsBackEverything() {
        QTemporaryDir dir;
        Store store;
        QVERIFY(await(store.create(dir.path(), passphrase("pw"), kFast)).has_value());
        const auto failed = await(store.write([](Repositories& r) -> StoreResult<void> {
            TANDEM_TRY_ASSIGN(const Conversation c, r.conversations.noteToSelf(1));
            TANDEM_TRY(r.messages.insert(note(c.id, "should vanish")));
            return storeError(StoreErrorCode::InvalidArgument, QStringLiteral("changed my mind"));
        }));
        QVERIFY(!failed.has_value());
        QCOMPARE(failed.error().message, QStringLiteral("changed my mind"));
        const auto exists = await(store.read([](Repositories& r) -> StoreResult<bool> {
            TANDEM_TRY_ASSIGN(const auto c, r.conversations.findNoteToSelf());
            return c.has_value();
        }));
        QCOMPARE(exists.value(), false);  // not even the conversation was kept
    }

    // A write that asks for its writes to be discarded still delivers its value; nothing it
    // wrote is kept, and the store takes the next write as usual.
    void aDiscardedWriteDeliversItsValueAndKeepsNothing() {
        QTemporaryDir dir;
        Store store;
        QVERIFY(await(store.create(dir.path(), passphrase("pw"), kFast)).has_value());
        const auto discarded = await(store.write([](Repositories& r) -> StoreResult<int> {
            TANDEM_TRY_ASSIGN(const Conversation c, r.conversations.noteToSelf(1));
            TANDEM_TRY(r.messages.insert(note(c.id, "should vanish")));
            r.discardWrites();
            return 42;
        }));
        QCOMPARE(discarded.value(), 42);
        const auto exists = await(store.read([](Repositories& r) -> StoreResult<bool> {
            TANDEM_TRY_ASSIGN(const auto c, r.conversations.findNoteToSelf());
            return c.has_value();
        }));
        QCOMPARE(exists.value(), false);
        const auto kept = await(store.write([](Repositories& r) -> StoreResult<std::int64_t> {
            TANDEM_TRY_ASSIGN(const Conversation c, r.conversations.noteToSelf(1));
            TANDEM_TRY(r.messages.insert(note(c.id, "kept")));
            return r.db.queryInt("SELECT count(*) FROM messages");
        }));
        QCOMPARE(kept.value(), std::int64_t{1});
    }

    void theGuiThreadKeepsRunningDuringLongWork() {
        QTemporaryDir dir;
        Store store;
        // Creation runs Argon2id and builds the database: all off this thread.
        int ticks = 0;
        QTimer timer;
        timer.setInterval(5);
        connect(&timer, &QTimer::timeout, this, [&ticks] { ++ticks; });
        timer.start();
        auto created = store.create(dir.path(), passphrase("pw"), KdfStrength::Moderate);
        auto bulk = store.write([](Repositories& r) -> StoreResult<void> {
            TANDEM_TRY_ASSIGN(const Conversation c, r.conversations.noteToSelf(1));
            for (int i = 0; i < 20000; ++i) {
                TANDEM_TRY(r.messages.insert(note(c.id, QStringLiteral("bulk %1").arg(i))));
            }
            return {};
        });
        QElapsedTimer elapsed;
        elapsed.start();
        QVERIFY(await(created, 60000).has_value());
        QVERIFY(await(bulk, 60000).has_value());
        const qint64 ms = elapsed.elapsed();
        // The event loop here ran throughout: at least a third of the 5 ms ticks arrived.
        QVERIFY2(ticks >= ms / 15,
                 qPrintable(QStringLiteral("%1 ticks in %2 ms").arg(ticks).arg(ms)));
    }

    void aSecondStoreCannotOpenAnOpenProfile() {
        QTemporaryDir dir;
        Store first;
        QVERIFY(await(first.create(dir.path(), passphrase("pw"), kFast)).has_value());
        Store second;
        const auto opened = await(second.open(dir.path(), passphrase("pw")));
        QVERIFY(!opened.has_value());
        QCOMPARE(opened.error().code, StoreErrorCode::ProfileLocked);
        await(first.close());
        QVERIFY(await(second.open(dir.path(), passphrase("pw"))).has_value());
    }

    void aClosedStoreSaysSo() {
        Store store;
        const auto result = await(store.read([](Repositories&) -> StoreResult<int> { return 1; }));
        QVERIFY(!result.has_value());
        QCOMPARE(result.error().code, StoreErrorCode::Closed);
    }

    void changingThePassphraseRewrapsOnlyTheKey() {
        QTemporaryDir dir;
        const ProfileFiles files(dir.path());
        {
            Store store;
            QVERIFY(await(store.create(dir.path(), passphrase("old"), kFast)).has_value());
            QVERIFY(await(store.write([](Repositories& r) -> StoreResult<void> {
                        TANDEM_TRY_ASSIGN(const Conversation c, r.conversations.noteToSelf(1));
                        return r.messages.insert(note(c.id, "kept")).has_value()
                                   ? StoreResult<void>()
                                   : storeError(StoreErrorCode::Internal, "insert");
                    })).has_value());
        }
        const QByteArray databaseBefore = test::readFile(files.database);
        const QByteArray keyBefore = test::readFile(files.keyFile);
        {
            Store store;
            QVERIFY(await(store.open(dir.path(), passphrase("old"))).has_value());
            const auto wrong = await(
                store.changeCredentials(passphrase("not the old one"), passphrase("new"), kFast));
            QCOMPARE(wrong.error().code, StoreErrorCode::WrongPassphrase);
            QCOMPARE(test::readFile(files.keyFile), keyBefore);
            QVERIFY(await(store.changeCredentials(passphrase("old"), passphrase("new"), kFast))
                        .has_value());
        }
        QVERIFY(test::readFile(files.keyFile) != keyBefore);
        // Opening checkpoints nothing new: the database file is exactly as it was.
        QCOMPARE(test::readFile(files.database), databaseBefore);
        Store store;
        QCOMPARE(await(store.open(dir.path(), passphrase("old"))).error().code,
                 StoreErrorCode::WrongPassphrase);
        QVERIFY(await(store.open(dir.path(), passphrase("new"))).has_value());
    }
};

QTEST_GUILESS_MAIN(StoreTest)
#include "tst_store.moc"
