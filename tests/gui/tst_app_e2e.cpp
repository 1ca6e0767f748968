// The app end to end, as the README's run command sets it up: tandem-localnet (a relay and
// nine onion nodes, real processes), the demo profiles alice and bob made by
// scripts/demo-profiles.sh with tandemctl, and two app windows on the real QML. Through the
// UI only (clicks and keys): in Signal mode and then in Session mode, alice opens her
// conversation with Bob, types a message and presses Enter; it appears in bob's window; bob
// answers the same way; his window marks it read and alice's message shows as read. Screenshots of
// both windows are kept as test artifacts.
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QGuiApplication>
#include <QPalette>
#include <QProcess>
#include <QQuickItem>
#include <QTemporaryDir>
#include <QTest>

#include "qml/app/AppWindow.h"
#include "qml/app/Notifier.h"
#include "qml/chat/MessageListModel.h"
#include "qml/conversations/ConversationListModel.h"
#include "qml/core/AppCore.h"
#include "qml/latency/LatencyDashboard.h"
#include "tests/gui/ChatRounds.h"
#include "tests/gui/QuickDriver.h"
#include "tests/support/Daemons.h"
#include "tests/support/TestSupport.h"

using tandem::gui::AppCore;
using tandem::gui::AppWindow;
using tandem::gui::ConversationListModel;
using tandem::gui::MessageListModel;

using tandem::test::activate;
using tandem::test::click;
using tandem::test::shoot;
using tandem::test::typeText;
using tandem::test::chat::conversationRound;
using tandem::test::chat::disappearingRound;
using tandem::test::chat::find;
using tandem::test::chat::newConversationAndFailure;
using tandem::test::chat::noteToSelf;
namespace {

// A new profile's Signal set-up, as a user fills it in: the network file, the number, Register.
void registerInSetUp(AppWindow& app, const QString& network, const QString& phone) {
    QVERIFY(app.load());
    QVERIFY(QTest::qWaitForWindowExposed(app.window()));
    app.core().createProfile(QStringLiteral("a passphrase for the set-up"));
    QVERIFY(QTest::qWaitFor([&] { return app.core().state() == AppCore::State::Ready; }, 30000));
    QVERIFY(activate(app));
    QVERIFY(QTest::qWaitFor([&] { return find(app, "setupPhone") != nullptr; }, 5000));
    find(app, "setupNetwork")->setProperty("text", network);
    find(app, "setupPhone")->forceActiveFocus();
    typeText(app.window(), phone);
    click(app, find(app, "setupRegister"));
}

}  // namespace

class AppEndToEndTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QProcess localnet_;

    QString demo() const { return dir_.filePath(QStringLiteral("demo")); }

private slots:
    void initTestCase() {
        QVERIFY2(tandem::test::startLocalnet(localnet_, dir_.filePath(QStringLiteral("net"))),
                 "tandem-localnet did not become ready");
        QVERIFY(tandem::test::setUpDemoProfiles(
            QStringLiteral(TANDEM_SOURCE_DIR "/scripts/demo-profiles.sh"), demo(),
            dir_.filePath(QStringLiteral("net/network.json"))));
    }

    // First run through the UI: a passphrase, then a Session ID (its phrase shown, three of
    // its words typed back — a wrong one refused) and a Signal-mode number at the local relay.
    void firstRunSetsUpBothModes() {
        QTemporaryDir profile;
        AppWindow app(profile.path());
        QVERIFY(app.load());
        QVERIFY(QTest::qWaitForWindowExposed(app.window()));
        QCOMPARE(app.core().state(), AppCore::State::NoProfile);
        QVERIFY(activate(app));
        find(app, "newPassphrase")->forceActiveFocus();
        typeText(app.window(), QStringLiteral("first run passphrase"));
        find(app, "repeatPassphrase")->forceActiveFocus();
        typeText(app.window(), QStringLiteral("first run passphrase"));
        QTest::keyClick(app.window(), Qt::Key_Return);
        QVERIFY(
            QTest::qWaitFor([&] { return app.core().state() == AppCore::State::Ready; }, 30000));
        QVERIFY(!app.core().hasSignal() && !app.core().hasSession());

        // Session mode: create, write down, confirm.
        click(app, find(app, "sessionModeButton"));
        QQuickItem* networkField = find(app, "setupNetwork");
        QVERIFY(networkField != nullptr);
        networkField->setProperty("text", dir_.filePath(QStringLiteral("net/network.json")));
        click(app, find(app, "setupCreateSession"));
        const QString shownId = find(app, "setupSessionId")->property("text").toString();
        QVERIFY(shownId.startsWith(QStringLiteral("05")));
        QQuickItem* setupPane = find(app, "setupSessionId");
        while (setupPane != nullptr && !setupPane->property("identity").isValid()) {
            setupPane = setupPane->parentItem();
        }
        QVERIFY(setupPane != nullptr);
        const QStringList words =
            setupPane->property("identity").toMap().value(QStringLiteral("words")).toStringList();
        QCOMPARE(words.size(), 13);
        click(app, find(app, "setupWroteItDown"));
        const QList<int> asked = app.core().setup()->confirmationPositions();
        QList<QQuickItem*> fields;
        QVERIFY(QTest::qWaitFor(
            [&] {
                // Repeater delegates are found through the visual tree.
                fields.clear();
                std::function<void(QQuickItem*)> walk = [&](QQuickItem* item) {
                    if (item->objectName().startsWith(QLatin1String("setupWord")) &&
                        item->isVisible()) {
                        fields << item;
                    }
                    for (QQuickItem* child : item->childItems()) {
                        walk(child);
                    }
                };
                walk(app.window()->contentItem());
                return fields.size() == 3;
            },
            5000));
        std::sort(fields.begin(), fields.end(),
                  [](QQuickItem* a, QQuickItem* b) { return a->objectName() < b->objectName(); });
        QCOMPARE(asked.size(), 3);
        const auto answer = [&](bool right) {
            for (int i = 0; i < 3; ++i) {
                fields[i]->setProperty("text",
                                       right || i != 1 ? words[asked[i]] : QStringLiteral("wrong"));
            }
            click(app, find(app, "setupConfirmWords"));
        };
        answer(false);
        QVERIFY(QTest::qWaitFor(
            [&] { return !find(app, "setupProblem")->property("text").toString().isEmpty(); },
            5000));
        QVERIFY(!app.core().hasSession());
        answer(true);
        QVERIFY(QTest::qWaitFor([&] { return app.core().hasSession(); }, 10000));
        QCOMPARE(app.core().myAddress(), shownId);
        QVERIFY(QTest::qWaitFor([&] { return app.core().connected(); }, 60000));

        // Signal mode: a number at the local relay (it verifies none, so no code step).
        click(app, find(app, "signalModeButton"));
        QVERIFY(activate(app));
        find(app, "setupPhone")->forceActiveFocus();
        typeText(app.window(), QStringLiteral("+4915100000077"));
        click(app, find(app, "setupRegister"));
        QVERIFY2(QTest::qWaitFor([&] { return app.core().hasSignal(); }, 30000),
                 qPrintable(find(app, "setupProblem")->property("text").toString() + " / " +
                            find(app, "setupPhone")->property("text").toString() + " / " +
                            find(app, "setupRegister")->property("enabled").toString() + " / " +
                            find(app, "setupNetwork")->property("text").toString() + " / " +
                            find(app, "setupPhone")->property("acceptableInput").toString() +
                            " / " + QString::number(app.core().setup()->busy())));
        QCOMPARE(app.core().myAddress(), QStringLiteral("+4915100000077"));
        QVERIFY(QTest::qWaitFor([&] { return app.core().connected(); }, 30000));
        shoot(app, QStringLiteral("app-first-run"));
    }

    // A relay that verifies numbers: the set-up asks for the code; a wrong one is refused and
    // the user can type it again.
    void signalSetUpWithACode() {
        tandem::test::RelayProcess relay(QStringLiteral("file"));
        QVERIFY(relay.start());
        const QString network =
            relay.writeNetworkJson(dir_.filePath(QStringLiteral("verify.json")));
        QTemporaryDir profile;
        AppWindow app(profile.path());
        registerInSetUp(app, network, QStringLiteral("+4915100000055"));
        if (QTest::currentTestFailed()) {
            return;
        }
        QQuickItem* code = find(app, "setupCode");
        QVERIFY(QTest::qWaitFor([&] { return code->isVisible(); }, 30000));
        const QString sent = relay.lastCode(QStringLiteral("+4915100000055"));
        QVERIFY(!sent.isEmpty());
        code->forceActiveFocus();
        typeText(app.window(), sent == QLatin1String("000000") ? QStringLiteral("111111")
                                                               : QStringLiteral("000000"));
        QTest::keyClick(app.window(), Qt::Key_Return);
        QVERIFY(QTest::qWaitFor(
            [&] { return !find(app, "setupProblem")->property("text").toString().isEmpty(); },
            30000));
        QVERIFY(!app.core().hasSignal());
        code->setProperty("text", QString());
        code->forceActiveFocus();
        typeText(app.window(), sent);
        QTest::keyClick(app.window(), Qt::Key_Return);
        QVERIFY(QTest::qWaitFor([&] { return app.core().hasSignal(); }, 30000));
        QCOMPARE(app.core().myAddress(), QStringLiteral("+4915100000055"));
    }

    // A number locked with a registration lock PIN (by its holder, with tandemctl): the set-up
    // says so and asks for the PIN; a wrong PIN is refused with a reason, the right one
    // registers.
    void aLockedNumberAsksForItsPin() {
        tandem::test::RelayProcess relay;
        QVERIFY(relay.start());
        const QString network = relay.writeNetworkJson(dir_.filePath(QStringLiteral("lock.json")));
        const QString phone = QStringLiteral("+4915100000066");
        const QString holder = dir_.filePath(QStringLiteral("holder"));
        const auto ctl = [&](const QStringList& args) {
            QProcess p;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("TANDEM_PASSPHRASE"), QStringLiteral("pw"));
            env.insert(QStringLiteral("TANDEM_PIN"), QStringLiteral("2580"));
            p.setProcessEnvironment(env);
            p.start(tandem::test::binDirOr(QStringLiteral("tandemctl")),
                    QStringList{QStringLiteral("--profile"), holder} + args);
            p.waitForFinished(60000);
            return p.exitCode();
        };
        QCOMPARE(
            ctl({QStringLiteral("create"), QStringLiteral("--kdf"), QStringLiteral("interactive")}),
            0);
        QCOMPARE(ctl({QStringLiteral("init"), QStringLiteral("signal"), QStringLiteral("--phone"),
                      phone, QStringLiteral("--network"), network, QStringLiteral("--pin")}),
                 0);

        QTemporaryDir profile;
        AppWindow app(profile.path());
        registerInSetUp(app, network, phone);
        if (QTest::currentTestFailed()) {
            return;
        }
        const auto problem = [&] { return find(app, "setupProblem")->property("text").toString(); };
        QVERIFY(QTest::qWaitFor([&] { return problem().contains(QStringLiteral("PIN")); }, 30000));
        QQuickItem* confirm = find(app, "setupConfirmCode");
        QVERIFY(QTest::qWaitFor([&] { return confirm->isVisible(); }, 5000));
        QVERIFY(!find(app, "setupCode")->isVisible());  // this relay sends no codes
        QVERIFY(!app.core().hasSignal());
        shoot(app, QStringLiteral("app-registration-locked"));
        {  // the same page on a dark system palette, to look at
            const QPalette light = QGuiApplication::palette();
            QPalette dark;
            dark.setColor(QPalette::Window, QColor(0x20, 0x22, 0x25));
            dark.setColor(QPalette::WindowText, QColor(0xe8, 0xe8, 0xe8));
            dark.setColor(QPalette::Base, QColor(0x2b, 0x2d, 0x31));
            dark.setColor(QPalette::Text, QColor(0xe8, 0xe8, 0xe8));
            dark.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3b));
            dark.setColor(QPalette::ButtonText, QColor(0xe8, 0xe8, 0xe8));
            dark.setColor(QPalette::PlaceholderText, QColor(0x90, 0x90, 0x90));
            QGuiApplication::setPalette(dark);
            QTest::qWait(200);
            shoot(app, QStringLiteral("app-registration-locked-dark"));
            QGuiApplication::setPalette(light);
        }
        QQuickItem* pin = find(app, "setupPin");
        pin->forceActiveFocus();
        typeText(app.window(), QStringLiteral("1397"));
        QTest::keyClick(app.window(), Qt::Key_Return);
        QVERIFY(
            QTest::qWaitFor([&] { return problem().contains(QStringLiteral("wrong")); }, 30000));
        QVERIFY(!app.core().hasSignal());
        pin->setProperty("text", QString());
        pin->forceActiveFocus();
        typeText(app.window(), QStringLiteral("2580"));
        QTest::keyClick(app.window(), Qt::Key_Return);
        QVERIFY2(QTest::qWaitFor([&] { return app.core().hasSignal(); }, 30000),
                 qPrintable(problem()));
        QCOMPARE(app.core().myAddress(), phone);
    }

    void cleanupTestCase() {
        localnet_.terminate();
        localnet_.waitForFinished(15000);
    }

    void twoWindowsChatInBothModes() {
        AppWindow alice(demo() + QStringLiteral("/alice"));
        AppWindow bob(demo() + QStringLiteral("/bob"));
        for (auto [app, who] : {std::pair{&alice, "alice"}, std::pair{&bob, "bob"}}) {
            QVERIFY(app->load());
            QVERIFY(QTest::qWaitForWindowExposed(app->window()));
            QCOMPARE(app->core().state(), AppCore::State::Locked);
            // Unlocked through the unlock page, as a user does.
            QFile pass(demo() + QStringLiteral("/%1.pass").arg(QLatin1String(who)));
            QVERIFY(pass.open(QIODevice::ReadOnly));
            QQuickItem* field = find(*app, "passphrase");
            QVERIFY(field != nullptr);
            QVERIFY(activate(*app));
            field->forceActiveFocus();
            typeText(app->window(), QString::fromUtf8(pass.readLine()).trimmed());
            QTest::keyClick(app->window(), Qt::Key_Return);
        }
        for (AppWindow* w : {&alice, &bob}) {
            QVERIFY(
                QTest::qWaitFor([&] { return w->core().state() == AppCore::State::Ready; }, 30000));
        }
        QCOMPARE(alice.core().mode(), QStringLiteral("signal"));
        conversationRound(alice, bob, QStringLiteral("signal"));
        disappearingRound(alice, bob);
        newConversationAndFailure(alice);
        noteToSelf(alice);

        // Bob turns message previews off: the next notification says only that one came.
        bob.core().setPreviews(false);
        // Read receipts are switched in the menu (off, and on again for the rounds below).
        for (const bool expected : {false, true}) {
            click(bob, find(bob, "menuButton"));
            QQuickItem* toggle = nullptr;
            QVERIFY(QTest::qWaitFor(
                [&] {
                    toggle = find(bob, "readReceiptsToggle");
                    return toggle != nullptr && toggle->isVisible() && toggle->height() > 0 &&
                           toggle->opacity() == 1.0;
                },
                5000));
            if (!expected) {
                shoot(bob, QStringLiteral("bob-menu"));
            }
            click(bob, toggle);
            QVERIFY(QTest::qWaitFor([&] { return bob.core().readReceipts() == expected; }, 5000));
            QVERIFY(QTest::qWaitFor([&] { return !toggle->isVisible(); }, 5000));  // menu closed
        }
        // The toggle in the header: identity, contacts and conversations follow.
        for (AppWindow* w : {&alice, &bob}) {
            click(*w, find(*w, "sessionModeButton"));
            QCOMPARE(w->core().mode(), QStringLiteral("session"));
            QVERIFY(w->core().myAddress().startsWith(QStringLiteral("05")));
        }
        conversationRound(alice, bob, QStringLiteral("session"));
        // In Session mode the header shows the onion path: the guard and the middle hop.
        QVERIFY(alice.core().status()->path().size() == 3);
        QVERIFY(find(alice, "onionPath")->isVisible());
        compareLatency(alice);
    }

    // "Compare latency": the messages just delivered are there already; a comparison adds
    // its probes of both transports; the chart and the samples export.
    static void compareLatency(AppWindow& app) {
        click(app, find(app, "latencyButton"));
        QQuickItem* page = nullptr;
        QVERIFY(
            QTest::qWaitFor([&] { return (page = find(app, "latencyPage")) != nullptr; }, 5000));
        auto* dash = page->property("dashboard").value<tandem::gui::LatencyDashboard*>();
        QVERIFY(dash != nullptr);
        // No probes yet, but alice's messages in both modes were delivered: a sample each.
        QCOMPARE(dash->source(), QStringLiteral("probes"));
        QVERIFY(find(app, "latencyEmpty")->isVisible());
        dash->setSource(QStringLiteral("messages"));
        QVERIFY(QTest::qWaitFor([&] { return dash->summaries().size() == 2; }, 10000));
        QVERIFY(find(app, "probeCount")->setProperty("value", 10));
        click(app, find(app, "runComparisonButton"));
        QVERIFY(QTest::qWaitFor([&] { return app.core().probing(); }, 5000));
        QCOMPARE(dash->source(), QStringLiteral("probes"));  // what the run shows
        QVERIFY(QTest::qWaitFor([&] { return !app.core().probing(); }, 60000));
        QVERIFY(QTest::qWaitFor([&] { return dash->sampleCount() == 20; }, 10000));
        for (const QVariant& v : dash->summaries()) {
            const QVariantMap s = v.toMap();
            QCOMPARE(s[QStringLiteral("count")].toInt(), 10);
            QCOMPARE(s[QStringLiteral("lost")].toInt(), 0);
            QVERIFY(s[QStringLiteral("p50")].toDouble() > 0);
        }
        QVERIFY(find(app, "latencyStatus")
                    ->property("text")
                    .toString()
                    .contains(QStringLiteral("probes 20, lost 0")));
        QCOMPARE(dash->cdfPoints(QStringLiteral("session")).size(), qsizetype{10});

        const QString png = tandem::test::artifactsDir() + QStringLiteral("/latency-chart.png");
        QFile::remove(png);
        QVERIFY(QMetaObject::invokeMethod(page, "exportPng", Q_ARG(QVariant, png)));
        QVERIFY(QTest::qWaitFor([&] { return QFile::exists(png); }, 10000));
        QImage chart;
        QVERIFY(QTest::qWaitFor([&] { return chart.load(png); }, 5000));
        QVERIFY(chart.width() > 300 && chart.height() > 200);
        const QString csv = tandem::test::artifactsDir() + QStringLiteral("/latency-samples.csv");
        QCOMPARE(dash->exportCsv(QUrl::fromLocalFile(csv)), QString());
        shoot(app, QStringLiteral("latency-page"));
        click(app, find(app, "closeLatencyButton"));
        QVERIFY(QTest::qWaitFor([&] { return find(app, "latencyPage") == nullptr; }, 5000));
    }
};

QTEST_MAIN(AppEndToEndTest)
#include "tst_app_e2e.moc"
