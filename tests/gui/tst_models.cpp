// The app's models over a real profile (SQLCipher file, the storage thread, AppCore's core
// thread), each watched by QAbstractItemModelTester: every signal they emit must match the
// rows they then report. Conversations follow the mode; messages page in from the store
// newest first, and new ones and status moves arrive through the core's change signal.
#include <cmath>

#include <QAbstractItemModelTester>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include "app/core/Await.h"
#include "app/core/ContentHandler.h"
#include "app/core/Messenger.h"
#include "app/core/UserSettings.h"
#include "qml/chat/MessageListModel.h"
#include "qml/conversations/ConversationListModel.h"
#include "qml/core/AppCore.h"
#include "qml/core/TimeText.h"
#include "qml/latency/LatencyDashboard.h"
#include "tests/support/TestSupport.h"

using namespace tandem;
using namespace tandem::storage;
using tandem::gui::AppCore;
using tandem::gui::ConversationListModel;
using tandem::gui::LatencyDashboard;
using tandem::gui::MessageListModel;

namespace {

// Messages written as the core writes them (outgoing, pending), straight into the store.
std::int64_t addMessages(AppCore& core, Mode mode, const QString& address, int count,
                         std::int64_t startAt) {
    return test::await(core.store().write([=](Repositories& r) -> StoreResult<std::int64_t> {
               TANDEM_TRY_ASSIGN(const Contact c,
                                 core::contactForAddress(r, mode, address, startAt));
               TANDEM_TRY_ASSIGN(const Conversation conv,
                                 r.conversations.forContact(c.id, startAt));
               for (int i = 0; i < count; ++i) {
                   Message m;
                   m.conversationId = conv.id;
                   m.uid = MessageUid::generate(startAt + i);
                   m.direction = i % 3 == 0 ? Direction::Incoming : Direction::Outgoing;
                   m.status = m.direction == Direction::Incoming ? MessageStatus::Received
                                                                 : MessageStatus::Pending;
                   m.body = QStringLiteral("m%1").arg(i);
                   // One message an hour: the day separators have days to separate.
                   m.sentAt = startAt + static_cast<std::int64_t>(i) * 3600 * 1000;
                   m.receivedAt = m.sentAt;
                   TANDEM_TRY(r.messages.insert(m));
               }
               return conv.id;
           }))
        .value();
}

}  // namespace

class ModelsTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<AppCore> core_;

    // The model given the core, once it has read its first list.
    bool firstRead(ConversationListModel& model) {
        QSignalSpy loaded(&model, &ConversationListModel::loaded);
        model.setFeed(core_->feed());
        return loaded.wait(10000);
    }

private slots:
    void initTestCase() {
        core_ = std::make_unique<AppCore>(dir_.path());
        QCOMPARE(core_->state(), AppCore::State::NoProfile);
        core_->createProfile(QStringLiteral("short"));
        QVERIFY(!core_->error().isEmpty());  // too short: said, nothing created
        QCOMPARE(core_->state(), AppCore::State::NoProfile);
        core_->createProfile(QStringLiteral("a long enough passphrase"));
        QVERIFY(QTest::qWaitFor([&] { return core_->state() == AppCore::State::Ready; }, 30000));
    }

    void aWrongPassphraseIsSaidAndTheProfileStays() {
        QTemporaryDir other;
        {
            AppCore first(other.path());
            first.createProfile(QStringLiteral("correct horse battery"));
            QVERIFY(QTest::qWaitFor([&] { return first.state() == AppCore::State::Ready; }, 30000));
        }
        AppCore again(other.path());
        QCOMPARE(again.state(), AppCore::State::Locked);
        again.unlock(QStringLiteral("wrong horse battery"));
        QVERIFY(QTest::qWaitFor([&] { return !again.error().isEmpty(); }, 30000));
        QCOMPARE(again.state(), AppCore::State::Locked);
        QVERIFY(again.error().contains(QStringLiteral("passphrase")));
        again.unlock(QStringLiteral("correct horse battery"));
        QVERIFY(QTest::qWaitFor([&] { return again.state() == AppCore::State::Ready; }, 30000));
        QVERIFY(again.error().isEmpty());
    }

    // The read receipts switch is kept in the profile, where the core reads it.
    void readReceiptsAreASettingOfTheProfile() {
        const auto stored = [&] {
            return test::await(core_->store().read([](Repositories& r) {
                       return r.settings.get(
                           QString::fromLatin1(tandem::core::UserSettings::kReadReceiptsKey));
                   }))
                .value();
        };
        QVERIFY(core_->readReceipts());  // on unless turned off
        QSignalSpy changed(core_.get(), &AppCore::readReceiptsChanged);
        core_->setReadReceipts(false);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(stored(), std::optional<QByteArray>("0"));
        core_->setReadReceipts(true);
        QCOMPARE(stored(), std::optional<QByteArray>("1"));
        QCOMPARE(changed.count(), 2);
    }

    void conversationsFollowTheMode() {
        ConversationListModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(firstRead(model));
        const std::int64_t now = QDateTime::currentMSecsSinceEpoch();
        const auto signal =
            addMessages(*core_, Mode::Signal, QStringLiteral("+4915100000009"), 3, now);
        const QString sessionId = QStringLiteral("05") + QString(64, u'a');
        addMessages(*core_, Mode::Session, sessionId, 2, now);
        emit core_->feed()->conversationChanged(signal);
        QVERIFY(QTest::qWaitFor([&] { return model.count() == 1; }, 10000));
        const QVariantMap row = model.at(0);
        QCOMPARE(row.value(QStringLiteral("address")).toString(), QStringLiteral("+4915100000009"));
        QCOMPARE(model.data(model.index(0), ConversationListModel::LastTextRole).toString(),
                 QStringLiteral("m2"));
        QCOMPARE(model.data(model.index(0), ConversationListModel::UnreadRole).toInt(), 1);
        QCOMPARE(model.data(model.index(0), ConversationListModel::LastStatusRole).toString(),
                 QStringLiteral("pending"));
        // As the list shows it (today's clock time; here the last message is two hours
        // on, which may be tomorrow).
        const QString shown =
            model.data(model.index(0), ConversationListModel::LastTimeTextRole).toString();
        QCOMPARE(shown,
                 gui::listTime(
                     model.data(model.index(0), ConversationListModel::LastTimeRole).toDateTime(),
                     QDateTime::currentDateTime()));
        QVERIFY(!shown.isEmpty());
        core_->setMode(QStringLiteral("session"));
        QVERIFY(QTest::qWaitFor(
            [&] { return model.count() == 1 && model.rowOfAddress(sessionId) == 0; }, 10000));
        QCOMPARE(core_->checkAddress(QStringLiteral("+4915100000009")).isEmpty(), false);
        QCOMPARE(core_->checkAddress(sessionId), QString());
        core_->setMode(QStringLiteral("signal"));
        QCOMPARE(core_->checkAddress(QStringLiteral("+4915100000009")), QString());
        QVERIFY(!core_->checkAddress(QStringLiteral("12345")).isEmpty());
    }

    // Times read as in other messengers: no seconds; in the list, today's clock time, this
    // week's weekday, an older message's date.
    void timesReadAsInOtherMessengers() {
        const QDateTime now(QDate(2026, 11, 26), QTime(21, 26, 3));  // a Thursday
        const QLocale c = QLocale::c();
        const QLocale german(QLocale::German, QLocale::Germany);
        const QLocale american(QLocale::English, QLocale::UnitedStates);
        QCOMPARE(gui::clockTime(now, c), QStringLiteral("21:26"));
        QCOMPARE(gui::clockTime(now, german), QStringLiteral("21:26"));
        const QString pm = gui::clockTime(now, american);
        QVERIFY2(pm.startsWith(QStringLiteral("9:26")) && pm.endsWith(QStringLiteral("PM")),
                 qPrintable(pm));
        QCOMPARE(gui::listTime(now.addSecs(-3600), now, c), QStringLiteral("20:26"));
        QCOMPARE(gui::listTime(now.addDays(-1), now, c), c.dayName(3, QLocale::ShortFormat));
        QCOMPARE(gui::listTime(now.addDays(-6), now, c), c.dayName(5, QLocale::ShortFormat));
        const QDate weekAgo = now.date().addDays(-7);
        QCOMPARE(gui::listTime(now.addDays(-7), now, c), c.toString(weekAgo, QLocale::ShortFormat));
        QCOMPARE(gui::listTime(now.addDays(-7), now, german), QStringLiteral("19.11.26"));
        QCOMPARE(gui::listTime(QDateTime(), now, c), QString());
        // Whatever separates the seconds goes with them (the C locale's is the only short
        // format in Qt 6.4 with seconds; a system locale may have others).
        QCOMPARE(gui::withoutSeconds(QStringLiteral("H.mm.ss t")), QStringLiteral("H.mm t"));
        QCOMPARE(gui::withoutSeconds(QStringLiteral("h:mm:ss AP")), QStringLiteral("h:mm AP"));
        QCOMPARE(gui::withoutSeconds(QStringLiteral("HHmmss")), QStringLiteral("HHmm"));
        QCOMPARE(gui::withoutSeconds(QStringLiteral("HH:mm")), QStringLiteral("HH:mm"));
        QCOMPARE(gui::withoutSeconds(QStringLiteral("HH:mm:ss 'Uhrs'")),
                 QStringLiteral("HH:mm 'Uhrs'"));
        // A new day is noticed when the date changes, not before, and once.
        QObject owner;
        QDate today(2026, 11, 26);
        int newDays = 0;
        gui::onEachNewDay(
            &owner, [&] { ++newDays; }, 10, [&] { return today; });
        QTest::qWait(50);
        QCOMPARE(newDays, 0);
        today = today.addDays(1);
        QVERIFY(QTest::qWaitFor([&] { return newDays == 1; }, 2000));
        QTest::qWait(50);
        QCOMPARE(newDays, 1);
    }

    // A new day: the list's times and the conversation's day separators are read again.
    void aNewDayRereadsTheTimesShown() {
        ConversationListModel list;
        QAbstractItemModelTester tester(&list,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(firstRead(list));
        const std::int64_t id = addMessages(*core_, Mode::Signal, QStringLiteral("+4915100000201"),
                                            2, QDateTime::currentMSecsSinceEpoch());
        emit core_->feed()->conversationChanged(id);
        QVERIFY(QTest::qWaitFor([&] { return list.rowOf(id) >= 0; }, 10000));
        QSignalSpy listChanged(&list, &QAbstractItemModel::dataChanged);
        list.newDay();
        QCOMPARE(listChanged.count(), 1);
        QCOMPARE(listChanged[0][0].toModelIndex().row(), 0);
        QCOMPARE(listChanged[0][1].toModelIndex().row(), list.count() - 1);
        QCOMPARE(listChanged[0][2].value<QList<int>>(),
                 QList<int>{ConversationListModel::LastTimeTextRole});

        MessageListModel messages;
        QAbstractItemModelTester messagesTester(
            &messages, QAbstractItemModelTester::FailureReportingMode::QtTest);
        messages.setFeed(core_->feed());
        messages.setConversationId(id);
        QVERIFY(QTest::qWaitFor([&] { return messages.count() == 2; }, 10000));
        QSignalSpy messagesChanged(&messages, &QAbstractItemModel::dataChanged);
        messages.newDay();
        QCOMPARE(messagesChanged.count(), 1);
        QCOMPARE(messagesChanged[0][2].value<QList<int>>(),
                 QList<int>{MessageListModel::DayLabelRole});
    }

    // A message in a conversation lower down moves that row up, and only that: no reset, so
    // a view keeps its current item and place; another row's unread count changes in place.
    void aNewMessageMovesItsConversationUp() {
        ConversationListModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(firstRead(model));
        const std::int64_t now = QDateTime::currentMSecsSinceEpoch() + 24LL * 3600 * 1000;
        const QStringList numbers = {QStringLiteral("+4915100000101"),
                                     QStringLiteral("+4915100000102"),
                                     QStringLiteral("+4915100000103")};
        std::vector<std::int64_t> ids;
        for (int i = 0; i < numbers.size(); ++i) {  // the last one the newest
            ids.push_back(addMessages(*core_, Mode::Signal, numbers[i], 1, now + i * 1000));
        }
        emit core_->feed()->conversationChanged(ids.back());
        QVERIFY(QTest::qWaitFor([&] { return model.rowOf(ids.back()) == 0; }, 10000));
        QCOMPARE(model.rowOf(ids[1]), 1);
        QCOMPARE(model.rowOf(ids[0]), 2);
        const int count = model.count();

        QSignalSpy resets(&model, &QAbstractItemModel::modelAboutToBeReset);
        QSignalSpy moves(&model, &QAbstractItemModel::rowsMoved);
        QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
        const QPersistentModelIndex middle(model.index(1));
        // The oldest of the three gets a message (an incoming one: unread) and comes first.
        addMessages(*core_, Mode::Signal, numbers[0], 1, now + 10000);
        emit core_->feed()->conversationChanged(ids[0]);
        QVERIFY(QTest::qWaitFor([&] { return model.rowOf(ids[0]) == 0; }, 10000));
        QCOMPARE(resets.count(), 0);
        QCOMPARE(moves.count(), 1);
        QVERIFY(changes.count() >= 1);  // its last message and unread count
        QCOMPARE(model.count(), count);
        QCOMPARE(model.rowOf(ids[2]), 1);
        QCOMPARE(model.rowOf(ids[1]), 2);
        QVERIFY(middle.isValid());  // the row a view had as current is still that row
        QCOMPARE(middle.data(ConversationListModel::ConversationIdRole).toLongLong(), ids[1]);
        QCOMPARE(middle.row(), 2);
        QCOMPARE(model.data(model.index(0), ConversationListModel::UnreadRole).toInt(), 2);
    }

    void messagesPageInNewestFirstAndFollowChanges() {
        const std::int64_t start = QDateTime::currentMSecsSinceEpoch() - 400LL * 3600 * 1000;
        const auto id =
            addMessages(*core_, Mode::Signal, QStringLiteral("+4915100000010"), 250, start);
        MessageListModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setFeed(core_->feed());
        QSignalSpy loaded(&model, &MessageListModel::loaded);
        model.setConversationId(id);
        QVERIFY(loaded.wait(10000));
        QCOMPARE(model.count(), MessageListModel::kFirstPage);
        QCOMPARE(model.data(model.index(0), MessageListModel::BodyRole).toString(),
                 QStringLiteral("m249"));
        // Scrolling up: the pages before, until the first message.
        // (The tester fetches too; a page already on its way is not asked for twice.)
        const bool all = QTest::qWaitFor(
            [&] {
                if (model.canFetchMore({})) {
                    model.fetchMore({});
                }
                return model.count() == 250 && !model.canFetchMore({});
            },
            20000);
        if (!all) {
            QStringList bodies;
            for (int i = 0; i < model.count(); ++i) {
                bodies << model.data(model.index(i), MessageListModel::BodyRole).toString();
            }
            qWarning() << model.count() << bodies.join(u',');
        }
        QVERIFY(all);
        QCOMPARE(model.data(model.index(249), MessageListModel::BodyRole).toString(),
                 QStringLiteral("m0"));
        QVERIFY(model.data(model.index(249), MessageListModel::FirstOfDayRole).toBool());
        int separators = 0;
        for (int i = 0; i < model.count(); ++i) {
            separators += model.data(model.index(i), MessageListModel::FirstOfDayRole).toBool();
        }
        QVERIFY2(separators >= 10 && separators <= 12, qPrintable(QString::number(separators)));

        // A status moves and a message arrives: the row changes, the new one is row 0.
        const qint64 newestOutgoing = model.data(model.index(1), MessageListModel::MessageIdRole)
                                          .toLongLong();  // m248: outgoing
        QCOMPARE(model.data(model.index(1), MessageListModel::StatusRole).toString(),
                 QStringLiteral("pending"));
        QVERIFY(test::await(core_->store().write([newestOutgoing](Repositories& r) {
                    return r.messages.updateStatus(newestOutgoing, MessageStatus::Delivered,
                                                   QDateTime::currentMSecsSinceEpoch());
                })).value());
        addMessages(*core_, Mode::Signal, QStringLiteral("+4915100000010"), 1,
                    QDateTime::currentMSecsSinceEpoch());
        emit core_->feed()->conversationChanged(id);
        QVERIFY(QTest::qWaitFor([&] { return model.count() == 251; }, 10000));
        QCOMPARE(model.data(model.index(0), MessageListModel::BodyRole).toString(),
                 QStringLiteral("m0"));
        QCOMPARE(model.data(model.index(2), MessageListModel::StatusRole).toString(),
                 QStringLiteral("delivered"));
        // A failed message (m247, outgoing), retried through the core: pending and queued
        // again, and the row says "pending".
        QCOMPARE(model.data(model.index(3), MessageListModel::BodyRole).toString(),
                 QStringLiteral("m247"));
        const qint64 failed =
            model.data(model.index(3), MessageListModel::MessageIdRole).toLongLong();
        QVERIFY(test::await(core_->store().write([failed](Repositories& r) {
                    return r.messages.updateStatus(failed, MessageStatus::Failed,
                                                   QDateTime::currentMSecsSinceEpoch());
                })).value());
        emit core_->feed()->conversationChanged(id);
        const auto statusOf3 = [&] {
            return model.data(model.index(3), MessageListModel::StatusRole).toString();
        };
        QVERIFY(QTest::qWaitFor([&] { return statusOf3() == QLatin1String("failed"); }, 10000));
        core_->retry(failed);
        QVERIFY(QTest::qWaitFor([&] { return statusOf3() == QLatin1String("pending"); }, 10000));
        QCOMPARE(test::await(core_->store().read([failed](Repositories& r) {
                     return r.db.queryInt("SELECT count(*) FROM outbox WHERE message_id = " +
                                          std::to_string(failed));
                 })).value(),
                 std::int64_t{1});
        // Another conversation: the model starts over with it.
        model.setConversationId(0);
        QCOMPARE(model.count(), 0);
    }

    // The comparison page's figures are the stored samples': computed here independently
    // (nearest rank, a lost probe slower than every answer) and compared.
    void latencyDashboardMatchesTheStore() {
        const std::int64_t t0 = 1'790'000'000'000;
        std::vector<LatencySample> written;
        for (int i = 0; i < 230; ++i) {
            LatencySample s;
            s.transport = i % 2 == 0 ? Mode::Signal : Mode::Session;
            s.sentAt = t0 + i * 100;
            s.probeRun = 42;
            s.size = 60;
            // Relay 1..115 ms shuffled a little; onion 10× slower; every 23rd lost.
            if (i % 23 == 22) {
                s.lost = true;
            } else {
                const std::int64_t ms = (i * 37) % 115 + 1;
                s.roundTripUs = (s.transport == Mode::Signal ? ms : ms * 10) * 1000;
                s.oneWayUs = *s.roundTripUs / 2;
            }
            written.push_back(s);
        }
        // Five messages' samples besides the probes: shown only when asked for.
        for (int i = 0; i < 5; ++i) {
            LatencySample m;
            m.transport = Mode::Signal;
            m.sentAt = t0 + 50 + i * 100;
            m.roundTripUs = 9'000'000;
            m.oneWayUs = 4'000'000;
            written.push_back(m);
        }
        QVERIFY(test::await(core_->store().write([written](Repositories& r) -> StoreResult<void> {
                    for (const LatencySample& s : written) {
                        TANDEM_TRY(r.latency.add(s));
                    }
                    return {};
                })).has_value());
        LatencyDashboard dash;
        QSignalSpy reloaded(&dash, &LatencyDashboard::reloaded);
        dash.setFeed(core_->feed());
        QVERIFY(reloaded.wait(10000));
        QCOMPARE(dash.source(), QStringLiteral("probes"));
        QCOMPARE(dash.sampleCount(), 230);
        dash.setSource(QStringLiteral("messages"));
        QCOMPARE(dash.sampleCount(), 5);
        QCOMPARE(dash.summaries().size(), 1);
        QCOMPARE(dash.summaries()[0].toMap()[QStringLiteral("p50")].toDouble(), 9000.0);
        dash.setSource(QStringLiteral("all"));
        QCOMPARE(dash.sampleCount(), 235);
        dash.setSource(QStringLiteral("probes"));

        const auto expect = [&](Mode t, bool roundTrip) {
            std::vector<double> values;
            int count = 0;
            for (const LatencySample& s : written) {
                if (s.transport != t || !s.probeRun) {
                    continue;
                }
                ++count;
                if (!s.lost) {
                    values.push_back(static_cast<double>(roundTrip ? *s.roundTripUs : *s.oneWayUs) /
                                     1000.0);
                }
            }
            std::sort(values.begin(), values.end());
            const auto rank = [&](double p) {
                const auto r = static_cast<std::size_t>(std::ceil(p * count));
                return r <= values.size() ? QVariant(values[r - 1]) : QVariant();  // lost
            };
            return QVariantMap{
                {QStringLiteral("transport"),
                 t == Mode::Signal ? QStringLiteral("signal") : QStringLiteral("session")},
                {QStringLiteral("count"), count},
                {QStringLiteral("lost"), count - static_cast<int>(values.size())},
                {QStringLiteral("p50"), rank(0.5)},
                {QStringLiteral("p90"), rank(0.9)},
                {QStringLiteral("p99"), rank(0.99)},
                {QStringLiteral("max"), values.back()}};
        };
        for (const bool roundTrip : {true, false}) {
            dash.setMetric(roundTrip ? QStringLiteral("roundTrip") : QStringLiteral("oneWay"));
            const QVariantList summaries = dash.summaries();
            QCOMPARE(summaries.size(), 2);
            QCOMPARE(summaries[0].toMap(), expect(Mode::Signal, roundTrip));
            QCOMPARE(summaries[1].toMap(), expect(Mode::Session, roundTrip));
            // 5 of 115 lost per transport: p99 falls on a lost probe, p90 does not.
            QCOMPARE(summaries[0].toMap()[QStringLiteral("lost")].toInt(), 5);
            QVERIFY(summaries[0].toMap()[QStringLiteral("p99")].isNull());
            QVERIFY(summaries[0].toMap()[QStringLiteral("p90")].toDouble() > 0);
        }
        dash.setMetric(QStringLiteral("roundTrip"));

        // The CDF rises through every answered sample to answered/all (the lost keep it
        // below 1); the timeline has one point per answered sample, in time order.
        for (const QString& transport : {QStringLiteral("signal"), QStringLiteral("session")}) {
            const QVariantList cdf = dash.cdfPoints(transport);
            QCOMPARE(cdf.size(), 110);
            for (qsizetype i = 1; i < cdf.size(); ++i) {
                QVERIFY(cdf[i].toPointF().x() >= cdf[i - 1].toPointF().x());
                QVERIFY(cdf[i].toPointF().y() > cdf[i - 1].toPointF().y());
            }
            QCOMPARE(cdf.back().toPointF().y(), 110.0 / 115.0);
            const QVariantList timeline = dash.timelinePoints(transport);
            QCOMPARE(timeline.size(), 110);
            for (qsizetype i = 1; i < timeline.size(); ++i) {
                QVERIFY(timeline[i].toPointF().x() > timeline[i - 1].toPointF().x());
            }
        }
        QCOMPARE(dash.maxMs(), 1150.0);
        QCOMPARE(dash.firstAt().toMSecsSinceEpoch(), t0);
        QCOMPARE(dash.lastAt().toMSecsSinceEpoch(), t0 + 229 * 100);

        // The CSV holds exactly the samples shown.
        QTemporaryDir out;
        const QString csv = out.filePath(QStringLiteral("samples.csv"));
        QCOMPARE(dash.exportCsv(QUrl::fromLocalFile(csv)), QString());
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 231);  // the probes' samples: what is shown
        QVERIFY(lines[0].startsWith("run,transport,sent_at_ms"));
        QCOMPARE(std::count_if(lines.begin() + 1, lines.end(),
                               [](const QByteArray& l) { return l.endsWith(",1"); }),
                 10);  // the lost ones
        QVERIFY(!dash.exportCsv(QUrl::fromLocalFile(QStringLiteral("/nonexistent/dir/x.csv")))
                     .isEmpty());

        // Live: a probe's sample shows at once; samples written are read again.
        emit core_->feed()->latencySampled(QStringLiteral("session"), t0 + 30000, 2.5, 1.25);
        QCOMPARE(dash.sampleCount(), 231);
        dash.setSource(QStringLiteral("messages"));  // a live sample is a probe's
        emit core_->feed()->latencySampled(QStringLiteral("signal"), t0 + 30100, 1.5, 0.75);
        QCOMPARE(dash.sampleCount(), 5);
        dash.setSource(QStringLiteral("all"));
        QCOMPARE(dash.sampleCount(), 237);
        emit core_->feed()->latencySampled(QStringLiteral("signal"), t0 + 30200, 1.5, 0.75);
        QCOMPARE(dash.sampleCount(), 238);
        dash.setSource(QStringLiteral("probes"));
        QCOMPARE(dash.sampleCount(), 233);
        emit core_->feed()->latencySamplesChanged();
        QVERIFY(reloaded.wait(10000));
        QCOMPARE(dash.sampleCount(), 230);
    }
};

QTEST_MAIN(ModelsTest)
#include "tst_models.moc"
