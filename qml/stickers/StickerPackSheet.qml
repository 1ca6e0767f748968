import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem.Core
import Tandem.Ui
import Tandem.Stickers

// What a tapped sticker in the chat opens: the sticker, its pack's title and author, and "Add
// pack" when the pack is not installed (fetched from the network of the mode shown).
Popup {
    id: sheet
    objectName: "stickerPackSheet"
    required property AppCore core
    property color accent
    property string packId
    property var stickerId: -1
    property string emoji
    function show(packId, stickerId, emoji) {
        sheet.packId = packId
        sheet.stickerId = stickerId
        sheet.emoji = emoji
        open()
    }
    anchors.centerIn: Overlay.overlay
    width: 300
    modal: true
    padding: 16
    background: Rectangle { color: Theme.window; radius: 12; border.color: Theme.separator }

    StickerPackInfo { id: info; feed: sheet.core.feed; packId: sheet.packId }
    StickerPackActions { id: actions; core: sheet.core }

    contentItem: ColumnLayout {
        spacing: 8
        StickerView {
            Layout.alignment: Qt.AlignHCenter
            Layout.preferredWidth: 120
            Layout.preferredHeight: 120
            feed: sheet.core.feed
            packId: sheet.packId
            stickerId: sheet.stickerId
            emoji: sheet.emoji
        }
        Label {
            objectName: "stickerPackTitle"
            textFormat: Text.PlainText
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            font.bold: true
            font.pixelSize: 16
            color: Theme.text
            text: info.title.length > 0 ? info.title : qsTr("Sticker pack")
        }
        Label {
            textFormat: Text.PlainText
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            visible: info.author.length > 0
            color: Theme.muted
            text: qsTr("by %1").arg(info.author)
        }
        Label {
            textFormat: Text.PlainText
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            color: Theme.muted
            visible: info.installed
            text: info.builtin ? qsTr("Comes with Tandem") : qsTr("In your stickers")
        }
        Label {
            objectName: "stickerPackError"
            textFormat: Text.PlainText
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            visible: actions.error.length > 0
            color: Theme.danger
            text: actions.error
        }
        Button {
            objectName: "addPackButton"
            Layout.alignment: Qt.AlignHCenter
            visible: info.known && !info.installed
            enabled: !actions.busy
            text: actions.busy ? qsTr("Adding…") : qsTr("Add pack")
            highlighted: true
            palette.button: sheet.accent
            palette.buttonText: "white"
            onClicked: actions.installKnown(sheet.packId)
        }
    }
}
