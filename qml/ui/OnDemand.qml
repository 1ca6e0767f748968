import QtQuick

// A part of a page made the first time it is needed — a popup, a menu, a dialog — not with the
// page, whose first frame then makes only what it shows (docs/app.md, "Start"). `get()` makes
// it (once; it is kept) and returns it. Given by `url` (with its initial `properties`), the
// part's QML is not even compiled with the page; given as `sourceComponent`, it is.
Loader {
    active: false
    property url url
    property var properties: ({})
    function get() {
        if (!active) {
            active = true
            if (url.toString().length > 0)
                setSource(url, properties)
        }
        return item
    }
}
