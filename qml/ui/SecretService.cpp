#include "qml/ui/SecretService.h"

#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QDBusVariant>

namespace tandem::gui {

SecretService::SecretService(QObject* parent) : QObject(parent) {
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected()) {
        checked_ = true;  // no session bus: no Secret Service
        return;
    }
    // The service's collections: an answer means it is there (started by D-Bus activation if
    // it was not running), an error or silence that it is not.
    QDBusMessage ask = QDBusMessage::createMethodCall(
        QStringLiteral("org.freedesktop.secrets"), QStringLiteral("/org/freedesktop/secrets"),
        QStringLiteral("org.freedesktop.DBus.Properties"), QStringLiteral("Get"));
    ask << QStringLiteral("org.freedesktop.Secret.Service") << QStringLiteral("Collections");
    auto* watcher = new QDBusPendingCallWatcher(bus.asyncCall(ask, kTimeoutMs), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher* w) {
        const QDBusPendingReply<QDBusVariant> reply = *w;
        available_ = !reply.isError();
        checked_ = true;
        w->deleteLater();
        emit checkedChanged();
    });
}

}  // namespace tandem::gui
