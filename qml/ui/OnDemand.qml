import QtQuick

// A part of a page made the first time it is needed — a popup, a menu, a dialog — not with the
// page, whose first frame then makes only what it shows (docs/app.md, "Start"). `get()` makes
// it (once; it is kept) and returns it.
Loader {
    active: false
    function get() {
        active = true
        return item
    }
}
