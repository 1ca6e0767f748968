// The registration lock as a user meets it, processes only (tandem-relayd with codes written to
// a file, tandemctl): locking a number at registration, what someone else who gets the number's
// code is told, the holder moving to a new device with the PIN, weak PINs refused, and the lock
// taken off with set-pin --remove.
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "tests/support/Daemons.h"
#include "tests/support/TestSupport.h"

namespace {

struct Run {
    int status = -1;
    QString out;
    QString err;
};

constexpr auto kPhone = "+4915100000042";

}  // namespace

class RegistrationLockTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

    Run tandemctl(const QString& profile, const QStringList& args, const QString& pin = {}) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TANDEM_PASSPHRASE"), QStringLiteral("pw"));
        if (!pin.isEmpty()) {
            env.insert(QStringLiteral("TANDEM_PIN"), pin);
        }
        p.setProcessEnvironment(env);
        p.start(tandem::test::binDirOr(QStringLiteral("tandemctl")),
                QStringList{QStringLiteral("--profile"), dir_.filePath(profile)} + args);
        p.closeWriteChannel();
        if (!p.waitForFinished(60000)) {
            p.kill();
            qFatal("tandemctl timed out: %s", qPrintable(args.join(u' ')));
        }
        return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
                QString::fromUtf8(p.readAllStandardError())};
    }

    // init signal for kPhone in two steps, as a user does: ask for the code (unless `reuse`: a
    // code not spent by a successful registration stays valid, and the relay sends at most 3
    // per number in 10 minutes), then give it (with `extra` options and the PIN, if any).
    Run registerNumber(tandem::test::RelayProcess& relay, const QString& profile,
                       const QStringList& extra = {}, const QString& pin = {}, bool reuse = false) {
        const QString network = dir_.filePath(QStringLiteral("network.json"));
        const QStringList init{QStringLiteral("init"),      QStringLiteral("signal"),
                               QStringLiteral("--phone"),   QLatin1String(kPhone),
                               QStringLiteral("--network"), network,
                               QStringLiteral("--force")};
        if (!reuse) {
            const Run asked = tandemctl(profile, init);
            if (asked.status != 0 || !asked.out.contains(QStringLiteral("--code"))) {
                return asked;
            }
        }
        const QString code = relay.lastCode(QLatin1String(kPhone));
        return tandemctl(profile, init + QStringList{QStringLiteral("--code"), code} + extra, pin);
    }

private slots:
    void aLockedNumberStaysWithItsHolder() {
        tandem::test::RelayProcess relay(QStringLiteral("file"));
        QVERIFY(relay.start());
        QVERIFY(!relay.writeNetworkJson(dir_.filePath(QStringLiteral("network.json"))).isEmpty());
        for (const char* who : {"alice", "alice-new-laptop", "mallory"}) {
            QCOMPARE(
                tandemctl(QLatin1String(who), {QStringLiteral("create"), QStringLiteral("--kdf"),
                                               QStringLiteral("interactive")})
                    .status,
                0);
        }

        // A weak PIN is refused before anything is registered.
        const Run weak = registerNumber(relay, QStringLiteral("alice"), {QStringLiteral("--pin")},
                                        QStringLiteral("1234"));
        QCOMPARE(weak.status, 1);
        QVERIFY2(weak.err.contains(QStringLiteral("digits in a row")), qPrintable(weak.err));
        QVERIFY(tandemctl(QStringLiteral("alice"), {QStringLiteral("whoami")})
                    .out.contains(QStringLiteral("no account yet")));

        const Run locked = registerNumber(relay, QStringLiteral("alice"), {QStringLiteral("--pin")},
                                          QStringLiteral("2580"), true);
        QVERIFY2(locked.status == 0, qPrintable(locked.err));
        QVERIFY2(locked.out.contains(QStringLiteral("locked with your PIN")),
                 qPrintable(locked.out));
        const Run who = tandemctl(QStringLiteral("alice"), {QStringLiteral("whoami")});
        QVERIFY2(who.out.contains(QStringLiteral("registration lock: on")), qPrintable(who.out));
        const QString aliceId =
            who.out.section(QStringLiteral("account id: "), 1).section(u' ', 0, 0);
        QVERIFY(aliceId.startsWith(QStringLiteral("aci:")));

        // Someone else who receives the number's code is told why, and what would work.
        const Run taken = registerNumber(relay, QStringLiteral("mallory"));
        QCOMPARE(taken.status, 1);
        QVERIFY2(taken.err.contains(QStringLiteral("registration lock")), qPrintable(taken.err));
        QVERIFY2(taken.err.contains(QStringLiteral("--pin")), qPrintable(taken.err));
        const Run guessed = registerNumber(relay, QStringLiteral("mallory"),
                                           {QStringLiteral("--pin")}, QStringLiteral("1397"), true);
        QCOMPARE(guessed.status, 1);
        QVERIFY2(guessed.err.contains(QStringLiteral("PIN is wrong")), qPrintable(guessed.err));
        QVERIFY(tandemctl(QStringLiteral("mallory"), {QStringLiteral("whoami")})
                    .out.contains(QStringLiteral("no account yet")));

        // Alice on a new laptop: the PIN registers the number, and the account is hers still
        // (the same account id), locked as before.
        const Run moved = registerNumber(relay, QStringLiteral("alice-new-laptop"),
                                         {QStringLiteral("--pin")}, QStringLiteral("2580"), true);
        QVERIFY2(moved.status == 0, qPrintable(moved.err));
        const Run movedWho =
            tandemctl(QStringLiteral("alice-new-laptop"), {QStringLiteral("whoami")});
        QVERIFY2(movedWho.out.contains(aliceId), qPrintable(movedWho.out));
        QVERIFY(movedWho.out.contains(QStringLiteral("registration lock: on")));

        // set-pin: a weak PIN is refused; a new PIN replaces the old one; --remove unlocks.
        const Run weakChange = tandemctl(QStringLiteral("alice-new-laptop"),
                                         {QStringLiteral("set-pin")}, QStringLiteral("7777"));
        QCOMPARE(weakChange.status, 1);
        QVERIFY2(weakChange.err.contains(QStringLiteral("repeated")), qPrintable(weakChange.err));
        QCOMPARE(tandemctl(QStringLiteral("alice-new-laptop"), {QStringLiteral("set-pin")},
                           QStringLiteral("hunter42"))
                     .status,
                 0);
        QCOMPARE(registerNumber(relay, QStringLiteral("mallory"), {QStringLiteral("--pin")},
                                QStringLiteral("2580"))
                     .status,
                 1);  // the old PIN no longer opens it
        const Run removed = tandemctl(QStringLiteral("alice-new-laptop"),
                                      {QStringLiteral("set-pin"), QStringLiteral("--remove")});
        QVERIFY2(removed.status == 0, qPrintable(removed.err));
        QVERIFY(tandemctl(QStringLiteral("alice-new-laptop"), {QStringLiteral("whoami")})
                    .out.contains(QStringLiteral("registration lock: off")));
        const Run open = registerNumber(relay, QStringLiteral("mallory"), {}, {}, true);
        QVERIFY2(open.status == 0, qPrintable(open.err));
    }
};

QTEST_GUILESS_MAIN(RegistrationLockTest)
#include "tst_registration_lock.moc"
