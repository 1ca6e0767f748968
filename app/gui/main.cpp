// tandem: the desktop app. Thin main: the window and its QML live in tandem_gui (qml/).
#include <QGuiApplication>
#include <QTextStream>

#include <tandem/common/UnixSignals.h>

#include "crypto/Sodium.h"
#include "qml/AppWindow.h"

int main(int argc, char* argv[]) {
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
    tandem::gui::AppWindow window;
    if (!window.load()) {
        return 1;
    }
    return QGuiApplication::exec();
}
