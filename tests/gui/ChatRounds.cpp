// ChatRounds: see ChatRounds.h.
#include "tests/gui/ChatRounds.h"

#include <QElapsedTimer>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTest>

#include "qml/app/AppWindow.h"
#include "qml/app/Notifier.h"
#include "qml/chat/MessageListModel.h"
#include "qml/conversations/ConversationListModel.h"
#include "qml/core/AppCore.h"
#include "tests/gui/QuickDriver.h"

namespace tandem::test::chat {

using gui::AppWindow;
using gui::ConversationListModel;
using gui::MessageListModel;

QQuickItem* find(AppWindow& app, const char* name) {
    return app.window()->findChild<QQuickItem*>(QLatin1String(name));
}

namespace {

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

bool hasBody(AppWindow& app, const QString& body) {
    auto* model = modelOf<MessageListModel>(app, "messageList");
    for (int i = 0; model != nullptr && i < model->count(); ++i) {
        if (model->data(model->index(i), MessageListModel::BodyRole).toString() == body) {
            return true;
        }
    }
    return false;
}

QString preview(AppWindow& app, const QString& address) {
    auto* list = modelOf<ConversationListModel>(app, "conversationList");
    const int row = list != nullptr ? list->rowOfAddress(address) : -1;
    return row >= 0 ? list->data(list->index(row), ConversationListModel::LastTextRole).toString()
                    : QString();
}

// An item of an open Menu (its items live in the menu's own list, not under the window).
QQuickItem* menuItem(AppWindow& app, const char* menu, const char* name) {
    auto* m = app.window()->findChild<QObject*>(QLatin1String(menu));
    auto* item = m != nullptr ? m->findChild<QQuickItem*>(QLatin1String(name)) : nullptr;
    if (item == nullptr && m != nullptr) {
        const int count = m->property("count").toInt();
        for (int i = 0; i < count && item == nullptr; ++i) {
            QQuickItem* at = nullptr;
            QMetaObject::invokeMethod(m, "itemAt", Q_RETURN_ARG(QQuickItem*, at), Q_ARG(int, i));
            if (at != nullptr && at->objectName() == QLatin1String(name)) {
                item = at;
            }
        }
    }
    return item;
}

// Both see the same 60-digit safety number in the contact details; Alice marks Bob
// verified and the chat says so.
void safetyNumbers(AppWindow& alice, AppWindow& bob, const QString& mode) {
    QStringList numbers;
    for (AppWindow* w : {&alice, &bob}) {
        click(*w, find(*w, "detailsButton"));
        QQuickItem* number = nullptr;
        QVERIFY(QTest::qWaitFor(
            [&] {
                number = find(*w, "safetyNumber");
                return number != nullptr && number->property("text").toString().count(u' ') == 11;
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
        [&] { return verify->property("text").toString() == QLatin1String("Clear verification"); },
        10000));
    for (AppWindow* w : {&alice, &bob}) {  // close the details
        QTest::keyClick(w->window(), Qt::Key_Escape);
        auto* popup = w->window()->findChild<QObject*>(QStringLiteral("detailsPopup"));
        if (popup != nullptr && popup->property("opened").toBool()) {
            QMetaObject::invokeMethod(popup, "close");
        }
    }
}

}  // namespace

// Types into the composer of `app` and presses Enter.
bool typeAndSend(AppWindow& app, const QString& text) {
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
    QVERIFY(QTest::qWaitFor([&] { return conversationRow(alice, "Bob", bobAddress) != nullptr; },
                            10000));
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
                     return row >= 0 &&
                            bobList->data(bobList->index(row), ConversationListModel::LastTextRole)
                                    .toString() == hello;
                 },
                 60000),
             "the message did not reach the other window");
    QVERIFY(QTest::qWaitFor([&] { return conversationRow(bob, "Alice", aliceAddress) != nullptr; },
                            10000));
    // Bob's window was not in front: a notification, with or without the text as he chose.
    QVERIFY(QTest::qWaitFor([&] { return bob.notifier()->notificationCount() > notifiedBefore; },
                            10000));
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
            return bobList->data(bobList->index(row), ConversationListModel::UnreadRole).toInt() ==
                   0;
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

// A new conversation: the address is checked as it is typed; a number nobody registered
// fails, says so, and offers a retry.
void newConversationAndFailure(AppWindow& app) {
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
    QCOMPARE(find(app, "chatTitle")->property("text").toString(), QStringLiteral("+4915100000099"));
    QVERIFY(typeAndSend(app, QStringLiteral("anyone there?")));
    QVERIFY(QTest::qWaitFor([&] { return newestStatus(app) == QLatin1String("failed"); }, 30000));
    QVERIFY(find(app, "problemBanner")->isVisible());
}

// Disappearing messages: Alice picks 5 seconds in the chat header's menu; a line says so
// in both chats; her next text counts down in its bubble and is gone from both windows —
// bubble and list preview — about 5 s after she sent it (hers) and Bob read it (his).
void disappearingRound(AppWindow& alice, AppWindow& bob) {
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
    QVERIFY(messages->data(messages->index(0), MessageListModel::ExpiresAtRole).toLongLong() > 0);
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
            return off != nullptr && off->isVisible() && off->height() > 0 && off->opacity() == 1.0;
        },
        5000));
    click(alice, off);
    QVERIFY(QTest::qWaitFor(
        [&] { return newestBody(alice) == QLatin1String("You turned off disappearing messages"); },
        10000));
}

// Note to Self: opened from its button, kept on this computer, listed in both modes.
void noteToSelf(AppWindow& app) {
    QVERIFY(activate(app));
    click(app, find(app, "noteToSelfButton"));
    QVERIFY(QTest::qWaitFor(
        [&] {
            return find(app, "chatTitle")->property("text").toString() ==
                   QLatin1String("Note to Self");
        },
        10000));
    QVERIFY(typeAndSend(app, QStringLiteral("milk, eggs")));
    QVERIFY(QTest::qWaitFor([&] { return newestBody(app) == QLatin1String("milk, eggs"); }, 10000));
    QCOMPARE(newestStatus(app), QStringLiteral("sent"));
}

}  // namespace tandem::test::chat
