// AppWindow: loads the app's QML (module Tandem, compiled into the binary) into an engine.
// Shared by the app's main and the GUI tests, so the tests drive exactly what users see.
#pragma once

#include <memory>

#include <QQmlApplicationEngine>
#include <QQmlComponent>
#include <QQuickWindow>

namespace tandem::gui {

class AppCore;
class Notifier;

class AppWindow {
public:
    // The app over the profile in `profileDir` (created on first run).
    explicit AppWindow(const QString& profileDir);
    ~AppWindow();
    // Loads qrc:/Tandem/Main.qml; false (with the QML errors logged) if it fails.
    bool load();
    [[nodiscard]] QQuickWindow* window() const;
    [[nodiscard]] QQmlApplicationEngine& engine() { return engine_; }
    [[nodiscard]] AppCore& core() { return *core_; }
    // The tray icon and notifications (made by load()).
    [[nodiscard]] Notifier* notifier() const { return notifier_.get(); }

private:
    // Compiles the messenger's page in the background if an unlock is under way (load()).
    void compileShellWhileOpening();

    std::unique_ptr<AppCore> core_;  // outlives the engine's objects (destroyed after it)
    QQmlApplicationEngine engine_;
    // The messenger's page, compiled ahead: for a keychain profile from the constructor, before
    // the core is made and Main.qml is loaded; in the background while a passphrase profile
    // unlocks (load()). Destroyed before the engine.
    std::unique_ptr<QQmlComponent> shell_;
    std::unique_ptr<Notifier> notifier_;
};

}  // namespace tandem::gui
