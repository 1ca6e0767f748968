// Theme: the app's colours, light or dark. "system" (the default) follows the desktop: the
// freedesktop portal's colour scheme (what GNOME and KDE set, asked once the event loop runs,
// answered asynchronously, and followed when it changes), else the application palette's
// lightness (followed when it changes), else a dark system palette; "light" and
// "dark" are the user's choice in Settings, kept in the app's own settings file (not in the
// profile: the unlock screen is themed before any profile is open). The palette of the controls is
// set from the same colours, so Fusion's buttons and fields match.
#pragma once

#include <QColor>
#include <QDBusVariant>
#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

namespace tandem::gui {

class Theme : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    // "system", "light" or "dark".
    Q_PROPERTY(QString choice READ choice WRITE setChoice NOTIFY changed)
    Q_PROPERTY(bool dark READ dark NOTIFY changed)
    Q_PROPERTY(QColor window READ window NOTIFY changed)
    Q_PROPERTY(QColor panel READ panel NOTIFY changed)
    Q_PROPERTY(QColor text READ text NOTIFY changed)
    Q_PROPERTY(QColor muted READ muted NOTIFY changed)
    Q_PROPERTY(QColor separator READ separator NOTIFY changed)
    Q_PROPERTY(QColor selection READ selection NOTIFY changed)
    Q_PROPERTY(QColor incomingBubble READ incomingBubble NOTIFY changed)
    Q_PROPERTY(QColor warningBackground READ warningBackground NOTIFY changed)
    Q_PROPERTY(QColor warningText READ warningText NOTIFY changed)
    Q_PROPERTY(QColor danger READ danger CONSTANT)
    // Signal's blue and Session's green: the mode is visible at a glance.
    Q_PROPERTY(QColor signalAccent READ signalAccent CONSTANT)
    Q_PROPERTY(QColor sessionAccent READ sessionAccent CONSTANT)

public:
    explicit Theme(QObject* parent = nullptr);
    static Theme* create(QQmlEngine*, QJSEngine*);

    [[nodiscard]] QString choice() const { return choice_; }
    void setChoice(const QString& choice);
    [[nodiscard]] bool dark() const;

    [[nodiscard]] QColor window() const { return dark() ? QColor(0x1b1c1f) : QColor(0xffffff); }
    [[nodiscard]] QColor panel() const { return dark() ? QColor(0x26272b) : QColor(0xf4f5f7); }
    [[nodiscard]] QColor text() const { return dark() ? QColor(0xe9e9eb) : QColor(0x1b1b1d); }
    [[nodiscard]] QColor muted() const { return dark() ? QColor(0xa3a5ab) : QColor(0x60636b); }
    [[nodiscard]] QColor separator() const { return dark() ? QColor(0x3a3b40) : QColor(0xdfe1e5); }
    [[nodiscard]] QColor selection() const { return dark() ? QColor(0x34363c) : QColor(0xe3e8f1); }
    [[nodiscard]] QColor incomingBubble() const {
        return dark() ? QColor(0x35363b) : QColor(0xe9e9eb);
    }
    [[nodiscard]] QColor warningBackground() const {
        return dark() ? QColor(0x4a3b10) : QColor(0xfff3cd);
    }
    [[nodiscard]] QColor warningText() const {
        return dark() ? QColor(0xffe28a) : QColor(0x5c4400);
    }
    [[nodiscard]] static QColor danger() { return {0xc6, 0x28, 0x28}; }
    [[nodiscard]] static QColor signalAccent() { return {0x2c, 0x6b, 0xed}; }
    [[nodiscard]] static QColor sessionAccent() { return {0x00, 0xa8, 0x70}; }

    // A mode's accent ("signal": blue, "session": green), as the mode toggle, the header's line
    // and my bubbles show it.
    Q_INVOKABLE static QColor accentOf(const QString& mode) {
        return mode == QLatin1String("session") ? sessionAccent() : signalAccent();
    }
    // An avatar's colour, the same for an id on every start and every machine (as Signal
    // picks one of a dozen colours from the id), readable under white initials.
    Q_INVOKABLE static QColor avatarColor(const QString& id);
    // The initials of a name ("Ada Lovelace" → "AL"); "#" for a number or an id without
    // letters (a phone number's digits say nothing as initials).
    Q_INVOKABLE static QString initials(const QString& name);

signals:
    void changed();

private slots:
    void portalSettingChanged(const QString& group, const QString& key, const QDBusVariant& value);

private:
    void readPortal();
    void setSystemDark(bool dark);

    QString choice_ = QStringLiteral("system");
    bool systemDark_ = false;
    bool portalAnswered_ = false;
};

}  // namespace tandem::gui
