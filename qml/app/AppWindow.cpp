#include "qml/app/AppWindow.h"

#include <QGuiApplication>
#include <QLoggingCategory>
#include <QQmlComponent>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QSGRendererInterface>
#include <QtQml/QQmlExtensionPlugin>

#include "qml/app/FontWarmup.h"
#include "qml/app/Notifier.h"
#include "qml/attachments/AttachmentImages.h"
#include "qml/core/AppCore.h"
#include "qml/ui/Language.h"

// Every QML module is a static library: its plugin is imported here, once for the app and
// the GUI tests.
Q_IMPORT_QML_PLUGIN(TandemPlugin)
Q_IMPORT_QML_PLUGIN(Tandem_CorePlugin)
Q_IMPORT_QML_PLUGIN(Tandem_UiPlugin)
Q_IMPORT_QML_PLUGIN(Tandem_AccountsPlugin)
Q_IMPORT_QML_PLUGIN(Tandem_ConversationsPlugin)
Q_IMPORT_QML_PLUGIN(Tandem_ContactsPlugin)
Q_IMPORT_QML_PLUGIN(Tandem_ChatPlugin)
Q_IMPORT_QML_PLUGIN(Tandem_AttachmentsPlugin)
Q_IMPORT_QML_PLUGIN(Tandem_LatencyPlugin)
Q_IMPORT_QML_PLUGIN(Tandem_SettingsPlugin)

Q_LOGGING_CATEGORY(lcQml, "tandem.qml", QtWarningMsg)

namespace tandem::gui {

namespace {
// The messenger's page (Main.qml loads it by this URL).
QUrl shellUrl() {
    return QUrl(QStringLiteral("qrc:/Tandem/ChatShell.qml"));
}
}  // namespace

AppWindow::AppWindow(const QString& profileDir) {
    // Fusion follows the system palette (light or dark) and looks at home on any desktop;
    // QT_QUICK_CONTROLS_STYLE still wins when a user sets it.
    // Once per process (a second window — the GUI tests open two — must not set it again).
    static const bool styled = [] {
        if (qEnvironmentVariableIsEmpty("QT_QUICK_CONTROLS_STYLE")) {
            QQuickStyle::setStyle(QStringLiteral("Fusion"));
        }
        // Qt Quick's software renderer: the interface draws rectangles, text and images (no
        // shaders), and without OpenGL the process is far smaller — 57 MiB instead of 149 MiB
        // resident at the unlock screen under Mesa's llvmpipe (docs/app.md, BENCHMARKS.md).
        // QT_QUICK_BACKEND still wins when a user sets it.
        if (qEnvironmentVariableIsEmpty("QT_QUICK_BACKEND")) {
            QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
        }
        // The saved language (or the system's), before any QML is translated
        // (docs/translations.md).
        Language::installSaved();
        return true;
    }();
    Q_UNUSED(styled);
    // The modules' qmldir files are compiled in under qrc:/Tandem/<Feature>/ (Qt 6.4 does not
    // look there by itself).
    engine_.addImportPath(QStringLiteral("qrc:/"));
    QObject::connect(&engine_, &QQmlApplicationEngine::warnings, &engine_,
                     [](const QList<QQmlError>& warnings) {
                         for (const QQmlError& warning : warnings) {
                             qCWarning(lcQml).noquote() << warning.toString();
                         }
                     });
    // A profile whose key is in the keychain opens on the messenger's page (load()): that page
    // starts compiling now, on the type loader's thread, while this one makes the core — not
    // after (docs/app.md, "Start"). The key file alone says so (a few hundred bytes).
    if (ProfileSession::keychainProfile(profileDir)) {
        shell_ = std::make_unique<QQmlComponent>(&engine_, shellUrl(), QQmlComponent::Asynchronous);
    }
    core_ = std::make_unique<AppCore>(profileDir);
    // Attachments' images (image://attachment/…), read through this window's core.
    AttachmentImages::install(engine_, *core_);
}

AppWindow::~AppWindow() = default;

bool AppWindow::load() {
    // A keychain profile opening at start shows the messenger's page first (Main.qml's
    // shellFirst, given here): its QML — the page and everything it imports, Qt Quick Controls
    // included — is compiled first (started as this window was made, before its core), before
    // Main.qml. Main.qml's Loader then finds it compiled (the type loader keeps it by URL while
    // this component lives) and only makes it. Compiled from within Main.qml's own creation, the
    // same page took ≈ 40 ms longer to show (docs/app.md, "Start"). The compile runs on the type
    // loader's thread; this thread, which would only wait for it, makes the page's fonts
    // meanwhile, then Main.qml's load waits for the compile.
    const bool shellFirst = core_->keychain() && core_->state() == ProfileSession::State::Opening;
    if (shellFirst) {
        if (!shell_) {
            shell_ =
                std::make_unique<QQmlComponent>(&engine_, shellUrl(), QQmlComponent::Asynchronous);
        }
        warmUpFonts();
    }
    engine_.setInitialProperties({{QStringLiteral("core"), QVariant::fromValue(core_.get())},
                                  {QStringLiteral("shellFirst"), shellFirst}});
    engine_.load(QUrl(QStringLiteral("qrc:/Tandem/Main.qml")));
    if (window() == nullptr) {
        qCCritical(lcQml) << "the main window could not be created";
        return false;
    }
    notifier_ = std::make_unique<Notifier>(*core_, window());
    // The tray once the first frame is on screen (Notifier::showTray).
    QObject::connect(
        window(), &QQuickWindow::frameSwapped, notifier_.get(), &Notifier::showTray,
        static_cast<Qt::ConnectionType>(Qt::QueuedConnection | Qt::SingleShotConnection));
    // A passphrase profile's unlock page does not wait for the messenger's page: it is compiled
    // on the type loader's thread once an unlock starts (Argon2id takes about a second on the
    // storage thread), after the unlock page's first frame, so the unlock only has it made.
    // Not before: the unlock page, idle, stays as small as it was.
    if (!shellFirst && core_->state() == ProfileSession::State::Locked) {
        QObject::connect(
            window(), &QQuickWindow::frameSwapped, window(),
            [this] {
                compileShellWhileOpening();
                QObject::connect(core_.get(), &AppCore::stateChanged, window(),
                                 [this] { compileShellWhileOpening(); });
            },
            static_cast<Qt::ConnectionType>(Qt::QueuedConnection | Qt::SingleShotConnection));
    }
    return true;
}

void AppWindow::compileShellWhileOpening() {
    if (!shell_ && core_->state() == ProfileSession::State::Opening) {
        shell_ = std::make_unique<QQmlComponent>(&engine_, shellUrl(), QQmlComponent::Asynchronous);
    }
}

QQuickWindow* AppWindow::window() const {
    const auto roots = engine_.rootObjects();
    return roots.isEmpty() ? nullptr : qobject_cast<QQuickWindow*>(roots.first());
}

}  // namespace tandem::gui
