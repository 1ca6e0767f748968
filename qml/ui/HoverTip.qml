import QtQuick

// A plain-text tool tip (PlainToolTip) for the item it fills, made only while the pointer is
// over it: a page's first frame does not make a popup for every tip it may show (docs/app.md,
// "Start"). It is a hover MouseArea, so it can also take clicks and set the cursor.
MouseArea {
    id: area
    property string text
    // Whether to show it now (e.g. only when the text is elided).
    property bool wanted: true
    anchors.fill: parent
    hoverEnabled: true
    Loader {
        active: area.containsMouse && area.wanted && area.text.length > 0
        sourceComponent: PlainToolTip {
            parent: area
            visible: true
            text: area.text
        }
    }
}
