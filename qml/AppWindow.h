// AppWindow: loads the app's QML (module Tandem, compiled into the binary) into an engine.
// Shared by the app's main and the GUI tests, so the tests drive exactly what users see.
#pragma once

#include <QQmlApplicationEngine>
#include <QQuickWindow>

namespace tandem::gui {

class AppWindow {
public:
    AppWindow();
    // Loads qrc:/Tandem/Main.qml; false (with the QML errors logged) if it fails.
    bool load();
    [[nodiscard]] QQuickWindow* window() const;
    [[nodiscard]] QQmlApplicationEngine& engine() { return engine_; }

private:
    QQmlApplicationEngine engine_;
};

}  // namespace tandem::gui
