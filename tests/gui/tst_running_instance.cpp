// RunningInstance (app/gui/RunningInstance.h): one app per user and profile. A second instance
// for the same profile hands its tandem:// links to the first, in order, and asks it to come to
// the front; another profile's instance is not reached; what is not the protocol is dropped
// unheard; a socket left behind by a crashed app is taken over. Then the real binary: a second
// `tandem` with a link for a profile that is open already exits at once, the link handed over.
#include <thread>

#include <QLocalSocket>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app/gui/RunningInstance.h"
#include "tests/support/TestSupport.h"

using tandem::gui::RunningInstance;
namespace test = tandem::test;

namespace {

const QString kContact =
    QStringLiteral("tandem://contact/#id=aci:0123456789abcdef0123456789abcdef");
const QString kStickers =
    QStringLiteral("tandem://stickers/#pack_id=00112233445566778899aabbccddeeff&pack_key=00");

}  // namespace

class RunningInstanceTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QTemporaryDir runtime_;

    QString profile(const QString& name) const { return dir_.filePath(name); }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        QVERIFY(runtime_.isValid());
        // The user's runtime folder, as a desktop session has one (0700).
        QFile::setPermissions(runtime_.path(),
                              QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        qputenv("XDG_RUNTIME_DIR", runtime_.path().toUtf8());
    }

    void socketIsPerProfileInTheRuntimeFolder() {
        const QString a = RunningInstance::socketPath(profile(QStringLiteral("a")));
        QVERIFY(a.startsWith(runtime_.path() + QStringLiteral("/tandem-")));
        QVERIFY(a.endsWith(QLatin1String(".sock")));
        QCOMPARE(RunningInstance::socketPath(profile(QStringLiteral("a"))), a);
        QVERIFY(RunningInstance::socketPath(profile(QStringLiteral("b"))) != a);
        // The path, not how it was written, names the profile.
        QCOMPARE(RunningInstance::socketPath(dir_.path() + QStringLiteral("/x/../a")), a);
        QVERIFY(!a.contains(QLatin1String("/a.sock")));  // no profile name in it
    }

    void linksGoToTheRunningInstanceInOrder() {
        RunningInstance first(profile(QStringLiteral("p1")));
        QString error;
        QVERIFY2(first.listen(&error), qPrintable(error));
        QSignalSpy links(&first, &RunningInstance::linkReceived);
        QSignalSpy front(&first, &RunningInstance::activationRequested);
        // forward() blocks until answered: the first instance serves from another thread's
        // point of view here, so answer from this event loop while a helper thread forwards.
        bool delivered = false;
        std::thread second([&] {
            RunningInstance other(profile(QStringLiteral("p1")));
            delivered = other.forward({kContact, QStringLiteral("  ") + kStickers + u'\n'});
        });
        QTRY_VERIFY_WITH_TIMEOUT(front.count() == 1, 5000);
        second.join();
        QVERIFY(delivered);
        QCOMPARE(links.count(), 2);
        QCOMPARE(links.at(0).at(0).toString(), kContact);
        QCOMPARE(links.at(1).at(0).toString(), kStickers);

        // Another profile: nobody listens.
        RunningInstance elsewhere(profile(QStringLiteral("p2")));
        QVERIFY(!elsewhere.forward({kContact}, 500));
    }

    void whatIsNotTheProtocolIsDropped() {
        RunningInstance first(profile(QStringLiteral("p3")));
        QString error;
        QVERIFY(first.listen(&error));
        QSignalSpy links(&first, &RunningInstance::linkReceived);
        QSignalSpy front(&first, &RunningInstance::activationRequested);
        for (const QByteArray& request :
             {QByteArray("link https://example.org/\nend\n"), QByteArray("open sesame\nend\n"),
              QByteArray("link tandem://") + QByteArray(64 * 1024, 'a')}) {
            QLocalSocket socket;
            socket.connectToServer(RunningInstance::socketPath(profile(QStringLiteral("p3"))));
            QVERIFY(socket.waitForConnected(2000));
            socket.write(request);
            socket.flush();
            QTRY_VERIFY_WITH_TIMEOUT(socket.state() == QLocalSocket::UnconnectedState, 5000);
            QVERIFY(!socket.readAll().contains("ok"));
        }
        QCOMPARE(links.count(), 0);
        QCOMPARE(front.count(), 0);
    }

    void aStaleSocketIsTakenOver() {
        const QString path = RunningInstance::socketPath(profile(QStringLiteral("p4")));
        test::writeFile(path, "left behind");  // what a crashed app leaves is in the way
        RunningInstance first(profile(QStringLiteral("p4")));
        QVERIFY(!first.forward({kContact}, 500));
        QString error;
        QVERIFY2(first.listen(&error), qPrintable(error));
    }

    // The real app: the second `tandem` for an open profile hands over its link and exits 0
    // at once, where without the first one it would have opened a window and stayed.
    void theSecondAppHandsOverAndExits() {
        const QString app = test::binDirOr(QStringLiteral("tandem"));
        const QString p = profile(QStringLiteral("app"));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime_.path());
        QProcess first;
        first.setProcessEnvironment(env);
        first.start(app, {QStringLiteral("--profile"), p});
        QVERIFY(first.waitForStarted(10000));
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(RunningInstance::socketPath(p)), 20000);

        QProcess second;
        second.setProcessEnvironment(env);
        second.start(app, {QStringLiteral("--profile"), p, kContact});
        QVERIFY2(second.waitForFinished(10000), "the second app did not hand over and exit");
        QCOMPARE(second.exitStatus(), QProcess::NormalExit);
        QCOMPARE(second.exitCode(), 0);
        QCOMPARE(first.state(), QProcess::Running);

        QProcess version;
        version.start(app, {QStringLiteral("--version")});  // no display needed
        QVERIFY(version.waitForFinished(10000));
        QCOMPARE(version.readAllStandardOutput(), QByteArray("tandem " TANDEM_VERSION "\n"));

        first.terminate();
        QVERIFY(first.waitForFinished(20000));
    }
};

QTEST_GUILESS_MAIN(RunningInstanceTest)
#include "tst_running_instance.moc"
