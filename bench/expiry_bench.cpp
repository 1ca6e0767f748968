// expiry_bench: N messages with disappearing timers that all run out at once, deleted while
// the app's models watch them, as in the app (AppCore wires ExpiryScheduler to the feed the
// same way). Measured, per repetition:
//   GUI thread blocked   the longest gap between two ticks of a 1 ms timer on the thread the
//                        models live on, from the burst's time until the views are updated
//   deleted after        from the burst's time until the store has deleted them all (one
//                        transaction, then the WAL checkpoint) and the views dropped them
// beside the same gap measured over the same span with nothing expiring (the baseline: what
// the event loop and the machine do anyway).
//
//   expiry_bench [--messages N] [--reps N]
#include <cstdio>

#include <QCommandLineParser>
#include <QDateTime>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QTemporaryDir>
#include <QTimer>

#include "app/core/Await.h"
#include "app/core/ExpiryScheduler.h"
#include "bench/BenchSupport.h"
#include "qml/chat/MessageListModel.h"
#include "qml/conversations/ConversationListModel.h"
#include "qml/core/StoreFeed.h"
#include "storage/Store.h"
#include "tandem/common/Clock.h"

using namespace tandem;
using namespace tandem::storage;

namespace {

struct Run {
    double blockedMs = 0;   // longest tick gap while the burst is handled
    double baselineMs = 0;  // the same over as long with nothing to do
    double deletedMs = 0;   // burst time → all gone from store and views
};

// The longest gap between 1 ms ticks on this thread until `done` (at most `limitMs`).
template <class P>
double longestGap(P done, int limitMs) {
    QElapsedTimer clock;
    clock.start();
    qint64 last = clock.nsecsElapsed();
    qint64 longest = 0;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    QObject::connect(&tick, &QTimer::timeout, [&] {
        const qint64 t = clock.nsecsElapsed();
        longest = std::max(longest, t - last);
        last = t;
    });
    tick.start(1);
    while (!done() && clock.elapsed() < limitMs) {
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    return static_cast<double>(longest) / 1e6;
}

Run once(int count) {
    QTemporaryDir dir;
    Store store;
    if (!core::awaitFuture(store.create(dir.path(),
                                        Credentials::withPassphrase(SecretBytes::fromString("b")),
                                        KdfStrength::Interactive))) {
        qFatal("cannot create a profile");
    }
    const std::int64_t burstAt = nowMs() + 4000 + count / 50;  // after the inserts are done
    const auto conversation = core::awaitFuture(
        store.write([count, burstAt](Repositories& r) -> StoreResult<std::int64_t> {
            TANDEM_TRY_ASSIGN(const Contact c,
                              r.contacts.add(Mode::Signal, QStringLiteral("+15550001111"),
                                             QStringLiteral("Bench"), 1));
            TANDEM_TRY_ASSIGN(const Conversation conv, r.conversations.forContact(c.id, 1));
            for (int i = 0; i < count; ++i) {
                Message m;
                m.conversationId = conv.id;
                m.uid = MessageUid::generate(burstAt - 3'600'000 + i);
                m.direction = i % 2 == 0 ? Direction::Outgoing : Direction::Incoming;
                m.body = QStringLiteral("a disappearing message, number %1, of some length").arg(i);
                m.status =
                    m.direction == Direction::Outgoing ? MessageStatus::Sent : MessageStatus::Read;
                m.sentAt = burstAt - 3'600'000 + i;
                m.receivedAt = m.sentAt;
                m.readAt = m.sentAt;
                m.expireTimer = 3600;
                m.expireStart = burstAt - 3'600'000;
                TANDEM_TRY(r.messages.insert(m));
            }
            return conv.id;
        }));
    if (!conversation) {
        qFatal("cannot fill the profile: %s", qPrintable(conversation.error().message));
    }
    gui::StoreFeed feed(store);
    feed.setReady(true);
    gui::MessageListModel messages;
    messages.setFeed(&feed);
    messages.setConversationId(*conversation);
    gui::ConversationListModel list;
    list.setFeed(&feed);
    core::ExpiryScheduler expiry(store);
    QObject::connect(&feed, &gui::StoreFeed::conversationChanged, &expiry,
                     &core::ExpiryScheduler::refresh);
    bool gone = false;
    QObject::connect(&expiry, &core::ExpiryScheduler::expired,
                     [&](const std::vector<MessageRef>& refs) {
                         QList<qint64> ids;
                         ids.reserve(static_cast<qsizetype>(refs.size()));
                         for (const MessageRef& m : refs) {
                             ids.push_back(m.id);
                         }
                         emit feed.messagesExpired(ids);
                         emit feed.conversationChanged(*conversation);
                         gone = true;
                     });
    if (!core::spinUntil([&] { return messages.count() > 0; }, 10000)) {
        qFatal("the first page did not load");
    }
    expiry.start();
    Run run;
    // Nothing expires yet: the loop's own gaps, over a second.
    const qint64 baselineEnd = nowMs() + 1000;
    run.baselineMs = longestGap([&] { return nowMs() >= baselineEnd; }, 2000);
    while (nowMs() < burstAt - 50) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    }
    run.blockedMs = longestGap([&] { return gone && messages.count() == 0; }, 120000);
    run.deletedMs = static_cast<double>(nowMs() - burstAt);
    if (!gone || messages.count() != 0) {
        qFatal("the burst was not deleted");
    }
    return run;
}

}  // namespace

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("messages"), QStringLiteral("Messages expiring at once."),
                      QStringLiteral("N"), QStringLiteral("100000")});
    parser.addOption({QStringLiteral("reps"), QStringLiteral("Repetitions."), QStringLiteral("N"),
                      QStringLiteral("3")});
    parser.process(app);
    const int count = parser.value(QStringLiteral("messages")).toInt();
    const int reps = parser.value(QStringLiteral("reps")).toInt();
    std::vector<double> blocked;
    std::vector<double> baseline;
    std::vector<double> deleted;
    for (int i = 0; i < reps; ++i) {
        const Run r = once(count);
        std::printf(
            "rep %d: GUI thread blocked at most %.1f ms (idle baseline %.1f ms); all %d "
            "deleted and dropped from the views %.0f ms after their time\n",
            i + 1, r.blockedMs, r.baselineMs, count, r.deletedMs);
        blocked.push_back(r.blockedMs);
        baseline.push_back(r.baselineMs);
        deleted.push_back(r.deletedMs);
    }
    const auto med = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    std::printf(
        "median of %d: longest GUI-thread gap %.1f ms (baseline %.1f ms), deleted after "
        "%.0f ms\n",
        reps, med(blocked), med(baseline), med(deleted));
    return 0;
}
