// The daemons' --config FILE and SIGHUP reload (DaemonOptions.h, RelaySettings.h,
// NodeSettings.h): the file read strictly with the line at fault, the command line winning over
// it, and real tandem-relayd / tandem-node processes applying a reload live (a lowered
// per-address limit refuses the next connection), naming what needs a restart, and refusing a
// bad file while they keep serving. And tandem-node --print-identity.
#include <csignal>
#include <sodium.h>

#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include "tests/support/Daemons.h"
#include "tests/support/TestSupport.h"
#include "transport/daemon/DaemonOptions.h"
#include "transport/relay/server/RelaySettings.h"

using namespace tandem;
namespace test = tandem::test;
using daemon::DaemonOptions;

namespace {

// A daemon started by the test, with its stderr collected (the reload log goes there).
struct Daemon {
    QProcess process;
    QString err;
    quint16 port = 0;

    bool start(const QString& program, const QStringList& args) {
        QObject::connect(&process, &QProcess::readyReadStandardError, &process,
                         [this] { err += QString::fromUtf8(process.readAllStandardError()); });
        process.start(program, args);
        if (!process.waitForStarted(10000)) {
            return false;
        }
        QString out;
        const bool ready = QTest::qWaitFor(
            [&] {
                out += QString::fromUtf8(process.readAllStandardOutput());
                return out.contains(QLatin1String(" ready ")) ||
                       process.state() == QProcess::NotRunning;
            },
            20000);
        const auto match = QRegularExpression(QStringLiteral("ready [0-9.]+:(\\d+) ")).match(out);
        port = static_cast<quint16>(match.captured(1).toUInt());
        return ready && port != 0;
    }
    // SIGHUP, then waits for a log line containing `expect`.
    bool reload(const QString& expect) {
        const qsizetype from = err.size();
        ::kill(static_cast<pid_t>(process.processId()), SIGHUP);
        return QTest::qWaitFor([&] { return err.indexOf(expect, from) >= 0; }, 10000);
    }
    ~Daemon() {
        if (process.state() != QProcess::NotRunning) {
            process.terminate();
            if (!process.waitForFinished(10000)) {
                process.kill();
                process.waitForFinished();
            }
        }
    }
};

// Connects to 127.0.0.1:port and says, after `settleMs`, whether the daemon kept the
// connection open (its gate closes a refused one at once).
bool keptOpen(QTcpSocket& socket, quint16 port, int settleMs = 1500) {
    socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    if (!socket.waitForConnected(5000)) {
        return false;
    }
    QTest::qWait(settleMs);
    return socket.state() == QAbstractSocket::ConnectedState;
}

Expected<DaemonOptions, QString> loadWith(const QStringList& args) {
    QCommandLineParser parser;
    for (const QString& name : relay::RelaySettings::optionNames()) {
        parser.addOption({name, name, QStringLiteral("V")});
    }
    DaemonOptions::addConfigOption(parser);
    if (!parser.parse(QStringList{QStringLiteral("tandem-relayd")} + args)) {
        return unexpected(parser.errorText());
    }
    return DaemonOptions::load(parser, relay::RelaySettings::optionNames());
}

}  // namespace

class DaemonConfigTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

    QString file(const QString& name, const QByteArray& text) {
        const QString path = dir_.filePath(name);
        test::writeFile(path, text);
        return path;
    }

private slots:
    void initTestCase() {
        QVERIFY(sodium_init() >= 0);
        QVERIFY(dir_.isValid());
    }

    void fileReadsCommentsSectionAndSpaces() {
        const QString path = file(QStringLiteral("good.conf"),
                                  "# a comment\n; another\n[tandem-relayd]\n\n  listen =  "
                                  "0.0.0.0:4100  \nmailbox-quota=512\n");
        const auto values = DaemonOptions::readFile(path, relay::RelaySettings::optionNames());
        QVERIFY2(values, qPrintable(values ? QString() : values.error()));
        QCOMPARE(values->size(), 2);
        QCOMPARE(values->value(QStringLiteral("listen")), QStringLiteral("0.0.0.0:4100"));
        QCOMPARE(values->value(QStringLiteral("mailbox-quota")), QStringLiteral("512"));
    }

    void fileRefusesWhatIsWrongByLine_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown") << QByteArray("listen = 127.0.0.1:1\nlisten-on = x\n")
                                 << QStringLiteral(":2: unknown option 'listen-on' (known: data");
        QTest::newRow("twice") << QByteArray("verify = none\nverify = none\n")
                               << QStringLiteral(":2: verify is given twice");
        QTest::newRow("no equals") << QByteArray("\n\nlisten 127.0.0.1:1\n")
                                   << QStringLiteral(":3: expected \"name = value\"");
        QTest::newRow("empty value")
            << QByteArray("mailbox-quota =\n") << QStringLiteral(":1: mailbox-quota has no value");
        QTest::newRow("late section") << QByteArray("verify = none\n[relay]\n")
                                      << QStringLiteral(":2: one [section] at most");
        QTest::newRow("config in config")
            << QByteArray("config = /etc/x\n") << QStringLiteral(":1: unknown option 'config'");
    }
    void fileRefusesWhatIsWrongByLine() {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        const QString path = file(QStringLiteral("bad.conf"), text);
        const auto values = DaemonOptions::readFile(path, relay::RelaySettings::optionNames());
        QVERIFY(!values);
        QVERIFY2(values.error().startsWith(path + expected), qPrintable(values.error()));
        const auto missing = DaemonOptions::readFile(dir_.filePath(QStringLiteral("none.conf")),
                                                     relay::RelaySettings::optionNames());
        QVERIFY(!missing);
        QVERIFY2(missing.error().contains(QLatin1String("cannot read")),
                 qPrintable(missing.error()));
    }

    void commandLineWinsOverTheFile() {
        const QString path =
            file(QStringLiteral("win.conf"), "listen = 127.0.0.1:4100\nmailbox-quota = 64\n");
        const auto options = loadWith({QStringLiteral("--config"), path, QStringLiteral("--listen"),
                                       QStringLiteral("::1:5")});
        QVERIFY(options);
        QCOMPARE(options->value(QStringLiteral("listen")), QStringLiteral("::1:5"));
        QCOMPARE(options->value(QStringLiteral("mailbox-quota")), QStringLiteral("64"));
        QVERIFY(!options->isSet(QStringLiteral("verify")));
        QCOMPARE(options->configFile(), path);
        const auto settings = relay::RelaySettings::read(*options);
        QVERIFY(!settings);  // no --data anywhere
        QCOMPARE(settings.error(), QStringLiteral("--data DIR is required"));
    }

    void relaydRefusesABadFileAtStart() {
        const QString path = file(QStringLiteral("start.conf"), "max-per-adress = 3\n");
        QProcess p;
        p.start(test::relaydPath(), {QStringLiteral("--config"), path, QStringLiteral("--data"),
                                     dir_.filePath(QStringLiteral("never"))});
        QVERIFY(p.waitForFinished(20000));
        QCOMPARE(p.exitCode(), 2);
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(err.contains(path + QStringLiteral(":1: unknown option 'max-per-adress'")),
                 qPrintable(err));
        QVERIFY(!QFileInfo::exists(dir_.filePath(QStringLiteral("never"))));
    }

    void relaydReloadsLiveAndKeepsServingOnABadFile() {
        const QString conf = dir_.filePath(QStringLiteral("relayd.conf"));
        test::writeFile(conf, "listen = 127.0.0.1:0\nmax-per-address = 2\n");
        Daemon relay;
        QVERIFY(relay.start(test::relaydPath(),
                            {QStringLiteral("--config"), conf, QStringLiteral("--data"),
                             dir_.filePath(QStringLiteral("relay"))}));
        {
            QTcpSocket a;
            QTcpSocket b;
            QVERIFY(keptOpen(a, relay.port, 200));
            QVERIFY(keptOpen(b, relay.port));  // two from one address: allowed
        }
        // One per address from now on, a new quota, and a listen address that waits for a
        // restart.
        test::writeFile(conf, "listen = 127.0.0.1:4999\nmax-per-address = 1\nmailbox-quota = 8\n");
        QVERIFY2(relay.reload(QStringLiteral("applied")), qPrintable(relay.err));
        QVERIFY2(relay.err.contains(QLatin1String("tandem-relayd: reloaded " + conf.toUtf8() +
                                                  ": mailbox-quota max-per-address applied")),
                 qPrintable(relay.err));
        QVERIFY2(relay.err.contains(QLatin1String(
                     "tandem-relayd: listen changed: that takes effect after a restart")),
                 qPrintable(relay.err));
        QTest::qWait(300);  // the closed sockets above have left the gate
        {
            QTcpSocket a;
            QTcpSocket b;
            QVERIFY(keptOpen(a, relay.port, 200));
            QVERIFY(!keptOpen(b, relay.port));  // the new limit refuses the second
        }
        // A file with a mistake: refused, the line named, the relay still serving as before.
        test::writeFile(conf, "max-per-address = 0\n");
        QVERIFY(relay.reload(QStringLiteral("reload refused")));
        QVERIFY2(relay.err.contains(QLatin1String("reload refused: --max-per-address takes 1 "
                                                  "to 2000; the running settings stay")),
                 qPrintable(relay.err));
        test::writeFile(conf, "bogus = 1\n");
        QVERIFY(relay.reload(QStringLiteral(":1: unknown option 'bogus'")));
        QTest::qWait(300);
        {
            QTcpSocket a;
            QTcpSocket b;
            QVERIFY(keptOpen(a, relay.port, 200));
            QVERIFY(!keptOpen(b, relay.port));  // still one per address
        }
        QCOMPARE(relay.process.state(), QProcess::Running);
        // What it logged names options, never their values.
        QVERIFY(!relay.err.contains(QLatin1String("4999")));
    }

    void nodePrintsItsIdentityAndReloadsItsQuotas() {
        const QString data = dir_.filePath(QStringLiteral("node"));
        QProcess print;
        print.start(test::binDirOr(QStringLiteral("tandem-node")),
                    {QStringLiteral("--data"), data, QStringLiteral("--print-identity")});
        QVERIFY(print.waitForFinished(20000));
        QCOMPARE(print.exitCode(), 0);
        const QString identity = QString::fromLatin1(print.readAllStandardOutput()).trimmed();
        QVERIFY2(QRegularExpression(QStringLiteral("^[0-9a-f]{64}$")).match(identity).hasMatch(),
                 qPrintable(identity));
        QVERIFY(test::onlyTheOwnerReads(data + QStringLiteral("/node.key")));

        const auto network = crypto::Ed25519KeyPair::generate();
        const QString conf = dir_.filePath(QStringLiteral("node.conf"));
        const QByteArray keyLine =
            "network-key = " +
            QByteArray(reinterpret_cast<const char*>(network.publicKey.data()), 32).toHex() + "\n";
        test::writeFile(conf, "directory = " + dir_.filePath(QStringLiteral("dir.bin")).toUtf8() +
                                  "\n" + keyLine);
        Daemon node;
        QVERIFY(node.start(test::binDirOr(QStringLiteral("tandem-node")),
                           {QStringLiteral("--config"), conf, QStringLiteral("--data"), data}));
        // The same identity as it printed.
        QVERIFY(test::readFile(data + QStringLiteral("/node.json")).contains(identity.toLatin1()));
        // A directory file that is not signed by the network key: refused, nothing changes.
        const QString forged = dir_.filePath(QStringLiteral("forged.bin"));
        test::writeFile(forged, QByteArray(200, 'x'));
        test::writeFile(conf,
                        "directory = " + forged.toUtf8() + "\n" + keyLine + "quota-per-id = 1\n");
        QVERIFY(node.reload(QStringLiteral("reload refused")));
        QVERIFY2(node.err.contains(QLatin1String("is not one the network key signed")),
                 qPrintable(node.err));
        test::writeFile(conf, "directory = " + dir_.filePath(QStringLiteral("dir.bin")).toUtf8() +
                                  "\n" + keyLine + "quota-per-id = 1\nstore-quota = 10\n");
        QVERIFY2(node.reload(QStringLiteral("quota-per-id store-quota applied")),
                 qPrintable(node.err));
        QCOMPARE(node.process.state(), QProcess::Running);
    }
};

QTEST_GUILESS_MAIN(DaemonConfigTest)
#include "tst_daemon_config.moc"
