// The daemons as processes, at their edges: one tandem-relayd or tandem-node per data folder
// (a second one on the same folder ran with the same key and database and overwrote
// relay.json / node.json), usage errors that all exit 2, and a node that will not announce
// itself ready over a directory the network key did not sign.
#include <sodium.h>

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "tests/support/Daemons.h"
#include "tests/support/TestSupport.h"

namespace test = tandem::test;

namespace {

struct Ended {
    int status = -1;
    QString out;
    QString err;
};

// Runs `program` until it exits (at most 20 s): what it printed and its exit status.
Ended runToEnd(const QString& program, const QStringList& args) {
    QProcess p;
    p.start(program, args);
    if (!p.waitForFinished(20000)) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

// The folder's files other than the database (whose WAL a running daemon may touch).
QMap<QString, QByteArray> keysAndAnnouncements(const QString& dir) {
    QMap<QString, QByteArray> files = test::snapshot(dir);
    for (auto it = files.begin(); it != files.end();) {
        it = it.key().contains(QStringLiteral(".db")) || it.key().endsWith(QStringLiteral(".lock"))
                 ? files.erase(it)
                 : std::next(it);
    }
    return files;
}

QString randomKeyHex() {
    unsigned char key[32];
    randombytes_buf(key, sizeof key);
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char*>(key), 32).toHex());
}

}  // namespace

class DaemonsTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(sodium_init() >= 0); }

    void oneRelayPerDataFolder() {
        test::RelayProcess relay;
        QVERIFY(relay.start());
        const auto before = keysAndAnnouncements(relay.dataDir());
        QVERIFY(before.contains(QStringLiteral("relay.json")));
        const Ended second =
            runToEnd(test::relaydPath(), {QStringLiteral("--data"), relay.dataDir()});
        QCOMPARE(second.status, 1);
        QVERIFY2(second.err.contains(QStringLiteral("is in use by tandem-relayd (pid")),
                 qPrintable(second.err));
        QVERIFY(!second.out.contains(QStringLiteral("ready")));
        QCOMPARE(keysAndAnnouncements(relay.dataDir()), before);
        // The first one still serves; killed outright, it starts again on the same folder.
        QVERIFY(relay.endpoint().port != 0);
        relay.kill();
        QVERIFY(relay.start());
    }

    void oneNodePerDataFolder() {
        QTemporaryDir dir;
        const QString data = dir.filePath(QStringLiteral("node"));
        const QString directory = dir.filePath(QStringLiteral("directory.bin"));  // not yet
        const QString key = randomKeyHex();
        const QStringList args = {QStringLiteral("--data"),        data,
                                  QStringLiteral("--directory"),   directory,
                                  QStringLiteral("--network-key"), key};
        QProcess first;
        first.setReadChannel(QProcess::StandardOutput);
        first.start(test::nodePath(), args);
        QVERIFY(QTest::qWaitFor(
            [&] {
                first.waitForReadyRead(100);
                return first.canReadLine();
            },
            20000));
        QVERIFY(first.readLine().startsWith("tandem-node ready"));
        const auto before = keysAndAnnouncements(data);
        QVERIFY(before.contains(QStringLiteral("node.json")));
        const Ended second = runToEnd(test::nodePath(), args);
        QCOMPARE(second.status, 1);
        QVERIFY2(second.err.contains(QStringLiteral("is in use by tandem-node (pid")),
                 qPrintable(second.err));
        QCOMPARE(keysAndAnnouncements(data), before);
        QCOMPARE(first.state(), QProcess::Running);
        first.kill();
        first.waitForFinished();

        // A directory that is there but not signed by the network key: no "ready".
        test::writeFile(directory, "not a signed directory");
        const Ended forged = runToEnd(test::nodePath(), args);
        QCOMPARE(forged.status, 1);
        QVERIFY2(forged.err.contains(QStringLiteral("not one the network key signed")),
                 qPrintable(forged.err));
        QVERIFY(!forged.out.contains(QStringLiteral("ready")));
    }

    // Every usage error exits 2 with one line that says what is wrong (an unknown option
    // exited 1, the others 2).
    void usageErrorsExitTwo() {
        QTemporaryDir dir;
        const QString data = dir.filePath(QStringLiteral("d"));
        const QString key = randomKeyHex();
        const QString directory = dir.filePath(QStringLiteral("directory.bin"));
        const std::vector<std::pair<QString, QStringList>> cases = {
            {test::relaydPath(), {QStringLiteral("--bogus")}},
            {test::relaydPath(), {QStringLiteral("--data")}},
            {test::relaydPath(), {}},
            {test::relaydPath(),
             {QStringLiteral("--data"), data, QStringLiteral("--listen"),
              QStringLiteral("localhost:1")}},
            {test::relaydPath(),
             {QStringLiteral("--data"), data, QStringLiteral("--verify"),
              QStringLiteral("carrier-pigeon")}},
            {test::relaydPath(), {QStringLiteral("--data"), data, QStringLiteral("stray")}},
            {test::nodePath(), {QStringLiteral("--bogus")}},
            {test::nodePath(), {QStringLiteral("--data"), data}},
            {test::nodePath(),
             {QStringLiteral("--data"), data, QStringLiteral("--directory"), directory,
              QStringLiteral("--network-key"), key.toUpper()}},
            {test::nodePath(),
             {QStringLiteral("--data"), data, QStringLiteral("--directory"), directory,
              QStringLiteral("--network-key"), key, QStringLiteral("--link-delay"),
              QStringLiteral("-1")}},
        };
        for (const auto& [program, args] : cases) {
            const Ended r = runToEnd(program, args);
            const QString what = program.section(u'/', -1) + u' ' + args.join(u' ');
            QVERIFY2(r.status == 2, qPrintable(what + QStringLiteral(": ") + r.err));
            QVERIFY2(r.err.count(u'\n') == 1 && r.err.contains(QStringLiteral("--help")),
                     qPrintable(what + QStringLiteral(": ") + r.err));
        }
        // --listen is optional: without it, loopback and any free port.
        QVERIFY(runToEnd(test::relaydPath(), {QStringLiteral("--help")})
                    .out.contains(QStringLiteral("default 127.0.0.1:0")));
        QCOMPARE(runToEnd(test::nodePath(), {QStringLiteral("--version")}).status, 0);
    }
};

QTEST_GUILESS_MAIN(DaemonsTest)
#include "tst_daemons.moc"
