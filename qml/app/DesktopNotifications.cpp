#include "qml/app/DesktopNotifications.h"

#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QGuiApplication>
#include <QLoggingCategory>
#include <QVariantMap>

Q_LOGGING_CATEGORY(lcNotify, "tandem.app.notifications", QtWarningMsg)

namespace tandem::gui {

namespace {

QString iconName() {
    // The desktop file's name is the icon's (packaging/org.tandem.Tandem.desktop).
    const QString desktop = QGuiApplication::desktopFileName();
    return desktop.isEmpty() ? QStringLiteral("org.tandem.Tandem") : desktop;
}

}  // namespace

DesktopNotifications::DesktopNotifications(QObject* parent) : QObject(parent) {
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected()) {
        return;
    }
    bus.connect(QString::fromLatin1(kService), QString::fromLatin1(kPath),
                QString::fromLatin1(kService), QStringLiteral("ActionInvoked"), this,
                SLOT(onActionInvoked(uint, QString)));
    bus.connect(QString::fromLatin1(kService), QString::fromLatin1(kPath),
                QString::fromLatin1(kService), QStringLiteral("ActivationToken"), this,
                SLOT(onActivationToken(uint, QString)));
    bus.connect(QString::fromLatin1(kService), QString::fromLatin1(kPath),
                QString::fromLatin1(kService), QStringLiteral("NotificationClosed"), this,
                SLOT(onClosed(uint, uint)));
}

void DesktopNotifications::show(const QString& title, const QString& body, qint64 conversationId) {
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected()) {
        if (!warned_) {
            warned_ = true;
            qCWarning(lcNotify) << "no session bus: notifications are not shown";
        }
        return;
    }
    QDBusMessage call =
        QDBusMessage::createMethodCall(QString::fromLatin1(kService), QString::fromLatin1(kPath),
                                       QString::fromLatin1(kService), QStringLiteral("Notify"));
    const QVariantMap hints{
        {QStringLiteral("desktop-entry"), iconName()},
        {QStringLiteral("category"), QStringLiteral("im.received")},
        {QStringLiteral("urgency"), QVariant::fromValue<uchar>(1)},  // normal
    };
    // The conversation's notification, if one is shown, is replaced (by the same id).
    const auto shown = shown_.find(conversationId);
    const uint replaces = shown != shown_.end() ? shown->second : 0;
    call << QGuiApplication::applicationDisplayName() << replaces << iconName() << title << body
         << QStringList{QStringLiteral("default"), tr("Open")} << hints << int{kTimeoutMs};
    auto* watcher = new QDBusPendingCallWatcher(bus.asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this,
            [this, conversationId](QDBusPendingCallWatcher* w) {
                w->deleteLater();
                const QDBusPendingReply<uint> reply = *w;
                if (reply.isError()) {
                    if (!warned_) {
                        warned_ = true;
                        qCWarning(lcNotify)
                            << "the notification server did not take it:" << reply.error().name();
                    }
                    return;
                }
                // What this conversation had (the server may answer a replacement with a
                // new id), then the oldest beyond the bound.
                const auto before = shown_.find(conversationId);
                if (before != shown_.end()) {
                    forget(before->second);
                }
                while (open_.size() >= static_cast<std::size_t>(kMaxTracked)) {
                    forget(open_.begin()->first);  // the oldest id
                }
                open_[reply.value()] = conversationId;
                shown_[conversationId] = reply.value();
                ++delivered_;
                emit deliveredChanged();
            });
}

void DesktopNotifications::onActionInvoked(uint id, const QString& action) {
    const auto it = open_.find(id);
    if (it != open_.end() && action == QLatin1String("default")) {
        emit clicked(it->second);
    }
}

void DesktopNotifications::onActivationToken(uint id, const QString& token) {
    if (open_.count(id) != 0 && !token.isEmpty()) {
        qputenv("XDG_ACTIVATION_TOKEN", token.toUtf8());
    }
}

void DesktopNotifications::withdraw(qint64 conversationId) {
    const auto shown = shown_.find(conversationId);
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (shown == shown_.end() || !bus.isConnected()) {
        return;
    }
    QDBusMessage call = QDBusMessage::createMethodCall(
        QString::fromLatin1(kService), QString::fromLatin1(kPath), QString::fromLatin1(kService),
        QStringLiteral("CloseNotification"));
    call << shown->second;
    forget(shown->second);
    bus.asyncCall(call);  // the answer is empty; a notification already gone is no error here
}

void DesktopNotifications::forget(uint id) {
    const auto it = open_.find(id);
    if (it != open_.end()) {
        const auto shown = shown_.find(it->second);
        if (shown != shown_.end() && shown->second == id) {
            shown_.erase(shown);
        }
        open_.erase(it);
    }
}

void DesktopNotifications::onClosed(uint id, uint /*reason*/) {
    forget(id);
}

}  // namespace tandem::gui
