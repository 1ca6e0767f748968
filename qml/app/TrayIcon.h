// TrayIcon: the app's icon in the desktop's tray, through Qt's platform theme — on Linux a
// StatusNotifierItem over D-Bus (what KDE, GNOME with AppIndicator, XFCE, LXQt and Sway's
// bars show) — without QtWidgets, so the app runs on a QGuiApplication (docs/app.md, "Start").
// This is the same QPA call Qt.labs.platform's SystemTrayIcon makes; it needs QtGui's private
// headers at build time (qt6-base-private-dev), nothing more at run time.
//
// Where the desktop has no StatusNotifierItem host (a bare X server, a tray that speaks only
// the old XEmbed protocol), show() says false and nothing is shown.
#pragma once

#include <memory>

#include <QIcon>
#include <QObject>
#include <QString>

class QPlatformSystemTrayIcon;

namespace tandem::gui {

class TrayIcon : public QObject {
    Q_OBJECT
public:
    explicit TrayIcon(QObject* parent = nullptr);
    ~TrayIcon() override;
    TrayIcon(const TrayIcon&) = delete;
    TrayIcon& operator=(const TrayIcon&) = delete;

    // Puts the icon in the tray; false where the desktop has none (asks it over D-Bus: call
    // after the first frame).
    bool show(const QIcon& icon, const QString& toolTip);
    void update(const QIcon& icon, const QString& toolTip);
    [[nodiscard]] bool shown() const { return handle_ != nullptr; }

signals:
    // Clicked (any button) or chosen from the host's menu.
    void activated();

private:
    std::unique_ptr<QPlatformSystemTrayIcon> handle_;
};

}  // namespace tandem::gui
