// What the GUI tests do to the real app's window, as a user would: find what is shown, click
// it, type, and keep a screenshot. One copy for every test in tests/gui/.
#pragma once

#include <QString>

class QQuickItem;
class QWindow;

namespace tandem::gui {
class AppWindow;
}

namespace tandem::test {

// The first visible item named `name` at or under `root`; nullptr if none.
QQuickItem* findVisibleUnder(QQuickItem* root, const QString& name);

// The first visible item named `name`, popups and delegates included; nullptr if none.
QQuickItem* findVisible(gui::AppWindow& app, const QString& name);

// The conversation list's row whose `property` is `value` ("title", "address"), if in view.
QQuickItem* rowWhere(gui::AppWindow& app, const char* property, const QString& value);

// Gives the window the keyboard, as a user's click on it would.
bool activate(gui::AppWindow& app);

// Clicks the middle of `item` as laid out. An item that has just become visible gets its place
// at the window's next polish; a click before that lands where it used to be (on whatever was
// there), so this waits for the polish first. A failure is recorded as the test's.
void click(gui::AppWindow& app, QQuickItem* item);

// Key by key into the focused item (QTest has keyClicks for widgets only); Latin-1 text.
void typeText(QWindow* window, const QString& text);

// The window as shown, kept as the test artifact `<name>.png`.
void shoot(gui::AppWindow& app, const QString& name);

}  // namespace tandem::test
