// Notifier: the system tray icon with the unread count (TrayIcon), and a desktop notification
// (DesktopNotifications) for each message that arrives while the window is not in front. With
// previews off (AppCore's `previews`), a notification says only that a message came — never
// who sent it or what it says. A conversation has one notification, replaced by its next
// message, and taken back once it has nothing unread (read, or its messages disappeared or
// were deleted). Clicking the tray icon brings the window back; clicking a
// notification brings it back with the notification's conversation open (in its mode).
//
// Where the desktop has no tray, notifications still go to its notification server; where it
// has neither (a bare X server), nothing is shown, but the decisions are still made and kept
// in lastNotification() (what the tests check).
#pragma once

#include <QIcon>
#include <QObject>
#include <QPointer>
#include <QWindow>

#include "qml/app/DesktopNotifications.h"
#include "qml/app/TrayIcon.h"
#include "qml/core/AppCore.h"

namespace tandem::gui {

class Notifier : public QObject {
    Q_OBJECT
public:
    struct Shown {
        QString title;
        QString text;  // as handed to the desktop: escaped for its markup
        qint64 conversationId = 0;
    };

    Notifier(AppCore& core, QWindow* window, QObject* parent = nullptr);

    [[nodiscard]] const Shown& lastNotification() const { return last_; }
    [[nodiscard]] int notificationCount() const { return count_; }
    [[nodiscard]] bool hasTray() const { return tray_ != nullptr && tray_->shown(); }
    // Puts the icon in the tray where the desktop has one, and connects to its notification
    // server. Called after the window's first frame: asking the desktop for its tray and
    // drawing the icon (the SVG plugin) would otherwise delay it (docs/app.md, "Start").
    void showTray();
    // Null until showTray() or the first notification.
    [[nodiscard]] DesktopNotifications* notifications() const { return notifications_; }
    // A message as a notification's body. Desktop notification servers read the body as
    // markup (<b>, <a href>, <img src> in some): what a person wrote is escaped, so it shows
    // as written and makes the server fetch nothing.
    [[nodiscard]] static QString notificationBody(const QString& text);
    // The icon with the unread count drawn on it.
    [[nodiscard]] static QIcon badgeIcon(int unread);

private:
    void onMessage(qint64 conversationId, const QString& sender, const QString& text,
                   bool disappearing);
    void updateBadge();
    // The conversation changed: its notification goes once nothing in it is unread.
    void withdrawIfRead(qint64 conversationId);
    void raiseWindow();
    // A notification was clicked: the window in front, its conversation open there.
    void openConversation(qint64 conversationId);
    DesktopNotifications& desktop();

    AppCore& core_;
    QPointer<QWindow> window_;
    TrayIcon* tray_ = nullptr;
    DesktopNotifications* notifications_ = nullptr;
    bool triedTray_ = false;  // the desktop asked once whether it has a tray
    Shown last_;
    int count_ = 0;
};

}  // namespace tandem::gui
