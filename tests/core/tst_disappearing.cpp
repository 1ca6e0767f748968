// Disappearing messages in the core (docs/disappearing.md), over real stores and no network:
// how a timer is read and clamped, how two sides agree whatever order their changes cross in,
// when a received message starts counting, and that what expired is deleted within a second —
// and at open, before anything is read. The same over the real relay and onion network is in
// tests/e2e/tst_disappearing_e2e.cpp.
#include <memory>

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app/core/ContentHandler.h"
#include "app/core/Disappearing.h"
#include "app/core/ExpiryScheduler.h"
#include "app/core/UserSettings.h"
#include "proto/ContentCodec.h"
#include "storage/Limits.h"
#include "tandem/common/Clock.h"
#include "tandem/core.pb.h"
#include "tests/support/TestSupport.h"

using namespace tandem;
using namespace tandem::storage;
namespace disappearing = core::disappearing;

namespace {

const QString kAliceId = QStringLiteral("05") + QString(64, QLatin1Char('a'));
const QString kBobId = QStringLiteral("05") + QString(64, QLatin1Char('b'));

// One side of a Session-mode conversation: a profile that knows the other side.
struct Side {
    QTemporaryDir dir;
    Store store;
    Contact peer;
    Conversation conversation;

    explicit Side(const QString& peerId) {
        if (!test::await(
                store.create(dir.path(), test::passphrase("pw"), KdfStrength::Interactive))) {
            qFatal("cannot create a profile");
        }
        auto made = test::await(store.write([peerId](Repositories& r) -> StoreResult<Conversation> {
            TANDEM_TRY_ASSIGN(const Contact c, r.contacts.add(Mode::Session, peerId, QString(), 1));
            return r.conversations.forContact(c.id, 1);
        }));
        conversation = made.value();
        peer.id = *conversation.contactId;
        peer.address = peerId;
        peer.mode = Mode::Session;
    }

    // Changes the timer here; returns the update content queued for the peer.
    proto::Content change(std::int64_t seconds, ExpireRule rule) {
        const auto queued = test::await(store.write(
            [id = conversation.id, seconds, rule](Repositories& r) -> StoreResult<QByteArray> {
                TANDEM_TRY(disappearing::change(r, id, seconds, rule, nowMs()));
                TANDEM_TRY_ASSIGN(const auto items, r.outbox.after(0, 100));
                proto::core::OutboxPayload payload;
                payload.ParseFromArray(items.back().payload.constData(),
                                       static_cast<int>(items.back().payload.size()));
                return QByteArray::fromStdString(payload.content());
            }));
        return proto::decodeContent(queued.value()).value();
    }

    // What the peer's update does here.
    std::optional<Message> receive(const proto::Content& content) {
        return test::await(store.write([this, content](Repositories& r) {
                   return disappearing::applyUpdate(
                       r, Mode::Session, peer,
                       *MessageUid::fromBytes(QByteArray::fromStdString(content.uid())),
                       content.expire_timer_update(), nowMs());
               }))
            .value();
    }

    Conversation now() {
        return test::await(store.read([id = conversation.id](Repositories& r) {
                   return r.conversations.get(id);
               }))
            .value();
    }
};

}  // namespace

class DisappearingTest : public QObject {
    Q_OBJECT

private slots:
    void durationsAreReadAndShown() {
        QString why;
        QCOMPARE(disappearing::parseDuration(QStringLiteral("off"), &why), std::int64_t{0});
        QCOMPARE(disappearing::parseDuration(QStringLiteral("5s"), &why), std::int64_t{5});
        QCOMPARE(disappearing::parseDuration(QStringLiteral("8H"), &why), std::int64_t{28800});
        QCOMPARE(disappearing::parseDuration(QStringLiteral("4w"), &why), std::int64_t{2419200});
        QCOMPARE(disappearing::parseDuration(QStringLiteral("90"), &why), std::int64_t{90});
        for (const char* bad : {"4s", "5w", "2419201", "-5s", "1.5h", "h", "banana", "5 s", ""}) {
            why.clear();
            QVERIFY2(!disappearing::parseDuration(QString::fromLatin1(bad), &why), bad);
            QVERIFY2(!why.isEmpty(), bad);
        }
        QCOMPARE(disappearing::describe(3600), QStringLiteral("1 hour"));
        QCOMPARE(disappearing::describe(90), QStringLiteral("90 seconds"));
        QCOMPARE(disappearing::describe(2 * 604800), QStringLiteral("2 weeks"));
        QCOMPARE(disappearing::describe(0), QStringLiteral("off"));
        QCOMPARE(disappearing::shortLabel(28800), QStringLiteral("8h"));
        QCOMPARE(disappearing::shortLabel(90), QStringLiteral("90s"));
    }

    // A peer's value out of range is brought into it; never a crash, never a timer that
    // outlives 4 weeks or one shorter than 5 s.
    void aPeersOutOfRangeValuesAreClamped() {
        QCOMPARE(disappearing::clampSeconds(0), std::int64_t{0});
        QCOMPARE(disappearing::clampSeconds(1), std::int64_t{5});
        QCOMPARE(disappearing::clampSeconds(4'000'000'000ULL),
                 std::int64_t{limits::kMaxExpireTimerSeconds});
        Side bob(kAliceId);
        proto::Content content;
        content.set_uid(MessageUid::generate(nowMs()).toByteArray().toStdString());
        content.mutable_expire_timer_update()->set_seconds(1);
        content.mutable_expire_timer_update()->set_version(~std::uint64_t{0});
        content.mutable_expire_timer_update()->set_rule(
            static_cast<proto::ExpireTimerUpdate::Rule>(7));  // unknown: after read
        QVERIFY(bob.receive(content).has_value());
        const Conversation c = bob.now();
        QCOMPARE(c.expireTimer, std::int64_t{5});
        QCOMPARE(c.expireRule, ExpireRule::AfterRead);
        // A version that high still leaves room for the next change made here.
        bob.change(3600, ExpireRule::AfterSend);
        QCOMPARE(bob.now().expireTimer, std::int64_t{3600});
    }

    // Both sides change the timer at once, offline; each then gets the other's change. Both
    // end on the same setting (the same version: the stricter wins), each chat shows both
    // lines, and a stale change that comes last changes nothing.
    void concurrentChangesAgreeInEitherOrder() {
        Side alice(kBobId);
        Side bob(kAliceId);
        const proto::Content first = alice.change(3600, ExpireRule::AfterRead);
        QVERIFY(bob.receive(first).has_value());  // bob now at version 1 too
        const proto::Content fromAlice = alice.change(86400, ExpireRule::AfterSend);
        const proto::Content fromBob = bob.change(300, ExpireRule::AfterRead);
        QCOMPARE(fromAlice.expire_timer_update().version(),
                 fromBob.expire_timer_update().version());
        const auto atBob = bob.receive(fromAlice);
        const auto atAlice = alice.receive(fromBob);
        QVERIFY(!atBob.has_value());   // weaker than bob's own at the same version
        QVERIFY(atAlice.has_value());  // stricter than alice's own: a line says so
        QCOMPARE(alice.now().expireTimer, bob.now().expireTimer);
        QCOMPARE(alice.now().expireRule, bob.now().expireRule);
        QCOMPARE(alice.now().expireTimerVersion, bob.now().expireTimerVersion);
        QCOMPARE(alice.now().expireTimer, std::int64_t{300});
        // The first change, delivered again late: older, nothing moves, no line.
        QVERIFY(!alice.receive(first).has_value());
        QVERIFY(!bob.receive(first).has_value());
        QCOMPARE(bob.now().expireTimer, std::int64_t{300});
        // The line shown for it.
        QCOMPARE(disappearing::noticeText(*atAlice, QStringLiteral("Bob")),
                 QStringLiteral("Bob set disappearing messages to 5 minutes"));
    }

    // Signal mode counts a received message from when it is read; Session's after-send from
    // the send; a message whose time ran out on the way is not stored.
    void aReceivedMessageStartsCountingByItsRule() {
        const std::int64_t now = nowMs();
        proto::Content content;
        content.set_expire_timer_s(5);
        content.set_expire_after_send(true);
        content.set_sent_at_ms(static_cast<std::uint64_t>(now - 2000));
        Message m;
        QVERIFY(disappearing::startReceived(m, Mode::Session, content, now));
        QCOMPARE(m.expireStart.value(), now - 2000);
        Message signal;
        QVERIFY(disappearing::startReceived(signal, Mode::Signal, content, now));
        QVERIFY(!signal.expireStart.has_value());  // starts when read
        QCOMPARE(signal.expireTimer, std::int64_t{5});
        content.set_sent_at_ms(static_cast<std::uint64_t>(now - 6000));
        Message late;
        QVERIFY(!disappearing::startReceived(late, Mode::Session, content, now));
        // A sender's clock ahead of ours counts as now.
        content.set_sent_at_ms(static_cast<std::uint64_t>(now + 3'600'000));
        Message ahead;
        QVERIFY(disappearing::startReceived(ahead, Mode::Session, content, now));
        QCOMPARE(ahead.expireStart.value(), now);
        // The network keeps an after-send message for its timer from the send, no longer.
        content.set_sent_at_ms(1000);
        QCOMPARE(disappearing::networkExpiry(content), std::int64_t{6000});
        content.set_expire_after_send(false);
        QCOMPARE(disappearing::networkExpiry(content), std::int64_t{0});
    }

    // One timer for the soonest expiry: a message goes within a second of its time, the
    // views are told which, and the WAL is left empty (no copy of the text in it).
    void theSchedulerDeletesWithinASecond() {
        Side side(kBobId);
        const std::int64_t start = nowMs();
        const auto ids =
            test::await(side.store.write([c = side.conversation.id, start](Repositories& r)
                                             -> StoreResult<std::vector<std::int64_t>> {
                std::vector<std::int64_t> out;
                for (const int inMs : {400, 900, 3'600'000}) {
                    Message m;
                    m.conversationId = c;
                    m.uid = MessageUid::generate(start + inMs);
                    m.direction = Direction::Outgoing;
                    m.body = QStringLiteral("secret %1").arg(inMs);
                    m.status = MessageStatus::Sent;
                    m.sentAt = start;
                    m.expireTimer = 3600;
                    m.expireStart = start + inMs - 3'600'000;
                    TANDEM_TRY_ASSIGN(const InsertResult in, r.messages.insert(m));
                    out.push_back(in.id);
                }
                return out;
            })).value();
        core::ExpiryScheduler scheduler(side.store);
        QSignalSpy expired(&scheduler, &core::ExpiryScheduler::expired);
        std::vector<std::pair<std::int64_t, std::int64_t>> seen;  // id, when it went
        connect(&scheduler, &core::ExpiryScheduler::expired, this,
                [&](const std::vector<MessageRef>& gone) {
                    for (const MessageRef& m : gone) {
                        seen.emplace_back(m.id, nowMs() - start);
                    }
                });
        scheduler.start();
        QTRY_VERIFY_WITH_TIMEOUT(seen.size() >= 2, 5000);
        QCOMPARE(seen[0].first, ids[0]);
        QCOMPARE(seen[1].first, ids[1]);
        // Within a second of their time (AddressSanitizer's slower storage thread: a little
        // more).
#if defined(__SANITIZE_ADDRESS__)
        constexpr int kWithin = 1500;
#else
        constexpr int kWithin = 1000;
#endif
        QVERIFY2(seen[0].second >= 400 && seen[0].second < 400 + kWithin,
                 qPrintable(QString::number(seen[0].second)));
        QVERIFY2(seen[1].second >= 900 && seen[1].second < 900 + kWithin,
                 qPrintable(QString::number(seen[1].second)));
        // The hour-long one is next (read again after the sweep).
        QTRY_VERIFY_WITH_TIMEOUT(scheduler.next().has_value(), 5000);
        QCOMPARE(*scheduler.next(), start + 3'600'000);
        const auto left = test::await(side.store.read([c = side.conversation.id](Repositories& r) {
                              return r.messages.newest(c, 10);
                          })).value();
        QCOMPARE(left.size(), std::size_t{1});
        QCOMPARE(left[0].id, ids[2]);
        QCOMPARE(QFileInfo(side.dir.filePath(QStringLiteral("tandem.db-wal"))).size(), qint64{0});
    }

    // Settings' default: a conversation the user starts takes it (a change, with its line and
    // the update for the peer); one under way, or one with a timer set before, keeps its own.
    void aStartedConversationTakesTheDefault() {
        Side side(kBobId);
        const auto result = test::await(side.store.write(
            [c = side.conversation](
                Repositories& r) -> StoreResult<std::pair<Conversation, Conversation>> {
                TANDEM_TRY(core::UserSettings::setDefaultTimer(r, 3600));
                TANDEM_TRY_ASSIGN(const Conversation started,
                                  disappearing::startedByUser(r, c, nowMs()));
                TANDEM_TRY_ASSIGN(const Conversation again,
                                  disappearing::startedByUser(r, started, nowMs()));
                return std::pair{started, again};
            }));
        QVERIFY(result.has_value());
        QCOMPARE(result->first.expireTimer, std::int64_t{3600});
        QCOMPARE(result->first.expireTimerVersion, std::int64_t{1});
        QCOMPARE(result->second.expireTimerVersion, std::int64_t{1});  // not applied twice
        const auto refused = test::await(side.store.write(
            [](Repositories& r) { return core::UserSettings::setDefaultTimer(r, 3); }));
        QVERIFY(!refused.has_value());
    }

    // The wall clock jumps: forward an hour, and what was an hour away goes within a second
    // (the timer is never armed for longer); back an hour, and nothing goes early.
    void clockJumps() {
        Side side(kBobId);
        const std::int64_t start = nowMs();
        const auto insert = [&](std::int64_t expiresAt) {
            return test::await(side.store.write([c = side.conversation.id, expiresAt](
                                                    Repositories& r) -> StoreResult<std::int64_t> {
                       Message m;
                       m.conversationId = c;
                       m.uid = MessageUid::generate(expiresAt);
                       m.direction = Direction::Outgoing;
                       m.body = QStringLiteral("until %1").arg(expiresAt);
                       m.status = MessageStatus::Sent;
                       m.sentAt = expiresAt - 3'600'000;
                       m.expireTimer = 3600;
                       m.expireStart = expiresAt - 3'600'000;
                       TANDEM_TRY_ASSIGN(const InsertResult in, r.messages.insert(m));
                       return in.id;
                   }))
                .value();
        };
        const std::int64_t inAnHour = insert(start + 3'600'000);
        std::int64_t offset = 0;
        core::ExpiryScheduler scheduler(side.store);
        scheduler.setClock([&offset] { return nowMs() + offset; });
        std::vector<std::int64_t> gone;
        connect(&scheduler, &core::ExpiryScheduler::expired, this,
                [&](const std::vector<MessageRef>& refs) {
                    for (const MessageRef& m : refs) {
                        gone.push_back(m.id);
                    }
                });
        scheduler.start();
        QTRY_VERIFY_WITH_TIMEOUT(scheduler.next().has_value(), 5000);
        QTest::qWait(300);
        QVERIFY(gone.empty());
        QElapsedTimer jumped;
        offset = 3'600'000 + 1000;  // an hour and a second later, all at once
        jumped.start();
        QTRY_VERIFY_WITH_TIMEOUT(gone.size() == 1, 5000);
        QCOMPARE(gone[0], inAnHour);
        QVERIFY2(jumped.elapsed() < 1500, qPrintable(QString::number(jumped.elapsed())));

        // Back: a message 600 ms away stays while the clock is an hour behind.
        offset = 0;
        const std::int64_t soon = insert(nowMs() + 600);
        scheduler.refresh();
        offset = -3'600'000;
        QTest::qWait(1500);
        QCOMPARE(gone.size(), std::size_t{1});
        offset = 0;  // the clock is right again: it goes
        QTRY_VERIFY_WITH_TIMEOUT(gone.size() == 2, 3000);
        QCOMPARE(gone[1], soon);
    }

    // Closed past a message's time: opened again, it is gone before anything is read.
    void whatExpiredWhileClosedIsGoneAtOpen() {
        QTemporaryDir dir;
        std::int64_t conversation = 0;
        {
            Store store;
            QVERIFY(test::await(
                store.create(dir.path(), test::passphrase("pw"), KdfStrength::Interactive)));
            conversation =
                test::await(store.write([](Repositories& r) -> StoreResult<std::int64_t> {
                    TANDEM_TRY_ASSIGN(const Conversation self, r.conversations.noteToSelf(1));
                    Message m;
                    m.conversationId = self.id;
                    m.uid = MessageUid::generate(nowMs());
                    m.direction = Direction::Outgoing;
                    m.body = QStringLiteral("gone by the next start");
                    m.status = MessageStatus::Sent;
                    m.sentAt = nowMs();
                    m.expireTimer = 5;
                    m.expireStart = nowMs() - 4800;
                    TANDEM_TRY(r.messages.insert(m));
                    return self.id;
                })).value();
            test::await(store.close());
        }
        QTest::qWait(400);
        Store again;
        QVERIFY(test::await(again.open(dir.path(), test::passphrase("pw"))));
        const auto left = test::await(again.read([conversation](Repositories& r) {
                              return r.messages.newest(conversation, 10);
                          })).value();
        QVERIFY(left.empty());
    }
};

QTEST_GUILESS_MAIN(DisappearingTest)
#include "tst_disappearing.moc"
