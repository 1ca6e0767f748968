import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem.Core
import Tandem.Ui
import Tandem.Stickers
import Tandem.Attachments

// Writing a message: Enter sends, Shift+Enter starts a new line; the newlines and spaces typed
// after the last word are not part of the message, and blank text sends nothing. The sticker
// button opens the picker; a lone emoji typed shows the stickers that have it, above the field.
// The paperclip chooses files to send (as does a drop on the chat): each shows as a chip above
// the field until it is sent or taken out; the text typed goes with them as the caption (with
// the last, when there are several: each file is a message of its own).
Pane {
    id: composerPane
    property color accent
    property StoreFeed feed
    property bool stickersAllowed: true
    property bool attachmentsAllowed: true
    readonly property alias text: field.text
    readonly property alias files: chosenFiles
    signal submitted(string text)
    signal stickerChosen(string packId, var stickerId)
    // `urls`: the files chosen, in order; `caption`: the text (may be empty).
    signal filesSubmitted(var urls, string caption)
    padding: 8
    topPadding: suggestions.active ? suggestions.height + 8 : 8
    background: Rectangle { color: Theme.window; Rectangle { width: parent.width; height: 1; color: Theme.separator } }

    // At most this many files wait in the composer at once.
    readonly property int maxFiles: 10
    ListModel { id: chosenFiles }

    function focusField() { field.forceActiveFocus() }
    // Files chosen or dropped (URLs); those that are not local files, or already there, are
    // left out.
    function addFiles(urls) {
        if (!composerPane.attachmentsAllowed) return
        for (let i = 0; i < urls.length && chosenFiles.count < composerPane.maxFiles; ++i) {
            const file = AttachmentText.describeFile(urls[i])
            if (file.name.length === 0) continue
            let known = false
            for (let j = 0; j < chosenFiles.count; ++j)
                known = known || String(chosenFiles.get(j).url) === String(file.url)
            if (!known)
                chosenFiles.append({ url: String(file.url), name: file.name, sizeText: file.sizeText, image: file.image })
        }
        field.forceActiveFocus()
    }
    function submit() {
        const text = field.text.replace(/\s+$/, "")
        if (chosenFiles.count > 0) {
            const urls = []
            for (let i = 0; i < chosenFiles.count; ++i)
                urls.push(chosenFiles.get(i).url)
            chosenFiles.clear()
            composerPane.filesSubmitted(urls, text)
            field.clear()
            return
        }
        if (text.length === 0) return
        composerPane.submitted(text)
        field.clear()
    }

    // The file dialog and the sticker picker are made when first opened (OnDemand); the
    // dialog is loaded by URL, with QtQuick.Dialogs.
    OnDemand {
        id: fileDialog
        url: "qrc:/Tandem/Chat/AttachFilesDialog.qml"
        onLoaded: fileDialog.item.accepted.connect(function() { composerPane.addFiles(fileDialog.item.selectedFiles) })
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
    // By URL: neither compiled nor made with the chat (docs/app.md, "Start").
    OnDemand {
        id: picker
        readonly property bool opened: item !== null && item.opened
        url: "qrc:/Tandem/Stickers/StickerPicker.qml"
        properties: ({ parent: composerPane.contentItem, feed: composerPane.feed,
                       accent: composerPane.accent, x: 0 })
        onLoaded: {
            item.y = Qt.binding(function() { return -picker.item.height - 6 })
            item.chosen.connect(function(packId, stickerId) { composerPane.stickerChosen(packId, stickerId) })
            item.closed.connect(function() { field.forceActiveFocus() })
        }
        // The mode's accent, followed after it is made.
        Binding { target: picker.item; property: "accent"; value: composerPane.accent; when: picker.item !== null }
    }

    // Sized by its layout (the pane holds more than one item: it would not guess).
    contentHeight: layout.implicitHeight
    ColumnLayout {
        id: layout
        anchors.fill: parent
        spacing: 6
        Flow {
            objectName: "attachmentChips"
            Layout.fillWidth: true
            visible: chosenFiles.count > 0
            spacing: 6
            Repeater {
                model: chosenFiles
                delegate: AttachmentChip {
                    required property int index
                    required property var model
                    objectName: "attachmentChip" + index
                    file: ({ url: model.url, name: model.name, sizeText: model.sizeText, image: model.image })
                    onRemoveRequested: chosenFiles.remove(index)
                }
            }
        }
        RowLayout {
            Layout.fillWidth: true
            ToolButton {
                objectName: "attachButton"
                visible: composerPane.attachmentsAllowed
                Accessible.name: qsTr("Attach files")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Attach files")
                contentItem: Glyph { kind: "paperclip"; color: Theme.text }
                onClicked: fileDialog.get().open()
            }
            ToolButton {
                objectName: "stickerButton"
                visible: composerPane.stickersAllowed
                text: "☺"
                font.pixelSize: 20
                Accessible.name: qsTr("Stickers")
                ToolTip.visible: hovered && !picker.opened
                ToolTip.text: qsTr("Stickers")
                onClicked: picker.opened ? picker.item.close() : picker.get().open()
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
                enabled: field.text.trim().length > 0 || chosenFiles.count > 0
                highlighted: true
                palette.button: composerPane.accent
                palette.buttonText: "white"
                onClicked: composerPane.submit()
            }
        }
    }
}
