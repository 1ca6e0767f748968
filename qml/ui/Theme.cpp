#include "qml/ui/Theme.h"

#include <array>
#include <functional>

#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QDBusVariant>
#include <QEvent>
#include <QGuiApplication>
#include <QPalette>
#include <QTimer>

#include "qml/ui/AppSettings.h"

namespace tandem::gui {

namespace {

constexpr auto kThemeKey = "appearance/theme";

constexpr auto kPortalService = "org.freedesktop.portal.Desktop";
constexpr auto kPortalPath = "/org/freedesktop/portal/desktop";
constexpr auto kPortalSettings = "org.freedesktop.portal.Settings";
constexpr auto kAppearance = "org.freedesktop.appearance";
constexpr auto kColorScheme = "color-scheme";

// The portal's colour-scheme value: 1 prefers dark, 2 prefers light, 0 no preference.
bool darkScheme(const QVariant& value) {
    QVariant v = value;
    while (v.canConvert<QDBusVariant>() && v.userType() == qMetaTypeId<QDBusVariant>()) {
        v = v.value<QDBusVariant>().variant();
    }
    return v.toUInt() == 1;
}

bool darkPalette() {
    return QGuiApplication::palette().color(QPalette::Window).lightness() < 128;
}

// Calls `changed` when the application's palette changes (the desktop's theme, where the
// platform theme follows it; a test's palette).
class PaletteWatch : public QObject {
public:
    PaletteWatch(QObject* parent, std::function<void()> changed)
        : QObject(parent), changed_(std::move(changed)) {
        QCoreApplication::instance()->installEventFilter(this);
    }
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (watched == QCoreApplication::instance() &&
            event->type() == QEvent::ApplicationPaletteChange) {
            changed_();
        }
        return false;
    }

private:
    std::function<void()> changed_;
};

}  // namespace

Theme::Theme(QObject* parent) : QObject(parent) {
    const QString saved = appSettings().value(QString::fromLatin1(kThemeKey)).toString();
    if (saved == QLatin1String("light") || saved == QLatin1String("dark")) {
        choice_ = saved;
    }
    // Before the portal answers (or where there is none): the system palette.
    systemDark_ = darkPalette();
    // Where there is no portal, the palette says it (checked again when it changes).
    new PaletteWatch(this, [this] {
        if (!portalAnswered_) {
            setSystemDark(darkPalette());
        }
    });
    // Once the event loop runs: connecting to the session bus and subscribing wait on the
    // bus daemon, which the first frame must not.
    QTimer::singleShot(0, this, &Theme::readPortal);
}

Theme* Theme::create(QQmlEngine*, QJSEngine*) {
    return new Theme;
}

bool Theme::dark() const {
    return choice_ == QLatin1String("system") ? systemDark_ : choice_ == QLatin1String("dark");
}

void Theme::setChoice(const QString& choice) {
    const QString wanted = choice == QLatin1String("light") || choice == QLatin1String("dark")
                               ? choice
                               : QStringLiteral("system");
    if (wanted == choice_) {
        return;
    }
    choice_ = wanted;
    appSettings().setValue(QString::fromLatin1(kThemeKey), choice_);
    emit changed();
}

void Theme::readPortal() {
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected()) {
        return;
    }
    // Any sender (an empty service): naming the portal would make QtDBus look up its owner
    // and wait for the answer.
    bus.connect(QString(), QString::fromLatin1(kPortalPath), QString::fromLatin1(kPortalSettings),
                QStringLiteral("SettingChanged"), this,
                SLOT(portalSettingChanged(QString, QString, QDBusVariant)));
    QDBusMessage read = QDBusMessage::createMethodCall(
        QString::fromLatin1(kPortalService), QString::fromLatin1(kPortalPath),
        QString::fromLatin1(kPortalSettings), QStringLiteral("Read"));
    read << QString::fromLatin1(kAppearance) << QString::fromLatin1(kColorScheme);
    auto* watcher = new QDBusPendingCallWatcher(bus.asyncCall(read, 2000), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher* w) {
        const QDBusPendingReply<QVariant> reply = *w;
        w->deleteLater();
        if (!reply.isError()) {
            portalAnswered_ = true;  // the desktop's setting wins over a palette
            setSystemDark(darkScheme(reply.value()));
        }
    });
}

void Theme::portalSettingChanged(const QString& group, const QString& key,
                                 const QDBusVariant& value) {
    if (group == QLatin1String(kAppearance) && key == QLatin1String(kColorScheme)) {
        setSystemDark(darkScheme(value.variant()));
    }
}

void Theme::setSystemDark(bool dark) {
    if (dark != systemDark_) {
        systemDark_ = dark;
        if (choice_ == QLatin1String("system")) {
            emit changed();
        }
    }
}

QColor Theme::avatarColor(const QString& id) {
    // Deep enough for white initials, apart enough to tell neighbours in a list apart.
    static constexpr std::array<QRgb, 12> kColors = {0xc73f1f, 0xad2d6c, 0x8a3fb0, 0x5a4fcf,
                                                     0x2c6bed, 0x0a7e9e, 0x067a5d, 0x3f7d1e,
                                                     0x8a6d00, 0xb35a00, 0x6b6f78, 0x9c3f3f};
    // FNV-1a over the UTF-16 of the id: stable everywhere (qHash is seeded per process).
    std::uint32_t hash = 2166136261U;
    for (const QChar c : id) {
        hash = (hash ^ c.unicode()) * 16777619U;
    }
    return QColor(kColors[hash % kColors.size()]);
}

QString Theme::initials(const QString& name) {
    QString out;
    for (const QString& word : name.split(u' ', Qt::SkipEmptyParts)) {
        const QChar first = word.at(0);
        if (first.isLetter()) {
            out += first.toUpper();
        }
        if (out.size() >= 2) {
            break;
        }
    }
    return out.isEmpty() ? QStringLiteral("#") : out;
}

}  // namespace tandem::gui
