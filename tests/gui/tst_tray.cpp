// The tray icon without QtWidgets (qml/app/TrayIcon.h), on X11 (xvfb-run) in a private D-Bus
// session (with-keyring.sh): with a StatusNotifierWatcher on the bus — the test's, on its own
// connection, as a desktop's panel would run it — the app registers its StatusNotifierItem,
// the item's tooltip carries the unread count, and the host's Activate brings the window
// back. (Without a watcher there is no tray: tst_desktop.)
#include <QDBusArgument>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusPendingCall>
#include <QDBusVariant>
#include <QGuiApplication>
#include <QMutex>
#include <QThread>
#include <QTemporaryDir>
#include <QTest>
#include <QWindow>

#include "qml/app/Notifier.h"
#include "qml/core/AppCore.h"

using namespace tandem;

// What a panel's StatusNotifierWatcher is told.
// It lives on its own thread: Qt asks it synchronously from the GUI thread, as it would ask a
// panel in another process.
class Watcher : public QObject {
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.kde.StatusNotifierWatcher")
    Q_PROPERTY(bool IsStatusNotifierHostRegistered READ hostRegistered)
    Q_PROPERTY(QStringList RegisteredStatusNotifierItems READ items)
    Q_PROPERTY(int ProtocolVersion READ protocolVersion)
public:
    [[nodiscard]] QStringList registeredItems() const {
        const QMutexLocker lock(&mutex_);
        return registered_;
    }
    [[nodiscard]] bool hostRegistered() const { return true; }
    [[nodiscard]] QStringList items() const { return registeredItems(); }
    [[nodiscard]] int protocolVersion() const { return 0; }
public slots:
    void RegisterStatusNotifierItem(const QString& service) {
        const QMutexLocker lock(&mutex_);
        registered_ << service;
    }
    void RegisterStatusNotifierHost(const QString&) {}

private:
    mutable QMutex mutex_;
    QStringList registered_;
};

namespace {

// The item's ToolTip property, (s a(iiay) s s): its title.
QString toolTipTitle(const QDBusConnection& bus, const QString& service) {
    QDBusMessage get = QDBusMessage::createMethodCall(
        service, QStringLiteral("/StatusNotifierItem"),
        QStringLiteral("org.freedesktop.DBus.Properties"), QStringLiteral("Get"));
    get << QStringLiteral("org.kde.StatusNotifierItem") << QStringLiteral("ToolTip");
    // Asynchronously, with this thread's events going: the item answers from this thread.
    QDBusPendingCall pending = bus.asyncCall(get, 5000);
    if (!QTest::qWaitFor([&] { return pending.isFinished(); }, 6000)) {
        return QStringLiteral("(no reply in time)");
    }
    const QDBusMessage reply = pending.reply();
    if (reply.type() != QDBusMessage::ReplyMessage || reply.arguments().isEmpty()) {
        return QStringLiteral("(no reply: %1)").arg(reply.errorMessage());
    }
    const auto arg = reply.arguments().first().value<QDBusVariant>().variant().value<QDBusArgument>();
    QString icon;
    QString title;
    QString subtitle;
    arg.beginStructure();
    arg >> icon;
    arg.beginArray();
    for (int i = 0; i < 16 && !arg.atEnd(); ++i) {
        int w = 0;
        int h = 0;
        QByteArray pixels;
        arg.beginStructure();
        arg >> w >> h >> pixels;
        arg.endStructure();
    }
    arg.endArray();
    arg >> title >> subtitle;
    arg.endStructure();
    return title;
}

}  // namespace

class TrayTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY2(qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"),
                 "run through tests/storage/with-keyring.sh xvfb-run -a");
        QCOMPARE(QGuiApplication::platformName(), QStringLiteral("xcb"));
    }

    void registers() {
        // The watcher first: Qt's theme looks for one once per process.
        watcherThread_.start();
        watcher_.moveToThread(&watcherThread_);
        host_ = QDBusConnection::connectToBus(QDBusConnection::SessionBus, QStringLiteral("panel"));
        QVERIFY(host_.isConnected());
        QVERIFY(host_.registerObject(QStringLiteral("/StatusNotifierWatcher"), &watcher_,
                                     QDBusConnection::ExportAllSlots |
                                         QDBusConnection::ExportAllProperties));
        QVERIFY(host_.registerService(QStringLiteral("org.kde.StatusNotifierWatcher")));

        QTemporaryDir dir;
        gui::AppCore core(dir.path());
        QWindow window;
        gui::Notifier notifier(core, &window);
        notifier.showTray();
        QVERIFY(notifier.hasTray());
        QTRY_COMPARE_WITH_TIMEOUT(watcher_.registeredItems().size(), 1, 5000);
        const QString item = watcher_.registeredItems().first();
        QVERIFY2(host_.interface()->isServiceRegistered(item).value(), qPrintable(item));
        QCOMPARE(toolTipTitle(host_, item), QStringLiteral("Tandem"));

        // The host activates it (a click on the icon): the window comes back.
        QVERIFY(!window.isVisible());
        QDBusMessage activate = QDBusMessage::createMethodCall(
            item, QStringLiteral("/StatusNotifierItem"), QStringLiteral("org.kde.StatusNotifierItem"),
            QStringLiteral("Activate"));
        activate << 10 << 10;
        QVERIFY(host_.send(activate));
        QTRY_VERIFY_WITH_TIMEOUT(window.isVisible(), 5000);
    }

    void cleanupTestCase() {
        watcherThread_.quit();
        watcherThread_.wait();
    }

private:
    QDBusConnection host_{QString()};
    QThread watcherThread_;
    Watcher watcher_;
};

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "xcb");  // the generic Unix theme, which makes the tray icon
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Tandem"));
    TrayTest test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "tst_tray.moc"
