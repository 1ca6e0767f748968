import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem.Core
import Tandem.Ui
import Tandem.Stickers

// Writing a message: Enter sends, Shift+Enter starts a new line; the newlines and spaces typed
// after the last word are not part of the message, and blank text sends nothing. The sticker
// button opens the picker; a lone emoji typed shows the stickers that have it, above the field.
Pane {
    id: composerPane
    property color accent
    property StoreFeed feed
    property bool stickersAllowed: true
    readonly property alias text: field.text
    signal submitted(string text)
    signal stickerChosen(string packId, var stickerId)
    padding: 8
    topPadding: suggestions.active ? suggestions.height + 8 : 8
    background: Rectangle { color: Theme.window; Rectangle { width: parent.width; height: 1; color: Theme.separator } }

    function focusField() { field.forceActiveFocus() }
    function submit() {
        const text = field.text.replace(/\s+$/, "")
        if (text.length === 0) return
        composerPane.submitted(text)
        field.clear()
    }

    // Reaches out over the pane's padding to its edges, above the field.
    StickerSuggestions {
        id: suggestions
        parent: composerPane
        z: 1
        width: composerPane.width
        feed: composerPane.feed
        text: composerPane.stickersAllowed ? field.text : ""
        onChosen: function(packId, stickerId) {
            composerPane.stickerChosen(packId, stickerId)
            field.clear()
        }
    }
    StickerPicker {
        id: picker
        feed: composerPane.feed
        accent: composerPane.accent
        x: 0
        y: -height - 6
        onChosen: function(packId, stickerId) { composerPane.stickerChosen(packId, stickerId) }
        onClosed: field.forceActiveFocus()
    }

    RowLayout {
        anchors.fill: parent
        ToolButton {
            objectName: "stickerButton"
            visible: composerPane.stickersAllowed
            text: "☺"
            font.pixelSize: 20
            Accessible.name: qsTr("Stickers")
            ToolTip.visible: hovered && !picker.opened
            ToolTip.text: qsTr("Stickers")
            onClicked: picker.opened ? picker.close() : picker.open()
        }
        ScrollView {
            Layout.fillWidth: true
            Layout.maximumHeight: 140
            TextArea {
                id: field
                objectName: "composer"
                textFormat: TextEdit.PlainText
                placeholderText: qsTr("Message")
                wrapMode: TextEdit.Wrap
                Accessible.name: qsTr("Message")
                Keys.onReturnPressed: function(event) {
                    if (event.modifiers & Qt.ShiftModifier) {
                        event.accepted = false  // a new line
                    } else {
                        composerPane.submit()
                    }
                }
                Keys.onEnterPressed: function(event) { composerPane.submit() }
            }
        }
        Button {
            objectName: "sendButton"
            text: qsTr("Send")
            enabled: field.text.trim().length > 0
            highlighted: true
            palette.button: composerPane.accent
            palette.buttonText: "white"
            onClicked: composerPane.submit()
        }
    }
}
