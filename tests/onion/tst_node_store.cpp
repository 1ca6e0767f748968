// A service node's swarm storage on a real SQLite file, and the owner's signature that
// retrieve and delete require: dedupe by hash, TTL honoured and capped, retrieval in order
// after the last hash seen, deletion only of the owner's own messages (and a deleted one not
// stored again while it would have lived), limits refused with a
// reason, everything still there after reopening; signatures by another key, for another ID,
// for another method or request, or from a clock too far off are refused. Blobs: the id must
// be the hash of the bytes, the size and the node's total are limited, the TTL is capped and
// renewed by another upload, and an expired blob is gone.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <sodium.h>
#include <thread>

#include <QTemporaryDir>
#include <QTest>

#include "crypto/session/SessionKeys.h"
#include "transport/onion/Blob.h"
#include "transport/onion/OwnerAuth.h"
#include "transport/onion/node/NodeStore.h"
#include "transport/onion/node/WalSyncer.h"

using namespace tandem;
using namespace tandem::transport::onion;
using crypto::session::SessionIdentity;

namespace {

constexpr std::int64_t kNow = 1'800'000'000'000;
const QString kAlice = QStringLiteral("05") + QString(64, u'a');
const QString kBob = QStringLiteral("05") + QString(64, u'b');

QByteArray bytes(const char* text) {
    return QByteArray(text);
}

}  // namespace

class NodeStoreTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(sodium_init() >= 0); }

    void storesOnceAndHandsBackInOrder() {
        QTemporaryDir dir;
        auto store = NodeStore::open(dir.path());
        QVERIFY2(store.has_value(), qPrintable(store ? QString() : store.error()));
        for (int i = 0; i < 5; ++i) {
            const auto r =
                (*store)->store(kAlice, QByteArray("m") + QByteArray::number(i), 0, kNow + i);
            QVERIFY(r.has_value());
            QCOMPARE(r->first, StoreOutcome::Stored);
            QCOMPARE(r->second.expiresAt, kNow + i + NodeStoreLimits::kMaxTtlMs);
        }
        QVERIFY((*store)->store(kBob, bytes("for bob"), 0, kNow).has_value());
        // The same message again (a retry, or a swarm member's replica): kept once, first time.
        const auto again = (*store)->store(kAlice, bytes("m2"), 0, kNow + 100);
        QCOMPARE(again->first, StoreOutcome::Duplicate);
        QCOMPARE(again->second.storedAt, kNow + 2);
        QCOMPARE(again->second.hash, NodeStore::hashOf(kAlice, bytes("m2")));
        // The same bytes for someone else are another message.
        QCOMPARE((*store)->store(kBob, bytes("m2"), 0, kNow)->first, StoreOutcome::Stored);

        const auto all = (*store)->retrieve(kAlice, {}, 100, kNow + 10);
        QCOMPARE(all->size(), std::size_t{5});
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(all->at(static_cast<std::size_t>(i)).data,
                     QByteArray("m") + QByteArray::number(i));
        }
        const auto after = (*store)->retrieve(kAlice, all->at(2).hash, 100, kNow + 10);
        QCOMPARE(after->size(), std::size_t{2});
        QCOMPARE(after->at(0).data, bytes("m3"));
        QCOMPARE((*store)->retrieve(kAlice, all->at(4).hash, 100, kNow + 10)->size(),
                 std::size_t{0});
        // A hash of someone else's message is no bookmark into Alice's.
        const auto bobs = (*store)->retrieve(kBob, {}, 100, kNow);
        QCOMPARE((*store)->retrieve(kAlice, bobs->at(0).hash, 100, kNow)->size(), std::size_t{5});
        QCOMPARE((*store)->retrieve(kAlice, {}, 2, kNow)->size(), std::size_t{2});
    }

    // A commit is answered "durable" off the caller's thread, in order, and commits queued
    // together share one fsync (group commit); the syncer's checkpoints keep what was
    // stored readable after a reopen.
    void commitsBecomeDurableInOrderSharingFsyncs() {
        QTemporaryDir dir;
        std::vector<int> order;
        bool allDurable = true;
        {
            auto store = NodeStore::open(dir.path()).value();
            constexpr int kBurst = 50;
            for (int i = 0; i < kBurst; ++i) {
                QVERIFY(store->store(kAlice, QByteArray("burst ") + QByteArray::number(i), 0,
                                     kNow));
            }
            for (int i = 0; i < kBurst; ++i) {
                store->whenDurable([&order, &allDurable, i](bool durable) {
                    order.push_back(i);
                    allDurable = allDurable && durable;
                });
            }
            QVERIFY(order.empty());  // handed back through the event loop, never inline
            QTRY_COMPARE_WITH_TIMEOUT(order.size(), std::size_t{kBurst}, 10000);
            QVERIFY(allDurable);
            QVERIFY(std::is_sorted(order.begin(), order.end()));
            const auto [syncs, commits] = store->syncCounts();
            QCOMPARE(commits, std::int64_t{kBurst});
            // Queued in one go while the thread wakes: a few fsyncs, not one each.
            QVERIFY2(syncs <= kBurst / 2, qPrintable(QStringLiteral("%1 fsyncs").arg(syncs)));
            // Past the syncer's checkpoint interval, waited for in batches of 50.
            const int more = WalSyncer::kCheckpointEvery + 10;
            int done = 0;
            for (int i = 0; i < more; ++i) {
                QVERIFY(store->store(kBob, QByteArray("one ") + QByteArray::number(i), 0, kNow));
                store->whenDurable([&done](bool durable) { done += durable ? 1 : 0; });
                if (i % 50 == 49) {
                    QTRY_COMPARE_WITH_TIMEOUT(done, i + 1, 10000);
                }
            }
            QTRY_COMPARE_WITH_TIMEOUT(done, more, 10000);
            // …and the syncer's thread checkpointed once past kCheckpointEvery commits.
            QTRY_VERIFY_WITH_TIMEOUT(store->checkpointCount() >= 1, 10000);
        }
        auto reopened = NodeStore::open(dir.path()).value();
        QCOMPARE(reopened->count(kAlice, kNow).value(), std::int64_t{50});
        QCOMPARE(reopened->count(kBob, kNow).value(),
                 std::int64_t{WalSyncer::kCheckpointEvery + 10});
    }

    // "Durable" is said only once the sync returned: an answer waits for it.
    void anAnswerWaitsForTheSync() {
        QTemporaryDir dir;
        std::atomic<bool> hold{true};
        std::atomic<int> calls{0};
        auto store = NodeStore::open(dir.path(), {}, [&hold, &calls] {
                         ++calls;
                         for (int i = 0; i < 1000 && hold.load(); ++i) {
                             std::this_thread::sleep_for(std::chrono::milliseconds(10));
                         }
                         return true;
                     }).value();
        QVERIFY(store->store(kAlice, bytes("held"), 0, kNow));
        int answered = 0;
        store->whenDurable([&answered](bool durable) { answered += durable ? 1 : 100; });
        QTRY_COMPARE_WITH_TIMEOUT(calls.load(), 1, 5000);  // the sync runs, and is held
        QTest::qWait(200);
        QCOMPARE(answered, 0);
        // While it is held, answers queue up to the bound; one more is "not confirmed" at once.
        int queued = 0;
        for (std::size_t i = 0; i < WalSyncer::kMaxWaiting; ++i) {
            store->whenDurable([&queued](bool durable) { queued += durable ? 1 : 0; });
        }
        bool refused = false;
        store->whenDurable([&refused](bool durable) { refused = !durable; });
        QTRY_VERIFY_WITH_TIMEOUT(refused, 5000);
        QCOMPARE(answered, 0);
        QCOMPARE(queued, 0);
        hold = false;
        QTRY_COMPARE_WITH_TIMEOUT(answered, 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(queued, static_cast<int>(WalSyncer::kMaxWaiting), 10000);
        QVERIFY(!store->diskFailed());  // a full queue is not a failed disk
    }

    // A failed sync is final (WalSyncer.h): every later answer is "not durable" without
    // syncing again, and the store takes no more writes.
    void aFailedSyncIsFinal() {
        QTemporaryDir dir;
        std::atomic<int> calls{0};
        auto store = NodeStore::open(dir.path(), {}, [&calls] {
                         return ++calls > 1;  // the first fails, later ones would "succeed"
                     }).value();
        const QByteArray first = store->store(kAlice, bytes("lost"), 0, kNow)->second.hash;
        std::vector<bool> answers;
        store->whenDurable([&answers](bool durable) { answers.push_back(durable); });
        QTRY_COMPARE_WITH_TIMEOUT(answers.size(), std::size_t{1}, 10000);
        QVERIFY(store->diskFailed());
        store->whenDurable([&answers](bool durable) { answers.push_back(durable); });
        QTRY_COMPARE_WITH_TIMEOUT(answers.size(), std::size_t{2}, 10000);
        QCOMPARE(answers, (std::vector<bool>{false, false}));
        QCOMPARE(calls.load(), 1);
        const auto refused = store->store(kAlice, bytes("next"), 0, kNow);
        QVERIFY(!refused);
        QVERIFY(refused.error().reason.contains(QStringLiteral("disk")));
        QVERIFY(!store->remove(kAlice, {first}));
        const QByteArray blob("blob bytes");
        QVERIFY(!store->storeBlob(blobIdOf(blob), blob, kNow + 60'000, kNow));
    }

    void theTtlIsHonouredAndCapped() {
        QTemporaryDir dir;
        auto store = NodeStore::open(dir.path()).value();
        QVERIFY(store->store(kAlice, bytes("short"), 60'000, kNow).has_value());
        const auto capped = store->store(kAlice, bytes("long"), 365LL * 24 * 3600 * 1000, kNow);
        QCOMPARE(capped->second.expiresAt, kNow + NodeStoreLimits::kMaxTtlMs);
        QCOMPARE(store->retrieve(kAlice, {}, 10, kNow + 59'999)->size(), std::size_t{2});
        QCOMPARE(store->retrieve(kAlice, {}, 10, kNow + 60'000)->size(), std::size_t{1});
        QCOMPARE(store->count(kAlice, kNow + 60'000).value(), std::int64_t{1});
        QCOMPARE(store->purgeExpired(kNow + 60'000), 1);
        QCOMPARE(store->purgeExpired(kNow + NodeStoreLimits::kMaxTtlMs), 1);
        QCOMPARE(store->retrieve(kAlice, {}, 10, kNow)->size(), std::size_t{0});
        const auto tooShort = store->store(kAlice, bytes("x"), 5, kNow);
        QVERIFY(!tooShort);
        QVERIFY(tooShort.error().reason.contains(QStringLiteral("TTL")));
        QVERIFY(!tooShort.error().full);
    }

    void limitsAreRefusedWithAReason() {
        QTemporaryDir dir;
        NodeStoreLimits limits;
        limits.maxPerRecipient = 3;
        auto store = NodeStore::open(dir.path(), limits).value();
        const auto empty = store->store(kAlice, {}, 0, kNow);
        QVERIFY(!empty);
        const auto big = store->store(kAlice, QByteArray(limits.maxMessageBytes + 1, 'x'), 0, kNow);
        QVERIFY(!big);
        QVERIFY(big.error().reason.contains(QString::number(limits.maxMessageBytes)));
        QVERIFY(store->store(kAlice, QByteArray(limits.maxMessageBytes, 'x'), 0, kNow));
        QVERIFY(store->store(kAlice, bytes("2"), 0, kNow));
        QVERIFY(store->store(kAlice, bytes("3"), 0, kNow));
        const auto full = store->store(kAlice, bytes("4"), 0, kNow);
        QVERIFY(!full);
        QVERIFY(full.error().full);
        QVERIFY(full.error().reason.contains(QStringLiteral("3 messages")));
        QVERIFY(store->store(kBob, bytes("4"), 0, kNow));  // others are not affected
        const std::vector<QByteArray> tooMany(static_cast<std::size_t>(limits.maxRetrieve + 1));
        QVERIFY(!store->remove(kAlice, tooMany));
    }

    // Bytes are bounded as well as messages: one Session ID's, and all of them together
    // (tiny messages charged for their rows), refused as Full with a reason; what the owner
    // deletes, or what expires, makes room — also after the store is opened again.
    void byteQuotasPerRecipientAndPerNode() {
        QTemporaryDir dir;
        NodeStoreLimits limits;
        limits.maxBytesPerRecipient = 200 * 1024;
        limits.maxMessageBytesTotal = 300 * 1024;
        const QByteArray big(60 * 1024, 'x');
        const auto numbered = [&](int i) { return big + QByteArray::number(i); };
        std::vector<QByteArray> alices;
        {
            auto store = NodeStore::open(dir.path(), limits).value();
            for (int i = 0; i < 3; ++i) {
                const auto r = store->store(kAlice, numbered(i), 0, kNow);
                QVERIFY(r.has_value());
                alices.push_back(r->second.hash);
            }
            const auto alicesFull = store->store(kAlice, numbered(3), 0, kNow);
            QVERIFY(!alicesFull);
            QVERIFY(alicesFull.error().full);
            QVERIFY2(alicesFull.error().reason.contains(QStringLiteral("recipient")),
                     qPrintable(alicesFull.error().reason));
            // Bob is not affected by Alice's quota, only by the node's.
            QVERIFY(store->store(kBob, numbered(10), 0, kNow));
            const auto nodeFull = store->store(kBob, numbered(11), 0, kNow);
            QVERIFY(!nodeFull);
            QVERIFY(nodeFull.error().full);
            QVERIFY2(nodeFull.error().reason.contains(QStringLiteral("node")),
                     qPrintable(nodeFull.error().reason));
            // Many tiny messages are charged their rows: they cannot fill the disk either.
            // What is left (about 59 KiB) holds about 230 one-byte messages, not 59 000.
            int tiny = 0;
            while (tiny < 1000 &&
                   store->store(QStringLiteral("05%1").arg(tiny, 64, 10, QLatin1Char('0')),
                                bytes("t"), 0, kNow)) {
                ++tiny;
            }
            QVERIFY2(tiny > 100 && tiny < 300, qPrintable(QString::number(tiny)));
            QCOMPARE(store->remove(kAlice, {alices[0]}).value(), 1);
            QVERIFY(store->store(kBob, numbered(11), 0, kNow));  // room again
        }
        // Opened again, the node counts what it holds: still full.
        auto reopened = NodeStore::open(dir.path(), limits).value();
        const auto stillFull = reopened->store(kAlice, numbered(20), 0, kNow);
        QVERIFY(!stillFull);
        QVERIFY(stillFull.error().full);
        QVERIFY(reopened->purgeExpired(kNow + NodeStoreLimits::kMaxTtlMs) > 0);
        QVERIFY(reopened->store(kAlice, numbered(20), 0, kNow + NodeStoreLimits::kMaxTtlMs));
    }

    void deletesOnlyTheOwnersMessagesAndKeepsTheRestAcrossReopen() {
        QTemporaryDir dir;
        QByteArray first;
        {
            auto store = NodeStore::open(dir.path()).value();
            first = store->store(kAlice, bytes("a1"), 0, kNow)->second.hash;
            QVERIFY(store->store(kAlice, bytes("a2"), 0, kNow));
            const QByteArray bobs = store->store(kBob, bytes("b1"), 0, kNow)->second.hash;
            QCOMPARE(store->remove(kAlice, {first, bobs, QByteArray(32, 'z')}).value(), 1);
            QCOMPARE(store->retrieve(kBob, {}, 10, kNow)->size(), std::size_t{1});
        }
        auto reopened = NodeStore::open(dir.path());
        QVERIFY(reopened.has_value());
        const auto left = (*reopened)->retrieve(kAlice, {}, 10, kNow);
        QCOMPARE(left->size(), std::size_t{1});
        QCOMPARE(left->at(0).data, bytes("a2"));
        // Stored again after its deletion (a late replica, a sender's retry), it does not come
        // back while it would have lived; after that it is a new message again.
        QCOMPARE((*reopened)->store(kAlice, bytes("a1"), 0, kNow + 1)->first,
                 StoreOutcome::Deleted);
        QVERIFY((*reopened)->retrieve(kAlice, {}, 10, kNow + 1)->size() == 1);
        const std::int64_t later = kNow + NodeStoreLimits::kMaxTtlMs + 1;
        (*reopened)->purgeExpired(later);
        QCOMPARE((*reopened)->store(kAlice, bytes("a1"), 0, later)->first, StoreOutcome::Stored);
    }

    void blobsAreCheckedLimitedAndExpire() {
        QTemporaryDir dir;
        NodeStoreLimits limits;
        limits.maxBlobBytesTotal = 10000;
        const QByteArray a(6000, 'a');
        const QByteArray b(6000, 'b');
        {
            auto store = NodeStore::open(dir.path(), limits).value();
            // The id must be the hash of the bytes.
            const auto lie = store->storeBlob(blobIdOf(b), a, kNow + kBlobTtlMs, kNow);
            QVERIFY(!lie.has_value());
            QVERIFY(lie.error().contains(QStringLiteral("BLAKE2b")));
            const QByteArray huge(kMaxBlobBytes + 1, 'h');
            QVERIFY(!store->storeBlob(blobIdOf(huge), huge, kNow + kBlobTtlMs, kNow));
            QVERIFY(!store->storeBlob(blobIdOf({}), {}, kNow + kBlobTtlMs, kNow));
            // The TTL is capped at kBlobTtlMs.
            const auto stored = store->storeBlob(blobIdOf(a), a, kNow + 2 * kBlobTtlMs, kNow);
            QVERIFY2(stored.has_value(), qPrintable(stored ? QString() : stored.error()));
            QCOMPARE(stored->first, StoreOutcome::Stored);
            QCOMPARE(stored->second, kNow + kBlobTtlMs);
            // Over the node's total: refused, with the limit named.
            const auto full = store->storeBlob(blobIdOf(b), b, kNow + kBlobTtlMs, kNow);
            QVERIFY(!full.has_value());
            QVERIFY(full.error().contains(QStringLiteral("10000")));
            // Uploaded again later: one copy, living from the latest upload.
            const auto again = store->storeBlob(blobIdOf(a), a, kNow + 10 + kBlobTtlMs, kNow + 10);
            QCOMPARE(again->first, StoreOutcome::Duplicate);
            QCOMPARE(again->second, kNow + 10 + kBlobTtlMs);
        }
        auto store = NodeStore::open(dir.path(), limits).value();
        QCOMPARE(store->blob(blobIdOf(a), kNow + 1)->value(), a);
        QVERIFY(!store->blob(blobIdOf(b), kNow + 1)->has_value());
        // Expired: not handed out, purged, and the space is free again.
        const std::int64_t later = kNow + 10 + kBlobTtlMs;
        QVERIFY(!store->blob(blobIdOf(a), later)->has_value());
        store->purgeExpired(later);
        QVERIFY(store->storeBlob(blobIdOf(b), b, later + kBlobTtlMs, later).has_value());
        // A one-byte blob is charged kMinBlobCharge: 6000 + 4096 is over 10000.
        const QByteArray tiny(1, 't');
        const auto small = store->storeBlob(blobIdOf(tiny), tiny, later + kBlobTtlMs, later);
        QVERIFY(!small.has_value());
        QVERIFY(small.error().contains(QStringLiteral("full")));
    }

    void aDamagedDatabaseIsAClearError() {
        QTemporaryDir dir;
        QFile f(dir.filePath(QStringLiteral("node.db")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(8192, '\x5a'));
        f.close();
        const auto store = NodeStore::open(dir.path());
        QVERIFY(!store);
        QVERIFY2(store.error().contains(QStringLiteral("node.db")), qPrintable(store.error()));
    }

    void onlyTheOwnerRetrievesOrDeletes() {
        const auto alice = SessionIdentity::generate();
        const auto mallory = SessionIdentity::generate();
        const crypto::Bytes extra = {1, 2, 3};
        const auto proof = signAsOwner(alice.ed25519, "retrieve", alice.sessionId, kNow, extra);
        QVERIFY(checkOwner(proof, "retrieve", alice.sessionId, kNow, extra).has_value());
        QVERIFY(checkOwner(proof, "retrieve", alice.sessionId, kNow + kMaxSkewMs, extra));
        QVERIFY(checkOwner(proof, "retrieve", alice.sessionId, kNow - kMaxSkewMs, extra));
        const auto expect = [&](const OwnerProof& p, const char* method, const QString& id,
                                std::int64_t now, const crypto::Bytes& x, const char* reason) {
            const auto r = checkOwner(p, method, id, now, x);
            QVERIFY(!r);
            QVERIFY2(r.error().contains(QString::fromLatin1(reason)), qPrintable(r.error()));
        };
        expect(proof, "delete", alice.sessionId, kNow, extra, "does not verify");
        expect(proof, "retrieve", alice.sessionId, kNow, {1, 2, 4}, "does not verify");
        expect(proof, "retrieve", mallory.sessionId, kNow, extra, "does not belong");
        expect(proof, "retrieve", alice.sessionId, kNow + kMaxSkewMs + 1, extra, "more than 60 s");
        expect(proof, "retrieve", alice.sessionId, kNow - kMaxSkewMs - 1, extra, "more than 60 s");
        expect(proof, "retrieve", QStringLiteral("05zz"), kNow, extra, "not a Session ID");
        // Mallory signs with her own key for Alice's ID: the key is not Alice's.
        const auto forged = signAsOwner(mallory.ed25519, "retrieve", alice.sessionId, kNow, extra);
        expect(forged, "retrieve", alice.sessionId, kNow, extra, "does not belong");
        // Alice's key with Mallory's signature bytes.
        OwnerProof swapped = proof;
        swapped.signature = forged.signature;
        expect(swapped, "retrieve", alice.sessionId, kNow, extra, "does not verify");
        OwnerProof shifted = proof;
        shifted.timestampMs += 1;
        expect(shifted, "retrieve", alice.sessionId, kNow, extra, "does not verify");
    }
};

QTEST_GUILESS_MAIN(NodeStoreTest)
#include "tst_node_store.moc"
