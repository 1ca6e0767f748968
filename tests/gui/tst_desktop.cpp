// The desktop around the window, without QtWidgets (docs/app.md, "Start"), in a private D-Bus
// session with a real GNOME keyring (with-keyring.sh):
// - notifications reach the session's org.freedesktop.Notifications as the specification has
//   them (the summary, the escaped body, the "default" action, the app's desktop entry), with
//   previews off only "New message", and a click on one opens its conversation in the app's
//   window (switching to its mode). The
//   server here is the test's, on its own bus connection: the messages cross the real bus.
// - a profile whose key is in the keychain opens without a passphrase; with the keychain's
//   entry gone it says so and stays closed.
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDateTime>
#include <QGuiApplication>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app/core/ContentHandler.h"
#include "qml/app/AppWindow.h"
#include "qml/app/Notifier.h"
#include "qml/core/AppCore.h"
#include "storage/Keychain.h"
#include "storage/Store.h"
#include "tests/support/TestSupport.h"

using namespace tandem;
using namespace tandem::storage;

// What a notification server is sent, and its answers (ids from 1).
class NotificationServer : public QObject {
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")
public:
    struct Call {
        QString app;
        QString icon;
        QString summary;
        QString body;
        QStringList actions;
        QVariantMap hints;
        uint replaces = 0;
    };
    QList<Call> calls;
    QList<uint> closed;  // CloseNotification's ids

public slots:
    // A replacement keeps its id, as the specification has it; else the call's number.
    uint Notify(const QString& app, uint replaces, const QString& icon, const QString& summary,
                const QString& body, const QStringList& actions, const QVariantMap& hints,
                int /*timeout*/) {
        calls.push_back({app, icon, summary, body, actions, hints, replaces});
        return replaces != 0 ? replaces : static_cast<uint>(calls.size());
    }
    void CloseNotification(uint id) { closed.push_back(id); }
    QStringList GetCapabilities() { return {QStringLiteral("body"), QStringLiteral("actions")}; }
};

namespace {

// A conversation with `address` holding one unread incoming message, as the core stores it.
// `expiresInMs` > 0: the message disappears that long from now.
std::int64_t addIncoming(gui::AppCore& core, Mode mode, const QString& address,
                         std::int64_t expiresInMs = 0) {
    return test::await(core.store().write([=](Repositories& r) -> StoreResult<std::int64_t> {
               const std::int64_t now = 1'700'000'000'000;
               TANDEM_TRY_ASSIGN(const Contact c, core::contactForAddress(r, mode, address, now));
               TANDEM_TRY_ASSIGN(const Conversation conv, r.conversations.forContact(c.id, now));
               Message m;
               m.conversationId = conv.id;
               m.uid = MessageUid::generate(now);
               m.direction = Direction::Incoming;
               m.status = MessageStatus::Received;
               m.body = QStringLiteral("hello");
               m.sentAt = now;
               m.receivedAt = now;
               if (expiresInMs > 0) {
                   const std::int64_t start = QDateTime::currentMSecsSinceEpoch();
                   m.expireTimer = std::max<std::int64_t>(1, expiresInMs / 1000);
                   m.expireStart = start;
                   m.expiresAt = start + expiresInMs;
               }
               TANDEM_TRY(r.messages.insert(m));
               return conv.id;
           }))
        .value();
}

// The conversation the app's window has open (0: none), or -1 before the messenger's page.
qint64 openConversation(gui::AppWindow& app) {
    auto* loader = app.window()->findChild<QObject*>(QStringLiteral("pageLoader"));
    auto* shell = loader != nullptr ? loader->property("item").value<QObject*>() : nullptr;
    if (shell == nullptr || !shell->property("openConversation").isValid()) {
        return -1;
    }
    return shell->property("openConversation").toMap().value(QStringLiteral("id")).toLongLong();
}

}  // namespace

class DesktopTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY2(qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"),
                 "run through tests/storage/with-keyring.sh");
        QGuiApplication::setApplicationDisplayName(QStringLiteral("Tandem"));
        QGuiApplication::setDesktopFileName(QStringLiteral("org.tandem.Tandem"));
        server_ = QDBusConnection::connectToBus(QDBusConnection::SessionBus,
                                                QStringLiteral("notification-server"));
        QVERIFY(server_.isConnected());
        QVERIFY(server_.registerObject(QStringLiteral("/org/freedesktop/Notifications"),
                                       &notifications_, QDBusConnection::ExportAllSlots));
        QVERIFY(server_.registerService(QStringLiteral("org.freedesktop.Notifications")));
    }

    void notificationsCrossTheBus() {
        QTemporaryDir dir;
        gui::AppCore core(dir.path());
        gui::Notifier notifier(core, nullptr);
        notifier.showTray();  // after the first frame in the app; no tray host here
        QVERIFY(notifier.notifications() != nullptr);
        QVERIFY(!notifier.hasTray());
        const auto before = notifications_.calls.size();
        emit core.messageArrived(7, QStringLiteral("alice"), QStringLiteral("<b>hi</b> & bye"),
                                 false);
        QTRY_COMPARE_WITH_TIMEOUT(notifications_.calls.size(), before + 1, 5000);
        const auto& call = notifications_.calls.back();
        QCOMPARE(call.app, QStringLiteral("Tandem"));
        QCOMPARE(call.summary, QStringLiteral("alice"));
        QCOMPARE(call.body, QStringLiteral("&lt;b&gt;hi&lt;/b&gt; &amp; bye"));
        QCOMPARE(call.icon, QStringLiteral("org.tandem.Tandem"));
        QCOMPARE(call.actions.value(0), QStringLiteral("default"));
        QCOMPARE(call.hints.value(QStringLiteral("desktop-entry")).toString(),
                 QStringLiteral("org.tandem.Tandem"));
        QTRY_COMPARE_WITH_TIMEOUT(notifier.notifications()->delivered(), 1, 5000);

        // A click on it (the server's ActionInvoked) is its conversation.
        QSignalSpy clicked(notifier.notifications(), &gui::DesktopNotifications::clicked);
        QDBusMessage signal = QDBusMessage::createSignal(
            QStringLiteral("/org/freedesktop/Notifications"),
            QStringLiteral("org.freedesktop.Notifications"), QStringLiteral("ActionInvoked"));
        signal << uint(notifications_.calls.size()) << QStringLiteral("default");
        QVERIFY(server_.send(signal));
        QVERIFY(clicked.wait(5000));
        QCOMPARE(clicked.first().value(0).toLongLong(), qint64{7});

        // Previews off: not who, not what.
        core.setPreviews(false);
        emit core.messageArrived(7, QStringLiteral("alice"), QStringLiteral("secret"), false);
        QTRY_COMPARE_WITH_TIMEOUT(notifications_.calls.size(), before + 2, 5000);
        QCOMPARE(notifications_.calls.back().summary, QStringLiteral("Tandem"));
        QCOMPARE(notifications_.calls.back().body, QStringLiteral("New message"));
        QCOMPARE(notifier.notificationCount(), 2);
    }

    // A click on a notification: the window with its conversation open, in its mode.
    void clickOpensItsConversation() {
        QTemporaryDir dir;
        gui::AppWindow app(dir.path());
        QVERIFY(app.load());
        app.core().createProfile(QStringLiteral("a passphrase for clicks"));
        QTRY_COMPARE_WITH_TIMEOUT(app.core().state(), gui::AppCore::State::Ready, 30000);
        QCOMPARE(app.core().mode(), QStringLiteral("signal"));
        // Session mode's, while the window shows Signal mode.
        const std::int64_t id =
            addIncoming(app.core(), Mode::Session, QStringLiteral("05") + QString(64, u'b'));
        QTRY_COMPARE_WITH_TIMEOUT(openConversation(app), qint64{0}, 10000);
        app.notifier()->showTray();
        gui::DesktopNotifications* desktop = app.notifier()->notifications();
        QVERIFY(desktop != nullptr);
        const auto before = notifications_.calls.size();
        desktop->show(QStringLiteral("bob"), QStringLiteral("hello"), id);
        QTRY_COMPARE_WITH_TIMEOUT(notifications_.calls.size(), before + 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(desktop->delivered(), 1, 5000);

        QDBusMessage signal = QDBusMessage::createSignal(
            QStringLiteral("/org/freedesktop/Notifications"),
            QStringLiteral("org.freedesktop.Notifications"), QStringLiteral("ActionInvoked"));
        signal << uint(notifications_.calls.size()) << QStringLiteral("default");
        QVERIFY(server_.send(signal));
        QTRY_COMPARE_WITH_TIMEOUT(app.core().mode(), QStringLiteral("session"), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(openConversation(app), qint64{id}, 10000);
        QVERIFY(app.window()->isVisible());
    }

    // One notification per conversation, replaced by its next message; taken back once the
    // conversation is read, or its unread message has disappeared.
    void notificationsReplacedThenWithdrawn() {
        QTemporaryDir dir;
        gui::AppCore core(dir.path());
        core.createProfile(QStringLiteral("a passphrase for withdrawals"));
        QTRY_COMPARE_WITH_TIMEOUT(core.state(), gui::AppCore::State::Ready, 30000);
        gui::Notifier notifier(core, nullptr);
        notifier.showTray();
        gui::DesktopNotifications* desktop = notifier.notifications();
        const std::int64_t read = addIncoming(core, Mode::Signal, QStringLiteral("+4915112345678"));
        const std::int64_t gone =
            addIncoming(core, Mode::Signal, QStringLiteral("+4915187654321"), 3000);
        const auto before = notifications_.calls.size();
        const auto closedBefore = notifications_.closed.size();

        emit core.messageArrived(read, QStringLiteral("alice"), QStringLiteral("one"), false);
        QTRY_COMPARE_WITH_TIMEOUT(desktop->delivered(), 1, 5000);
        const uint readId = static_cast<uint>(notifications_.calls.size());
        QCOMPARE(notifications_.calls.back().replaces, 0U);
        emit core.messageArrived(gone, QStringLiteral("bob"), QStringLiteral("hi"), true);
        QTRY_COMPARE_WITH_TIMEOUT(desktop->delivered(), 2, 5000);
        const uint goneId = static_cast<uint>(notifications_.calls.size());
        QCOMPARE(notifications_.calls.back().replaces, 0U);
        // The same conversation again: its notification replaced, not another.
        emit core.messageArrived(read, QStringLiteral("alice"), QStringLiteral("two"), false);
        QTRY_COMPARE_WITH_TIMEOUT(desktop->delivered(), 3, 5000);
        QCOMPARE(notifications_.calls.size(), before + 3);
        QCOMPARE(notifications_.calls.back().replaces, readId);
        QVERIFY(desktop->showing(read) && desktop->showing(gone));

        // Read: its notification is closed, the other stays.
        core.markRead(read);
        QTRY_VERIFY_WITH_TIMEOUT(notifications_.closed.contains(readId), 10000);
        QVERIFY(!desktop->showing(read));
        QVERIFY(desktop->showing(gone));
        // The other's message disappears unread: closed too.
        QTRY_VERIFY_WITH_TIMEOUT(notifications_.closed.contains(goneId), 15000);
        QVERIFY(!desktop->showing(gone));
        QCOMPARE(test::await(core.store().read(
                     [gone](Repositories& r) { return r.messages.unreadCount(gone); })).value(),
                 std::int64_t{0});
        QCOMPARE(notifications_.closed.size(), closedBefore + 2);
        // A new message after that is a new notification.
        emit core.messageArrived(read, QStringLiteral("alice"), QStringLiteral("three"), false);
        QTRY_COMPARE_WITH_TIMEOUT(desktop->delivered(), 4, 5000);
        QCOMPARE(notifications_.calls.back().replaces, 0U);
    }

    void keychainProfileOpensWithoutPassphrase() {
        QTemporaryDir dir;
        {
            Store store;
            const auto created = test::await(store.create(dir.path(), Credentials::withKeychain()));
            QVERIFY2(created.has_value(), qPrintable(created ? "" : created.error().message));
        }
        {
            gui::AppCore core(dir.path());
            QVERIFY(core.hadProfile());
            QVERIFY(core.keychain());
            QCOMPARE(core.state(), gui::AppCore::State::Locked);
            core.unlockWithKeychain();
            QTRY_COMPARE_WITH_TIMEOUT(core.state(), gui::AppCore::State::Ready, 10000);
        }
        // The keychain's entry gone: said (translatable, no path), the profile stays closed,
        // and once the keychain has it again, Try again opens it.
        const ProfileFiles files(dir.path());
        const QByteArray keyBytes = test::readFile(files.keyFile);
        const auto keyFile = KeyFile::parse(std::span<const std::uint8_t>(
            reinterpret_cast<const std::uint8_t*>(keyBytes.constData()),
            static_cast<std::size_t>(keyBytes.size())));
        QVERIFY(keyFile.has_value());
        auto key = Keychain().read(keyFile->keychainId());
        QVERIFY(key.has_value());
        QVERIFY(Keychain().remove(keyFile->keychainId()).has_value());
        gui::AppCore core(dir.path());
        core.unlockWithKeychain();
        QTRY_COMPARE_WITH_TIMEOUT(core.state(), gui::AppCore::State::Locked, 10000);
        QVERIFY2(core.error().contains(QStringLiteral("keychain")), qPrintable(core.error()));
        QVERIFY2(!core.error().contains(dir.path()), qPrintable(core.error()));
        QVERIFY(Keychain().write(keyFile->keychainId(), *key).has_value());
        core.unlockWithKeychain();
        QTRY_COMPARE_WITH_TIMEOUT(core.state(), gui::AppCore::State::Ready, 10000);
    }

    // A passphrase profile is not a keychain one: the unlock page asks.
    void passphraseProfileIsNotKeychain() {
        QTemporaryDir dir;
        {
            Store store;
            QVERIFY(test::await(store.create(dir.path(), test::passphrase("pw"),
                                             KdfStrength::Interactive))
                        .has_value());
        }
        gui::AppCore core(dir.path());
        QVERIFY(!core.keychain());
        core.unlockWithKeychain();  // does nothing
        QCOMPARE(core.state(), gui::AppCore::State::Locked);
    }

private:
    QDBusConnection server_{QString()};
    NotificationServer notifications_;
};

QTEST_MAIN(DesktopTest)
#include "tst_desktop.moc"
