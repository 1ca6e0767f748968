import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem.Ui

// Writing a message: Enter sends, Shift+Enter starts a new line; the newlines and spaces typed
// after the last word are not part of the message, and blank text sends nothing.
Pane {
    id: composerPane
    property color accent
    signal submitted(string text)
    padding: 8
    background: Rectangle { color: Theme.window; Rectangle { width: parent.width; height: 1; color: Theme.separator } }

    function focusField() { field.forceActiveFocus() }
    function submit() {
        const text = field.text.replace(/\s+$/, "")
        if (text.length === 0) return
        composerPane.submitted(text)
        field.clear()
    }

    RowLayout {
        anchors.fill: parent
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
