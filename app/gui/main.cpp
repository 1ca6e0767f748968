// tandem: the desktop app. Thin main: the window and its QML live in tandem_gui (qml/).
#include <cstdio>

#include <QCommandLineParser>
#include <QFile>
#include <QGuiApplication>
#include <QTextStream>

#include <tandem/common/UnixSignals.h>

#include "app/core/ProfileLocation.h"
#include "app/gui/RunningInstance.h"
#include "crypto/Sodium.h"
#include "qml/app/AppWindow.h"
#include "qml/core/AppCore.h"

int main(int argc, char* argv[]) {
    if (argc == 2 && (qstrcmp(argv[1], "--version") == 0 || qstrcmp(argv[1], "-v") == 0)) {
        std::puts("tandem " TANDEM_VERSION);  // before QGuiApplication: no display needed
        return 0;
    }
    // No QtWidgets: the tray and notifications go over D-Bus (qml/app/Notifier.h), the file
    // dialogs are Qt Quick's, the latency charts are drawn in Qt Quick (docs/app.md, "Start").
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("tandem"));
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Tandem"));
    QGuiApplication::setApplicationVersion(QStringLiteral(TANDEM_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral("org.tandem.Tandem"));
    if (!tandem::crypto::initialize()) {
        QTextStream(stderr) << "tandem: libsodium cannot run on this system\n";
        return 1;
    }
    // SIGTERM/SIGINT (logout, Ctrl+C, the local network's launcher) end the event loop, so
    // everything shuts down through destructors: the store closes and checkpoints cleanly.
    tandem::UnixSignals::quitOnTermination(&app);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Tandem: one messenger, Signal's and "
                       "Session's privacy models."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({QStringLiteral("profile"),
                      QStringLiteral("The profile folder (default: %1).")
                          .arg(tandem::core::defaultProfileDirectory()),
                      QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("passphrase-file"),
                      QStringLiteral("Unlock the profile with the passphrase in FILE (the local "
                                     "demo's profiles; otherwise the app asks)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("open"),
                      QStringLiteral("Open the conversation with ADDRESS (a phone number or "
                                     "Session ID) once unlocked."),
                      QStringLiteral("ADDRESS")});
    parser.addPositionalArgument(
        QStringLiteral("link"),
        QStringLiteral("A tandem:// link to open once unlocked: a contact link opens that "
                       "conversation, a sticker pack link shows the pack with Install, a network "
                       "link fills the account set-up's network field."),
        QStringLiteral("[link]"));
    parser.process(app);
    const QString profile = parser.isSet(QStringLiteral("profile"))
                                ? parser.value(QStringLiteral("profile"))
                                : tandem::core::defaultProfileDirectory();
    // The desktop hands tandem:// links over as the argument (x-scheme-handler/tandem); the
    // shell reads each kind (Tandem.Links). If the profile is open in a window already, they
    // go to that window (app/gui/RunningInstance.h).
    QStringList links;
    for (const QString& arg : parser.positionalArguments()) {
        if (arg.startsWith(QLatin1String("tandem://"), Qt::CaseInsensitive)) {
            links << arg.trimmed();
        }
    }
    tandem::gui::RunningInstance instance(profile);
    if (instance.forward(links)) {
        return 0;
    }
    if (QString error; !instance.listen(&error)) {
        QTextStream(stderr) << "tandem: " << error << "\n";  // links then start a new app
    }
    tandem::gui::AppWindow window(profile);
    window.core().setOpenAtStart(parser.value(QStringLiteral("open")).trimmed().toLower());
    for (const QString& link : std::as_const(links)) {
        window.core().setLinkAtStart(link);
    }
    // A keychain profile starts opening before the window is built: the store's thread asks
    // the keychain (D-Bus) and opens the database while this one loads the QML (docs/app.md,
    // "Start"); the page shown meanwhile is the unlock page's "Unlocking…".
    if (window.core().keychain()) {
        window.core().unlockWithKeychain();
    }
    if (!window.load()) {
        return 1;
    }
    // A passphrase's Argon2id (256 MiB, a core for about a second) starts once the window is
    // built: started before, it delays the unlock page's first frame by more than it gains.
    if (!window.core().keychain() && parser.isSet(QStringLiteral("passphrase-file"))) {
        QFile file(parser.value(QStringLiteral("passphrase-file")));
        if (!file.open(QIODevice::ReadOnly)) {
            QTextStream(stderr) << "tandem: cannot read " << file.fileName() << "\n";
            return 1;
        }
        QByteArray bytes = file.read(4096);
        const QString passphrase = QString::fromUtf8(bytes).section(u'\n', 0, 0);
        bytes.fill('\0');
        window.core().unlock(passphrase);
    }
    QObject::connect(&instance, &tandem::gui::RunningInstance::linkReceived, &app,
                     [&window](const QString& link) { window.core().setLinkAtStart(link); });
    QObject::connect(&instance, &tandem::gui::RunningInstance::activationRequested, &app,
                     [&window] {
                         if (QQuickWindow* w = window.window()) {
                             w->show();
                             w->raise();
                             w->requestActivate();
                         }
                     });
    return QGuiApplication::exec();
}
