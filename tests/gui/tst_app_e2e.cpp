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

namespace {

QQuickItem* find(AppWindow& app, const char* name) {
    return app.window()->findChild<QQuickItem*>(QLatin1String(name));
}

// The delegate of the conversation list for the contact at `address` (in the current mode:
// the list is read again when the mode changes), shown under the name `title`.
QQuickItem* conversationRow(AppWindow& app, const QString& title, const QString& address) {
    QQuickItem* list = find(app, "conversationList");
    if (list == nullptr) {
        return nullptr;
    }
    const auto* content = list->property("contentItem").value<QQuickItem*>();
    for (QQuickItem* row : content->childItems()) {
        if (row->property("title").toString() == title &&
            row->property("address").toString() == address) {
            return row;
        }
    }
    return nullptr;
}

template <class Model>
Model* modelOf(AppWindow& app, const char* view) {
    QQuickItem* list = find(app, view);
    return list != nullptr ? qobject_cast<Model*>(list->property("model").value<QObject*>())
                           : nullptr;
}

QString newestBody(AppWindow& app) {
    auto* model = modelOf<MessageListModel>(app, "messageList");
    return model != nullptr && model->count() > 0
               ? model->data(model->index(0), MessageListModel::BodyRole).toString()
               : QString();
}

QString newestStatus(AppWindow& app) {
    auto* model = modelOf<MessageListModel>(app, "messageList");
    return model != nullptr && model->count() > 0
               ? model->data(model->index(0), MessageListModel::StatusRole).toString()
               : QString();
}

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

    // Types into the composer of `app` and presses Enter.
    static bool typeAndSend(AppWindow& app, const QString& text) {
        QQuickItem* composer = find(app, "composer");
        if (composer == nullptr || !activate(app)) {
            return false;
        }
        composer->forceActiveFocus();
        typeText(app.window(), text);
        if (composer->property("text").toString() != text) {
            return false;  // the keys went elsewhere
        }
        QTest::keyClick(app.window(), Qt::Key_Return);
        return composer->property("text").toString().isEmpty();  // sent: the composer is clear
    }

    void conversationRound(AppWindow& alice, AppWindow& bob, const QString& mode) {
        for (AppWindow* w : {&alice, &bob}) {
            QVERIFY(QTest::qWaitFor([&] { return w->core().connected(); }, 60000));
        }
        // Alice opens her conversation with Bob (made by the demo set-up) and writes.
        const QString bobAddress = bob.core().myAddress();
        const int notifiedBefore = bob.notifier()->notificationCount();
        const QString aliceAddress = alice.core().myAddress();
        QVERIFY(QTest::qWaitFor(
            [&] { return conversationRow(alice, "Bob", bobAddress) != nullptr; }, 10000));
        click(alice, conversationRow(alice, "Bob", bobAddress));
        QVERIFY(QTest::qWaitFor([&] { return find(alice, "composer")->isVisible(); }, 5000));
        const QString hello = QStringLiteral("Hello Bob, in %1 mode").arg(mode);
        QVERIFY(typeAndSend(alice, hello));
        QVERIFY(QTest::qWaitFor([&] { return newestBody(alice) == hello; }, 10000));

        // Bob's list shows it under Alice; he opens it and answers.
        auto* bobList = modelOf<ConversationListModel>(bob, "conversationList");
        QVERIFY(bobList != nullptr);
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         const int row = bobList->rowOfAddress(aliceAddress);
                         return row >= 0 && bobList->data(bobList->index(row),
                                                          ConversationListModel::LastTextRole)
                                                    .toString() == hello;
                     },
                     60000),
                 "the message did not reach the other window");
        QVERIFY(QTest::qWaitFor(
            [&] { return conversationRow(bob, "Alice", aliceAddress) != nullptr; }, 10000));
        // Bob's window was not in front: a notification, with or without the text as he chose.
        QVERIFY(QTest::qWaitFor(
            [&] { return bob.notifier()->notificationCount() > notifiedBefore; }, 10000));
        const auto shown = bob.notifier()->lastNotification();
        if (bob.core().previews()) {
            QCOMPARE(shown.title, QStringLiteral("Alice"));
            QCOMPARE(shown.text, hello);
        } else {
            QCOMPARE(shown.title, QStringLiteral("Tandem"));
            QCOMPARE(shown.text, QStringLiteral("New message"));
        }
        QVERIFY(bob.core().unreadTotal() >= 1);
        click(bob, conversationRow(bob, "Alice", aliceAddress));
        QVERIFY(QTest::qWaitFor([&] { return newestBody(bob) == hello; }, 10000));
        const QString answer = QStringLiteral("Hi Alice! (%1)").arg(mode);
        QVERIFY(typeAndSend(bob, answer));
        QVERIFY(QTest::qWaitFor([&] { return newestBody(alice) == answer; }, 60000));
        // Bob has the conversation open in his active window: it is read there (no unread
        // count left), and Alice's message shows as read once his read receipt is back.
        QVERIFY(QTest::qWaitFor(
            [&] {
                const int row = bobList->rowOfAddress(aliceAddress);
                return bobList->data(bobList->index(row), ConversationListModel::UnreadRole)
                           .toInt() == 0;
            },
            10000));
        auto* aliceMessages = modelOf<MessageListModel>(alice, "messageList");
        QVERIFY(QTest::qWaitFor(
            [&] {
                return aliceMessages->data(aliceMessages->index(1), MessageListModel::StatusRole)
                           .toString() == QLatin1String("read");
            },
            30000));
        shoot(alice, QStringLiteral("app-e2e-alice-") + mode);
        shoot(bob, QStringLiteral("app-e2e-bob-") + mode);
        safetyNumbers(alice, bob, mode);
    }

    // Both see the same 60-digit safety number in the contact details; Alice marks Bob
    // verified and the chat says so.
    static void safetyNumbers(AppWindow& alice, AppWindow& bob, const QString& mode) {
        QStringList numbers;
        for (AppWindow* w : {&alice, &bob}) {
            click(*w, find(*w, "detailsButton"));
            QQuickItem* number = nullptr;
            QVERIFY(QTest::qWaitFor(
                [&] {
                    number = find(*w, "safetyNumber");
                    return number != nullptr &&
                           number->property("text").toString().count(u' ') == 11;
                },
                10000));
            numbers << number->property("text").toString();
        }
        QCOMPARE(numbers[0], numbers[1]);
        QCOMPARE(QString(numbers[0]).remove(u' ').size(), 60);
        shoot(alice, QStringLiteral("app-e2e-details-") + mode);
        QQuickItem* verify = find(alice, "verifyButton");
        QVERIFY(verify != nullptr);
        click(alice, verify);
        QVERIFY(QTest::qWaitFor(
            [&] {
                return verify->property("text").toString() == QLatin1String("Clear verification");
            },
            10000));
        for (AppWindow* w : {&alice, &bob}) {  // close the details
            QTest::keyClick(w->window(), Qt::Key_Escape);
            auto* popup = w->window()->findChild<QObject*>(QStringLiteral("detailsPopup"));
            if (popup != nullptr && popup->property("opened").toBool()) {
                QMetaObject::invokeMethod(popup, "close");
            }
        }
    }

    // A new conversation: the address is checked as it is typed; a number nobody registered
    // fails, says so, and offers a retry.
    static void newConversationAndFailure(AppWindow& app) {
        QQuickItem* field = find(app, "newConversationField");
        QQuickItem* start = find(app, "startConversationButton");
        QVERIFY(field != nullptr && start != nullptr && activate(app));
        field->forceActiveFocus();
        typeText(app.window(), QStringLiteral("12345"));
        QVERIFY(!start->property("enabled").toBool());
        field->setProperty("text", QString());
        typeText(app.window(), QStringLiteral("+4915100000099"));
        QVERIFY(start->property("enabled").toBool());
        click(app, start);
        QCOMPARE(find(app, "chatTitle")->property("text").toString(),
                 QStringLiteral("+4915100000099"));
        QVERIFY(typeAndSend(app, QStringLiteral("anyone there?")));
        QVERIFY(
            QTest::qWaitFor([&] { return newestStatus(app) == QLatin1String("failed"); }, 30000));
        QVERIFY(find(app, "problemBanner")->isVisible());
    }

    // An item of an open Menu (its items live in the menu's own list, not under the window).
    static QQuickItem* menuItem(AppWindow& app, const char* menu, const char* name) {
        auto* m = app.window()->findChild<QObject*>(QLatin1String(menu));
        auto* item = m != nullptr ? m->findChild<QQuickItem*>(QLatin1String(name)) : nullptr;
        if (item == nullptr && m != nullptr) {
            const int count = m->property("count").toInt();
            for (int i = 0; i < count && item == nullptr; ++i) {
                QQuickItem* at = nullptr;
                QMetaObject::invokeMethod(m, "itemAt", Q_RETURN_ARG(QQuickItem*, at),
                                          Q_ARG(int, i));
                if (at != nullptr && at->objectName() == QLatin1String(name)) {
                    item = at;
                }
            }
        }
        return item;
    }

    static bool hasBody(AppWindow& app, const QString& body) {
        auto* model = modelOf<MessageListModel>(app, "messageList");
        for (int i = 0; model != nullptr && i < model->count(); ++i) {
            if (model->data(model->index(i), MessageListModel::BodyRole).toString() == body) {
                return true;
            }
        }
        return false;
    }

    static QString preview(AppWindow& app, const QString& address) {
        auto* list = modelOf<ConversationListModel>(app, "conversationList");
        const int row = list != nullptr ? list->rowOfAddress(address) : -1;
        return row >= 0
                   ? list->data(list->index(row), ConversationListModel::LastTextRole).toString()
                   : QString();
    }

    // Disappearing messages: Alice picks 5 seconds in the chat header's menu; a line says so
    // in both chats; her next text counts down in its bubble and is gone from both windows —
    // bubble and list preview — about 5 s after she sent it (hers) and Bob read it (his).
    static void disappearingRound(AppWindow& alice, AppWindow& bob) {
        const QString bobAddress = bob.core().myAddress();
        const QString aliceAddress = alice.core().myAddress();
        QVERIFY(activate(alice));
        click(alice, conversationRow(alice, "Bob", bobAddress));
        QVERIFY(QTest::qWaitFor([&] { return find(alice, "timerButton")->isVisible(); }, 5000));
        click(alice, find(alice, "timerButton"));
        QQuickItem* fiveSeconds = nullptr;
        QVERIFY(QTest::qWaitFor(
            [&] {
                fiveSeconds = menuItem(alice, "timerMenu", "timerChoice5");
                return fiveSeconds != nullptr && fiveSeconds->isVisible() &&
                       fiveSeconds->height() > 0 && fiveSeconds->opacity() == 1.0;
            },
            5000));
        click(alice, fiveSeconds);
        const QString line = QStringLiteral("You set disappearing messages to 5 seconds");
        QVERIFY(QTest::qWaitFor([&] { return newestBody(alice) == line; }, 10000));
        QVERIFY(QTest::qWaitFor([&] { return preview(alice, bobAddress) == line; }, 10000));
        QVERIFY(QTest::qWaitFor(
            [&] {
                return preview(bob, aliceAddress) ==
                       QLatin1String("Alice set disappearing messages to 5 seconds");
            },
            30000));

        const QString secret = QStringLiteral("gone in five");
        QVERIFY(typeAndSend(alice, secret));
        QElapsedTimer sent;
        sent.start();
        QVERIFY(QTest::qWaitFor([&] { return newestBody(alice) == secret; }, 10000));
        auto* messages = modelOf<MessageListModel>(alice, "messageList");
        QVERIFY(messages->data(messages->index(0), MessageListModel::ExpiresAtRole).toLongLong() >
                0);
        QVERIFY(QTest::qWaitFor([&] { return preview(bob, aliceAddress) == secret; }, 30000));
        shoot(alice, QStringLiteral("disappearing-countdown"));
        // Bob opens it: read, so his copy starts counting.
        QVERIFY(activate(bob));
        click(bob, conversationRow(bob, "Alice", aliceAddress));
        QVERIFY(QTest::qWaitFor([&] { return hasBody(bob, secret); }, 10000));
        QElapsedTimer read;
        read.start();
        QVERIFY2(QTest::qWaitFor([&] { return !hasBody(alice, secret); }, 10000),
                 "the bubble did not go");
        QVERIFY2(sent.elapsed() >= 4500, qPrintable(QString::number(sent.elapsed())));
        QVERIFY(QTest::qWaitFor([&] { return preview(alice, bobAddress) != secret; }, 2000));
        QVERIFY2(QTest::qWaitFor([&] { return !hasBody(bob, secret); }, 10000),
                 "the bubble did not go at the reader's");
        QVERIFY2(read.elapsed() >= 4000, qPrintable(QString::number(read.elapsed())));
        QVERIFY(QTest::qWaitFor([&] { return preview(bob, aliceAddress) != secret; }, 2000));
        // Off again for what follows.
        QVERIFY(activate(alice));
        click(alice, find(alice, "timerButton"));
        QQuickItem* off = nullptr;
        QVERIFY(QTest::qWaitFor(
            [&] {
                off = menuItem(alice, "timerMenu", "timerChoice0");
                return off != nullptr && off->isVisible() && off->height() > 0 &&
                       off->opacity() == 1.0;
            },
            5000));
        click(alice, off);
        QVERIFY(QTest::qWaitFor(
            [&] {
                return newestBody(alice) == QLatin1String("You turned off disappearing messages");
            },
            10000));
    }

    // Note to Self: opened from its button, kept on this computer, listed in both modes.
    static void noteToSelf(AppWindow& app) {
        QVERIFY(activate(app));
        click(app, find(app, "noteToSelfButton"));
        QVERIFY(QTest::qWaitFor(
            [&] {
                return find(app, "chatTitle")->property("text").toString() ==
                       QLatin1String("Note to Self");
            },
            10000));
        QVERIFY(typeAndSend(app, QStringLiteral("milk, eggs")));
        QVERIFY(
            QTest::qWaitFor([&] { return newestBody(app) == QLatin1String("milk, eggs"); }, 10000));
        QCOMPARE(newestStatus(app), QStringLiteral("sent"));
    }

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
