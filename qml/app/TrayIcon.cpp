#include "qml/app/TrayIcon.h"

#include <QtGui/private/qguiapplication_p.h>
#include <QtGui/qpa/qplatformsystemtrayicon.h>
#include <QtGui/qpa/qplatformtheme.h>

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
