// Disappearing messages as a user sees them, over the real relay and onion network: the demo
// profiles on tandem-localnet, driven through tandemctl (disappearing, read, send, receive,
// history). A timer change leaves a line in both chats and reaches the peer; a Signal-mode
// message counts down from when it is read, the sender's copy from the send; a Session-mode
// after-send message counts from the send, is never shown once it ran out on the way, and
// goes without being read; changes made at the same time end in the same setting on both
// sides; a change and a text keep their order; a profile opened after a message's time no
// longer holds it; Note to Self counts from the send; bad timers are refused and change
// nothing. Timers that run out here are 5 s.
#include <algorithm>
#include <iterator>
#include <optional>
#include <tuple>
#include <utility>

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "storage/Store.h"
#include "tests/support/Daemons.h"
#include "tests/support/TestSupport.h"

using namespace tandem;

namespace {

const QString kAlicePhone = QStringLiteral("+4915100000001");
const QString kBobPhone = QStringLiteral("+4915100000002");
constexpr qint64 kTimerMs = 5000;

using Run = test::CtlRun;

qint64 now() {
    return QDateTime::currentMSecsSinceEpoch();
}

// Sleeps (processing events) until the wall clock reaches `t`.
void waitUntil(qint64 t) {
    while (now() < t) {
        QTest::qWait(static_cast<int>(std::min<qint64>(t - now(), 200)));
    }
}

std::vector<QJsonObject> jsonLines(const QString& out) {
    std::vector<QJsonObject> lines;
    for (const QString& line : out.split(u'\n', Qt::SkipEmptyParts)) {
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(line.toUtf8(), &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject()) {
            qFatal("not a JSON line: %s", qPrintable(line));
        }
        lines.push_back(doc.object());
    }
    return lines;
}

QString str(const QJsonObject& o, const char* key) {
    return o[QLatin1String(key)].toString();
}
qint64 num(const QJsonObject& o, const char* key) {
    return static_cast<qint64>(o[QLatin1String(key)].toDouble());
}
bool isNull(const QJsonObject& o, const char* key) {
    return o[QLatin1String(key)].isNull();
}

// The first text message saying `text`, if any.
std::optional<QJsonObject> findText(const std::vector<QJsonObject>& lines, const QString& text) {
    for (const QJsonObject& o : lines) {
        if (str(o, "kind") == QLatin1String("text") && str(o, "text") == text) {
            return o;
        }
    }
    return std::nullopt;
}

std::vector<QJsonObject> notices(const std::vector<QJsonObject>& lines) {
    std::vector<QJsonObject> out;
    std::copy_if(lines.begin(), lines.end(), std::back_inserter(out),
                 [](const QJsonObject& o) { return str(o, "kind") == QLatin1String("notice"); });
    return out;
}

QString dump(const std::vector<QJsonObject>& lines) {
    QStringList out;
    for (const QJsonObject& o : lines) {
        out << QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
    }
    return out.join(u'\n');
}

}  // namespace

class DisappearingE2eTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QProcess localnet_;
    QString aliceSession_;
    QString bobSession_;

    QString demo() const { return dir_.filePath(QStringLiteral("demo")); }

    QStringList profileArgs(const QString& who) const { return test::demoProfileArgs(demo(), who); }

    Run tandemctl(const QString& who, const QStringList& args, int timeoutMs = 60000) {
        return test::demoCtl(demo(), who, args, timeoutMs);
    }

    QString sessionId(const QString& who) { return test::demoSessionId(demo(), who); }

    // `who`'s conversation with `with`, oldest first, as a fresh process shows it.
    std::vector<QJsonObject> history(const QString& who, const QString& with) {
        const Run r = tandemctl(who, {QStringLiteral("history"), QStringLiteral("--with"), with,
                                      QStringLiteral("--json")});
        if (r.status != 0) {
            qFatal("history failed: %s", qPrintable(r.err));
        }
        return jsonLines(r.out);
    }

    // What arrives for `who` until nothing has for `quietS` seconds.
    std::vector<QJsonObject> receive(const QString& who, int quietS = 2) {
        const Run r = tandemctl(who, {QStringLiteral("receive"), QStringLiteral("--wait"),
                                      QString::number(quietS), QStringLiteral("--json")});
        if (r.status != 0) {
            qFatal("receive failed: %s", qPrintable(r.err));
        }
        return jsonLines(r.out);
    }

    // The timer `who` holds for the conversation with `with`: seconds, start, version, label.
    QJsonObject setting(const QString& who, const QString& with) {
        const Run r = tandemctl(who, {QStringLiteral("disappearing"), QStringLiteral("--with"),
                                      with, QStringLiteral("--json")});
        if (r.status != 0) {
            qFatal("disappearing failed: %s", qPrintable(r.err));
        }
        const auto lines = jsonLines(r.out);
        if (lines.size() != 1) {
            qFatal("disappearing --json printed %d lines", static_cast<int>(lines.size()));
        }
        return lines.front();
    }

    // Sets the timer; the change has left (the command waits for the network to take it).
    QJsonObject setTimer(const QString& who, const QString& with, const QStringList& args) {
        const Run r =
            tandemctl(who, QStringList{QStringLiteral("disappearing"), QStringLiteral("--with"),
                                       with, QStringLiteral("--json")} +
                               args);
        if (r.status != 0) {
            qFatal("disappearing %s failed (%d): %s", qPrintable(args.join(u' ')), r.status,
                   qPrintable(r.err));
        }
        return jsonLines(r.out).front();
    }

    void send(const QString& who, const QString& to, const QString& text) {
        const Run r = tandemctl(who, {QStringLiteral("send"), QStringLiteral("--to"), to,
                                      QStringLiteral("--text"), text});
        if (r.status != 0) {
            qFatal("send failed: %s", qPrintable(r.err));
        }
    }

private slots:
    void initTestCase() {
        QElapsedTimer clock;
        clock.start();
        QVERIFY2(test::startLocalnet(localnet_, dir_.filePath(QStringLiteral("net")), 30000,
                                     {QStringLiteral("--link-delay"), QStringLiteral("0")}),
                 "tandem-localnet did not become ready");
        QVERIFY(
            test::setUpDemoProfiles(QStringLiteral(TANDEM_SOURCE_DIR "/scripts/demo-profiles.sh"),
                                    demo(), dir_.filePath(QStringLiteral("net/network.json"))));
        aliceSession_ = sessionId(QStringLiteral("alice"));
        bobSession_ = sessionId(QStringLiteral("bob"));
        QVERIFY(aliceSession_.startsWith(QStringLiteral("05")));
        QVERIFY(bobSession_.startsWith(QStringLiteral("05")));
        qInfo("network and profiles ready in %lld ms", clock.elapsed());
    }

    void init() { clock_.start(); }
    void cleanup() { qInfo("took %lld ms", clock_.elapsed()); }

    // Signal mode: the line in both chats; alice's copy counts from her send, bob's from when
    // he reads it; the line stays.
    void signalMessagesCountDownFromTheRead() {
        const QString alice = QStringLiteral("alice");
        const QString bob = QStringLiteral("bob");
        const QJsonObject set = setTimer(alice, kBobPhone, {QStringLiteral("5s")});
        QCOMPARE(num(set, "seconds"), 5);
        QCOMPARE(str(set, "start"), QStringLiteral("after-read"));
        QCOMPARE(str(set, "label"), QStringLiteral("5 seconds"));
        const qint64 version = num(set, "version");
        QVERIFY(version >= 1);

        // Bob is told: the line arrives, and his conversation holds the same setting.
        const auto arrived = notices(receive(bob));
        QVERIFY2(arrived.size() == 1, qPrintable(dump(arrived)));
        QCOMPARE(str(arrived[0], "from"), kAlicePhone);
        QCOMPARE(str(arrived[0], "mode"), QStringLiteral("signal"));
        QVERIFY2(str(arrived[0], "text").contains(QStringLiteral("5 seconds")),
                 qPrintable(str(arrived[0], "text")));
        const QJsonObject bobSet = setting(bob, kAlicePhone);
        QCOMPARE(num(bobSet, "seconds"), 5);
        QCOMPARE(str(bobSet, "start"), QStringLiteral("after-read"));
        QCOMPARE(num(bobSet, "version"), version);
        for (const auto& [who, with, direction] :
             {std::tuple{alice, kBobPhone, QStringLiteral("out")},
              std::tuple{bob, kAlicePhone, QStringLiteral("in")}}) {
            const auto lines = notices(history(who, with));
            QVERIFY2(lines.size() == 1, qPrintable(dump(lines)));
            QCOMPARE(str(lines[0], "direction"), direction);
            const QJsonObject d = lines[0][QStringLiteral("disappearing")].toObject();
            QCOMPARE(num(d, "seconds"), 5);
            QCOMPARE(str(d, "start"), QStringLiteral("after-read"));
            QCOMPARE(num(d, "version"), version);
            QVERIFY2(str(lines[0], "text").contains(QStringLiteral("5 seconds")),
                     qPrintable(str(lines[0], "text")));
        }

        const QString text = QStringLiteral("gone five seconds after bob reads it");
        const qint64 before = now();
        send(alice, kBobPhone, text);
        const qint64 after = now();
        // Alice's copy counts from her send.
        const auto mine = findText(history(alice, kBobPhone), text);
        QVERIFY(mine);
        QCOMPARE(num(*mine, "expire_timer"), 5);
        QVERIFY2(num(*mine, "expires_at") >= before + kTimerMs &&
                     num(*mine, "expires_at") <= after + kTimerMs,
                 qPrintable(QStringLiteral("%1 not in [%2, %3]")
                                .arg(num(*mine, "expires_at"))
                                .arg(before + kTimerMs)
                                .arg(after + kTimerMs)));
        // Bob's carries the timer, not started: he has not read it.
        const auto theirs = findText(receive(bob), text);
        QVERIFY(theirs);
        QCOMPARE(num(*theirs, "expire_timer"), 5);
        QVERIFY(isNull(*theirs, "expires_at"));

        // Past alice's time: her copy is gone, bob's unread one is not.
        waitUntil(num(*mine, "expires_at") + 100);
        const auto aliceAfter = history(alice, kBobPhone);
        QVERIFY2(!findText(aliceAfter, text), qPrintable(dump(aliceAfter)));
        QCOMPARE(notices(aliceAfter).size(), std::size_t{1});
        const auto unread = findText(history(bob, kAlicePhone), text);
        QVERIFY(unread);
        QVERIFY(isNull(*unread, "expires_at"));
        QVERIFY(isNull(*unread, "read_at"));

        // Read: the countdown starts now.
        const qint64 readFrom = now();
        const Run read =
            tandemctl(bob, {QStringLiteral("read"), QStringLiteral("--with"), kAlicePhone});
        const qint64 readTo = now();
        QVERIFY2(read.status == 0, qPrintable(read.err));
        QVERIFY2(read.out.contains(QStringLiteral("1 message(s) marked read")),
                 qPrintable(read.out));
        const auto counting = findText(history(bob, kAlicePhone), text);
        QVERIFY(counting);
        const qint64 expiresAt = num(*counting, "expires_at");
        QVERIFY2(expiresAt >= readFrom + kTimerMs && expiresAt <= readTo + kTimerMs,
                 qPrintable(QStringLiteral("%1 not in [%2, %3]")
                                .arg(expiresAt)
                                .arg(readFrom + kTimerMs)
                                .arg(readTo + kTimerMs)));
        QVERIFY(!isNull(*counting, "read_at"));

        waitUntil(expiresAt + 100);
        const auto bobAfter = history(bob, kAlicePhone);
        QVERIFY2(!findText(bobAfter, text), qPrintable(dump(bobAfter)));
        QCOMPARE(notices(bobAfter).size(), std::size_t{1});  // the line stays
    }

    // Read, then every process ends mid-countdown: a later one shows the same countdown (not
    // restarted, not lost); one opened after its time never has it, not even in the store
    // right after opening.
    void aProfileOpenedAfterTheTimeNoLongerHasIt() {
        const QString bob = QStringLiteral("bob");
        const QString text = QStringLiteral("read, then closed mid-countdown");
        send(QStringLiteral("alice"), kBobPhone, text);
        QVERIFY(findText(receive(bob, 1), text));
        const Run read =
            tandemctl(bob, {QStringLiteral("read"), QStringLiteral("--with"), kAlicePhone});
        QVERIFY2(read.status == 0, qPrintable(read.err));
        const auto counting = findText(history(bob, kAlicePhone), text);
        QVERIFY(counting);
        const qint64 expiresAt = num(*counting, "expires_at");
        const auto id = num(*counting, "id");
        QVERIFY(expiresAt > now());

        // Mid-countdown, a new process: the same time.
        waitUntil(expiresAt - 2000);
        const auto still = findText(history(bob, kAlicePhone), text);
        QVERIFY2(still, "gone before its time");
        QCOMPARE(num(*still, "expires_at"), expiresAt);

        // After it, with no process running in between: opening deletes it before anything
        // reads it.
        waitUntil(expiresAt + 50);
        QFile pass(demo() + QStringLiteral("/bob.pass"));
        QVERIFY(pass.open(QIODevice::ReadOnly));
        const QByteArray secret = pass.readAll().trimmed();
        {
            storage::Store store;
            const auto opened = test::await(
                store.open(demo() + QStringLiteral("/bob"),
                           storage::Credentials::withPassphrase(SecretBytes(
                               reinterpret_cast<const std::uint8_t*>(secret.constData()),  // NOLINT
                               static_cast<std::size_t>(secret.size())))));
            QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().message));
            const auto row = test::await(
                store.read([id](storage::Repositories& r) { return r.messages.get(id); }));
            QVERIFY2(!row, "the expired message is still in the store after opening it");
            QCOMPARE(row.error().code, storage::StoreErrorCode::NotFound);
        }
        const auto after = history(bob, kAlicePhone);
        QVERIFY2(!findText(after, text), qPrintable(dump(after)));
    }

    // Bad timers and a start rule the mode does not have: refused, one line saying why, and
    // nothing changes or is sent.
    void badTimersAreRefusedAndChangeNothing() {
        const QString alice = QStringLiteral("alice");
        const QJsonObject before = setting(alice, kBobPhone);
        const std::size_t lines = history(alice, kBobPhone).size();
        const auto refused = [&](const QStringList& args, int status, const QString& says) {
            const Run r = tandemctl(alice, QStringList{QStringLiteral("disappearing")} + args);
            QVERIFY2(
                r.status == status && r.err.contains(says),
                qPrintable(
                    QStringLiteral("%1 → %2: %3").arg(args.join(u' ')).arg(r.status).arg(r.err)));
            QCOMPARE(r.err.trimmed().count(u'\n'), 0);  // one line
            QVERIFY(r.out.isEmpty());
        };
        const QString with = QStringLiteral("--with");
        refused({with, kBobPhone, QStringLiteral("3s")}, 2,
                QStringLiteral("between 5 seconds and 4 weeks"));
        refused({with, kBobPhone, QStringLiteral("5w")}, 2,
                QStringLiteral("between 5 seconds and 4 weeks"));
        refused({with, kBobPhone, QStringLiteral("2419201")}, 2,
                QStringLiteral("between 5 seconds and 4 weeks"));
        refused({with, kBobPhone, QStringLiteral("banana")}, 2, QStringLiteral("is not a timer"));
        refused({with, kBobPhone, QStringLiteral("1.5h")}, 2, QStringLiteral("is not a timer"));
        refused({with, kBobPhone, QStringLiteral("30s"), QStringLiteral("--start"),
                 QStringLiteral("after-send")},
                1, QStringLiteral("Signal mode"));
        refused({with, kBobPhone, QStringLiteral("--start"), QStringLiteral("sometime")}, 2,
                QStringLiteral("--start"));
        refused({with, QStringLiteral("self"), QStringLiteral("5s"), QStringLiteral("--start"),
                 QStringLiteral("after-read")},
                1, QStringLiteral("Note to Self"));
        refused({with, QStringLiteral("nobody"), QStringLiteral("5s")}, 1,
                QStringLiteral("not 'self'"));

        const QJsonObject after = setting(alice, kBobPhone);
        QCOMPARE(after, before);
        QCOMPARE(history(alice, kBobPhone).size(), lines);
        // Nothing went to bob.
        const auto got = receive(QStringLiteral("bob"), 1);
        QVERIFY2(got.empty(), qPrintable(dump(got)));
    }

    // Note to Self has no reader: its notes count down from the send.
    void noteToSelfCountsFromTheSend() {
        const QString alice = QStringLiteral("alice");
        const QString self = QStringLiteral("self");
        const QJsonObject set = setTimer(alice, self, {QStringLiteral("5s")});
        QCOMPARE(num(set, "seconds"), 5);
        QCOMPARE(str(set, "start"), QStringLiteral("after-send"));
        const QString text = QStringLiteral("a note that goes by itself");
        const qint64 before = now();
        send(alice, self, text);
        const qint64 after = now();
        const auto note = findText(history(alice, self), text);
        QVERIFY(note);
        QCOMPARE(num(*note, "expire_timer"), 5);
        const qint64 expiresAt = num(*note, "expires_at");
        QVERIFY2(expiresAt >= before + kTimerMs && expiresAt <= after + kTimerMs,
                 qPrintable(QString::number(expiresAt)));
        waitUntil(expiresAt + 100);
        const auto lines = history(alice, self);
        QVERIFY2(!findText(lines, text), qPrintable(dump(lines)));
        QCOMPARE(notices(lines).size(), std::size_t{1});
    }

    // Both change the timer before either hears of the other's change: once both heard,
    // both hold the stricter one, at the same version, and each chat's last line says it.
    void changesMadeAtTheSameTimeEndTheSameOnBothSides() {
        const QString alice = QStringLiteral("alice");
        const QString bob = QStringLiteral("bob");
        const qint64 version = num(setting(alice, kBobPhone), "version");
        QCOMPARE(num(setting(bob, kAlicePhone), "version"), version);

        const QJsonObject hers = setTimer(alice, kBobPhone, {QStringLiteral("1h")});
        const QJsonObject his = setTimer(bob, kAlicePhone, {QStringLiteral("5m")});
        QCOMPARE(num(hers, "seconds"), 3600);
        QCOMPARE(num(his, "seconds"), 300);
        QCOMPARE(num(hers, "version"), version + 1);
        QCOMPARE(num(his, "version"), version + 1);
        receive(alice);
        receive(bob);

        for (const auto& [who, with] : {std::pair{alice, kBobPhone}, std::pair{bob, kAlicePhone}}) {
            const QJsonObject s = setting(who, with);
            QVERIFY2(
                num(s, "seconds") == 300 && num(s, "version") == version + 1 &&
                    str(s, "start") == QLatin1String("after-read"),
                qPrintable(who + QStringLiteral(": ") +
                           QString::fromUtf8(QJsonDocument(s).toJson(QJsonDocument::Compact))));
            const auto lines = notices(history(who, with));
            QVERIFY(!lines.empty());
            const QJsonObject last = lines.back()[QStringLiteral("disappearing")].toObject();
            QVERIFY2(num(last, "seconds") == 300,
                     qPrintable(who + QStringLiteral(":\n") + dump(lines)));
            QVERIFY2(str(lines.back(), "text").contains(QStringLiteral("5 minutes")),
                     qPrintable(str(lines.back(), "text")));
        }
    }

    // A change and the texts around it arrive in the order they were made, each text with the
    // timer that held when it was written.
    void aChangeAndTheTextsAroundItKeepTheirOrder() {
        const QString alice = QStringLiteral("alice");
        QCOMPARE(num(setTimer(alice, kBobPhone, {QStringLiteral("off")}), "seconds"), 0);
        send(alice, kBobPhone, QStringLiteral("before the change"));
        QCOMPARE(num(setTimer(alice, kBobPhone, {QStringLiteral("5m")}), "seconds"), 300);
        send(alice, kBobPhone, QStringLiteral("after the change"));

        std::vector<QJsonObject> got = receive(QStringLiteral("bob"));
        QVERIFY2(got.size() == 4, qPrintable(dump(got)));
        QCOMPARE(str(got[0], "kind"), QStringLiteral("notice"));
        QVERIFY2(str(got[0], "text").contains(QStringLiteral("turned off")),
                 qPrintable(str(got[0], "text")));
        QCOMPARE(str(got[1], "text"), QStringLiteral("before the change"));
        QCOMPARE(num(got[1], "expire_timer"), 0);
        QCOMPARE(str(got[2], "kind"), QStringLiteral("notice"));
        QVERIFY2(str(got[2], "text").contains(QStringLiteral("5 minutes")),
                 qPrintable(str(got[2], "text")));
        QCOMPARE(str(got[3], "text"), QStringLiteral("after the change"));
        QCOMPARE(num(got[3], "expire_timer"), 300);
        QVERIFY(isNull(got[3], "expires_at"));
        QCOMPARE(num(setting(QStringLiteral("bob"), kAlicePhone), "seconds"), 300);

        // The same order in bob's chat.
        const auto lines = history(QStringLiteral("bob"), kAlicePhone);
        QVERIFY(lines.size() >= 4);
        const std::vector<QJsonObject> tail(lines.end() - 4, lines.end());
        for (std::size_t i = 0; i < 4; ++i) {
            QCOMPARE(str(tail[i], "uid"), str(got[i], "uid"));
        }
    }

    // Session mode, after send, bob offline past the timer: the text is never shown to him;
    // the line is.
    void sessionAfterSendRunsOutBeforeAnOfflineRecipientConnects() {
        const QString alice = QStringLiteral("alice");
        const QString bob = QStringLiteral("bob");
        const QJsonObject set = setTimer(
            alice, bobSession_,
            {QStringLiteral("5s"), QStringLiteral("--start"), QStringLiteral("after-send")});
        QCOMPARE(num(set, "seconds"), 5);
        QCOMPARE(str(set, "start"), QStringLiteral("after-send"));
        const QString text = QStringLiteral("gone before bob connects");
        send(alice, bobSession_, text);
        const qint64 sent = now();

        waitUntil(sent + 7000);
        const Run r = tandemctl(bob, {QStringLiteral("receive"), QStringLiteral("--wait"),
                                      QStringLiteral("2"), QStringLiteral("--json")});
        QVERIFY2(r.status == 0, qPrintable(r.err));  // nothing unreadable either
        const auto got = jsonLines(r.out);
        QVERIFY2(!findText(got, text), qPrintable(dump(got)));
        const auto arrived = notices(got);
        QVERIFY2(arrived.size() == 1, qPrintable(dump(got)));
        QCOMPARE(str(arrived[0], "from"), aliceSession_);
        QVERIFY2(str(arrived[0], "text").contains(QStringLiteral("5 seconds after send")),
                 qPrintable(str(arrived[0], "text")));
        const QJsonObject bobSet = setting(bob, aliceSession_);
        QCOMPARE(num(bobSet, "seconds"), 5);
        QCOMPARE(str(bobSet, "start"), QStringLiteral("after-send"));
        QCOMPARE(num(bobSet, "version"), num(set, "version"));

        const auto bobLines = history(bob, aliceSession_);
        QVERIFY2(!findText(bobLines, text), qPrintable(dump(bobLines)));
        QCOMPARE(notices(bobLines).size(), std::size_t{1});
        const auto aliceLines = history(alice, bobSession_);
        QVERIFY2(!findText(aliceLines, text), qPrintable(dump(aliceLines)));
    }

    // Session mode, after send, bob online: the text arrives counting from its send and goes
    // at that time although bob never read it.
    void sessionAfterSendGoesUnreadAtItsTime() {
        const QString bob = QStringLiteral("bob");
        QCOMPARE(str(setting(QStringLiteral("alice"), bobSession_), "start"),
                 QStringLiteral("after-send"));
        QProcess receiver;
        receiver.start(
            test::binDirOr(QStringLiteral("tandemctl")),
            profileArgs(bob) + QStringList{QStringLiteral("receive"), QStringLiteral("--wait"),
                                           QStringLiteral("60"), QStringLiteral("--json")});
        QVERIFY(receiver.waitForStarted(10000));
        QByteArray said;
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         said += receiver.readAllStandardError();
                         return said.contains("receiving (");
                     },
                     30000),
                 said.constData());

        const QString text = QStringLiteral("counted from the send");
        const qint64 before = now();
        send(QStringLiteral("alice"), bobSession_, text);
        const qint64 after = now();
        QByteArray printed;
        const bool came = QTest::qWaitFor(
            [&] {
                printed += receiver.readAllStandardOutput();
                return printed.contains(text.toUtf8()) && printed.endsWith('\n');
            },
            10000);
        // Stopped as a user would, once it arrived: the profile is free for the next look.
        receiver.terminate();
        QVERIFY(receiver.waitForFinished(10000));
        printed += receiver.readAllStandardOutput();
        QVERIFY2(came, printed.constData());
        const auto got = jsonLines(QString::fromUtf8(printed));
        const auto arrived = findText(got, text);
        QVERIFY2(arrived, qPrintable(dump(got)));
        QCOMPARE(num(*arrived, "expire_timer"), 5);
        const qint64 expiresAt = num(*arrived, "expires_at");
        QCOMPARE(expiresAt, num(*arrived, "sent_at") + kTimerMs);
        QVERIFY2(expiresAt >= before + kTimerMs && expiresAt <= after + kTimerMs,
                 qPrintable(QStringLiteral("%1 not in [%2, %3]")
                                .arg(expiresAt)
                                .arg(before + kTimerMs)
                                .arg(after + kTimerMs)));

        // Before its time it is there, unread.
        const auto kept = findText(history(bob, aliceSession_), text);
        QVERIFY2(now() < expiresAt, "too slow to look before the timer ran out");
        QVERIFY2(kept, "gone before its time");
        QVERIFY(isNull(*kept, "read_at"));
        QCOMPARE(num(*kept, "expires_at"), expiresAt);

        waitUntil(expiresAt + 100);
        const qint64 lookedAt = now();
        const auto lines = history(bob, aliceSession_);
        QVERIFY(lookedAt < expiresAt + 1000);
        QVERIFY2(!findText(lines, text), qPrintable(dump(lines)));
        QVERIFY(!notices(lines).empty());
    }

    // The other direction, in both modes: bob writes with the conversation's timer, alice's
    // copy waits for her read (Signal mode's rule for received messages; Session mode's
    // after-read), bob's goes at its send's time, alice's at her read's.
    void bobToAliceInBothModes() {
        const QString alice = QStringLiteral("alice");
        const QString bob = QStringLiteral("bob");
        for (const auto& [toAlice, toBob] :
             {std::pair{kAlicePhone, kBobPhone}, std::pair{aliceSession_, bobSession_}}) {
            setTimer(
                bob, toAlice,
                {QStringLiteral("5s"), QStringLiteral("--start"), QStringLiteral("after-read")});
            receive(alice);
            QCOMPARE(num(setting(alice, toBob), "seconds"), 5);
            const QString text = QStringLiteral("bob's, counted from alice's read in %1")
                                     .arg(toAlice.startsWith(u'+') ? "signal" : "session");
            const qint64 sentFrom = now();
            send(bob, toAlice, text);
            const auto mine = findText(history(bob, toAlice), text);
            QVERIFY(mine);
            QVERIFY(num(*mine, "expires_at") >= sentFrom + kTimerMs);
            const auto theirs = findText(receive(alice), text);
            QVERIFY2(theirs, qPrintable(text));
            QCOMPARE(num(*theirs, "expire_timer"), 5);
            QVERIFY(isNull(*theirs, "expires_at"));

            waitUntil(num(*mine, "expires_at") + 100);
            QVERIFY(!findText(history(bob, toAlice), text));
            QVERIFY(findText(history(alice, toBob), text));  // unread: kept

            const qint64 readFrom = now();
            QCOMPARE(
                tandemctl(alice, {QStringLiteral("read"), QStringLiteral("--with"), toBob}).status,
                0);
            const auto counting = findText(history(alice, toBob), text);
            QVERIFY(counting);
            QVERIFY(num(*counting, "expires_at") >= readFrom + kTimerMs);
            waitUntil(num(*counting, "expires_at") + 100);
            QVERIFY(!findText(history(alice, toBob), text));
            setTimer(bob, toAlice, {QStringLiteral("off")});
            receive(alice);
        }
    }

    void cleanupTestCase() {
        localnet_.terminate();
        localnet_.waitForFinished(15000);
    }

private:
    QElapsedTimer clock_;
};

QTEST_GUILESS_MAIN(DisappearingE2eTest)
#include "tst_disappearing_e2e.moc"
