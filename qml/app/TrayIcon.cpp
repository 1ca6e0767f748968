#include "qml/app/TrayIcon.h"

#include <QLoggingCategory>
#include <QtGui/private/qguiapplication_p.h>
#include <QtGui/qpa/qplatformsystemtrayicon.h>
#include <QtGui/qpa/qplatformtheme.h>

Q_LOGGING_CATEGORY(lcTray, "tandem.app.tray", QtInfoMsg)

// QPA is Qt's semi-private API: what this file calls is checked against the Qt it was built
// with (Debian's 6.4); another minor version must be looked at again.
static_assert(QT_VERSION_MAJOR == 6 && QT_VERSION_MINOR == 4,
              "TrayIcon uses QtGui's QPA tray icon API as in Qt 6.4: check it for this Qt");

namespace tandem::gui {

TrayIcon::TrayIcon(QObject* parent) : QObject(parent) {}

TrayIcon::~TrayIcon() {
    if (handle_) {
        handle_->cleanup();  // the item leaves the host's tray
    }
}

bool TrayIcon::show(const QIcon& icon, const QString& toolTip) {
    if (handle_) {
        update(icon, toolTip);
        return true;
    }
    QPlatformTheme* theme = QGuiApplicationPrivate::platformTheme();
    if (theme == nullptr) {
        return false;
    }
    // The generic Unix theme (and those built on it) makes one only where a
    // StatusNotifierWatcher with a host is on the session bus.
    std::unique_ptr<QPlatformSystemTrayIcon> handle(theme->createPlatformSystemTrayIcon());
    if (!handle || !handle->isSystemTrayAvailable()) {
        qCInfo(lcTray) << "no StatusNotifierItem host on the session bus: no tray icon "
                          "(notifications still go to the notification server)";
        return false;
    }
    handle_ = std::move(handle);
    connect(handle_.get(), &QPlatformSystemTrayIcon::activated, this, &TrayIcon::activated);
    handle_->init();
    update(icon, toolTip);
    return true;
}

void TrayIcon::update(const QIcon& icon, const QString& toolTip) {
    if (handle_) {
        handle_->updateIcon(icon);
        handle_->updateToolTip(toolTip);
    }
}

}  // namespace tandem::gui
