import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem.Ui
import Tandem.Stickers

// One sticker of a pack being made: its preview (the sticker as it will be sent, or why the
// image cannot be one), its emoji (one, required), the cover choice, and Remove.
Rectangle {
    id: tile
    required property int index
    required property string name
    required property string emoji
    required property bool emojiValid
    required property var preview
    required property string state
    required property string error
    required property bool cover
    property color accent
    signal emojiEdited(int index, string emoji)
    signal coverChosen(int index)
    signal removeRequested(int index)
    objectName: "stickerTile" + index
    width: 150
    height: 218
    radius: 10
    color: Theme.panel
    border.color: tile.cover ? tile.accent : Theme.separator
    border.width: tile.cover ? 2 : 1

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 8
        spacing: 4
        Item {
            Layout.fillWidth: true
            Layout.preferredHeight: 100
            StickerView {
                anchors.centerIn: parent
                width: 100; height: 100
                webp: tile.preview
                emoji: tile.emoji
            }
            BusyIndicator { anchors.centerIn: parent; running: tile.state === "encoding"; visible: running }
        }
        Label {
            textFormat: Text.PlainText
            Layout.fillWidth: true
            elide: Text.ElideMiddle
            font.pixelSize: 11
            color: tile.state === "failed" ? Theme.danger : Theme.muted
            text: tile.state === "failed" ? tile.error : tile.name
            wrapMode: tile.state === "failed" ? Text.Wrap : Text.NoWrap
            maximumLineCount: 2
        }
        TextField {
            objectName: "emojiField"
            Layout.fillWidth: true
            visible: tile.state !== "failed"
            placeholderText: qsTr("Emoji")
            text: tile.emoji
            horizontalAlignment: Text.AlignHCenter
            font.pixelSize: 18
            color: tile.emojiValid || text.length === 0 ? Theme.text : Theme.danger
            Accessible.name: qsTr("Emoji for this sticker")
            onTextEdited: tile.emojiEdited(tile.index, text)
        }
        RowLayout {
            Layout.fillWidth: true
            RadioButton {
                objectName: "coverChoice"
                visible: tile.state !== "failed"
                text: qsTr("Cover")
                checked: tile.cover
                onClicked: tile.coverChosen(tile.index)
            }
            Item { Layout.fillWidth: true }
            ToolButton {
                text: "✕"
                Accessible.name: qsTr("Remove")
                onClicked: tile.removeRequested(tile.index)
            }
        }
    }
}
