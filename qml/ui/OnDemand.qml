import QtQuick

// A part of a page made the first time it is needed — a popup, a menu, a dialog — from its
// `url` (with its initial `properties`), and kept: neither compiled nor made with the page,
// whose first frame then makes only what it shows (docs/app.md, "Start"). `get()` makes it
// (once) and returns it. LoadedWhile with a condition that, once true, stays true.
LoadedWhile {
    function get() {
        when = true
        return item
    }
}
