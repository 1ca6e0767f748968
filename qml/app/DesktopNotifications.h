// DesktopNotifications: desktop notifications through the freedesktop.org notification service
// (org.freedesktop.Notifications on the session bus, over QtDBus) — what GNOME, KDE, XFCE,
// dunst, mako and every other Linux notification server show. It needs no tray and no
// QtWidgets. Calls are asynchronous: the GUI thread never waits for the server.
//
// One notification per conversation: a new message replaces the conversation's notification
// (replaces_id) rather than stacking another, and withdraw() takes it back (CloseNotification)
// once there is nothing new in the conversation to see.
//
// Clicking a notification (its "default" action) reports the conversation it was about. Where
// the session has no notification server, nothing is shown, and that is logged once.
#pragma once

#include <map>

#include <QObject>
#include <QString>

namespace tandem::gui {

class DesktopNotifications : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxTracked = 64;   // notifications remembered for their click
    static constexpr int kTimeoutMs = 5000;  // as the tray's messages had
    static constexpr const char* kService = "org.freedesktop.Notifications";
    static constexpr const char* kPath = "/org/freedesktop/Notifications";

    explicit DesktopNotifications(QObject* parent = nullptr);

    // `body` goes as is: the caller escapes it for the servers that read markup.
    void show(const QString& title, const QString& body, qint64 conversationId);
    // The conversation's notification, if the server shows one, taken back.
    void withdraw(qint64 conversationId);
    // Whether the server shows a notification of this conversation (as far as we know).
    [[nodiscard]] bool showing(qint64 conversationId) const {
        return shown_.count(conversationId) != 0;
    }
    // How many the server took (answered with an id).
    [[nodiscard]] int delivered() const { return delivered_; }

signals:
    void clicked(qint64 conversationId);
    void deliveredChanged();

private slots:
    void onActionInvoked(uint id, const QString& action);
    // Sent just before ActionInvoked by servers that have it: the token that lets the window
    // come to the front under Wayland (XDG_ACTIVATION_TOKEN, read by requestActivate()).
    void onActivationToken(uint id, const QString& token);
    void onClosed(uint id, uint reason);

private:
    void forget(uint id);

    std::map<uint, qint64> open_;   // server id → conversation, at most kMaxTracked
    std::map<qint64, uint> shown_;  // conversation → server id (the same pairs)
    int delivered_ = 0;
    bool warned_ = false;
};

}  // namespace tandem::gui
