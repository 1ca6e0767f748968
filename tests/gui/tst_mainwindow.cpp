// The real QML main window, as users see it (offscreen): it loads, shows the expected
// content, renders something, and the `tandem` binary starts and keeps running.
#include <QImage>
#include <QProcess>
#include <QQuickItem>
#include <QTemporaryDir>
#include <QTest>

#include "qml/app/AppWindow.h"
#include "tests/support/TestSupport.h"

class MainWindowTest : public QObject {
    Q_OBJECT

private slots:
    void loadsAndRenders() {
        QTemporaryDir profile;
        tandem::gui::AppWindow app(profile.path());
        QVERIFY(app.load());
        QQuickWindow* window = app.window();
        QVERIFY(window != nullptr);
        QVERIFY(QTest::qWaitForWindowExposed(window));
        QCOMPARE(window->title(), QStringLiteral("Tandem"));
        auto* title = window->findChild<QQuickItem*>(QStringLiteral("welcomeTitle"));
        QVERIFY(title != nullptr);
        QCOMPARE(title->property("text").toString(), QStringLiteral("Welcome to Tandem"));
        QVERIFY(title->isVisible());

        const QImage shot = window->grabWindow();
        QVERIFY(!shot.isNull());
        QCOMPARE(shot.size(), window->size() * window->devicePixelRatio());
        // Something was drawn: the frame holds more than a handful of colours.
        QSet<QRgb> colours;
        for (int y = 0; y < shot.height(); y += 4) {
            for (int x = 0; x < shot.width(); x += 4) {
                colours.insert(shot.pixel(x, y));
            }
        }
        QVERIFY2(colours.size() > 20, qPrintable(QString::number(colours.size())));
        QVERIFY(shot.save(tandem::test::artifactsDir() + QStringLiteral("/main-window.png")));
    }

    void theAppBinaryStartsAndStaysUp() {
        QProcess app;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        app.setProcessEnvironment(env);
        QTemporaryDir profile;
        app.start(QStringLiteral(TANDEM_APP), {QStringLiteral("--profile"), profile.path()});
        QVERIFY(app.waitForStarted(10000));
        QVERIFY2(!app.waitForFinished(2000), qPrintable(app.readAllStandardError()));
        QCOMPARE(app.state(), QProcess::Running);
        app.terminate();
        QVERIFY(app.waitForFinished(10000));
        QCOMPARE(app.exitStatus(), QProcess::NormalExit);
    }
};

QTEST_MAIN(MainWindowTest)
#include "tst_mainwindow.moc"
