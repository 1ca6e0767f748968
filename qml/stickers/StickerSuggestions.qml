import QtQuick
import QtQuick.Controls
import Tandem.Core
import Tandem.Ui
import Tandem.Stickers

// Above the composer while it holds a lone emoji: the stickers with that emoji, in a row. A
// click chooses one.
Rectangle {
    id: strip
    objectName: "stickerSuggestions"
    required property StoreFeed feed
    property string text  // what the composer holds
    signal chosen(string packId, var stickerId)
    readonly property bool active: matches.emoji.length > 0 && matches.count > 0
    visible: active
    height: active ? 76 : 0
    color: Theme.panel

    StickerGridModel {
        id: matches
        feed: strip.feed
        emoji: matches.isLoneEmoji(strip.text) ? strip.text : ""
    }
    Rectangle { width: parent.width; height: 1; color: Theme.separator }
    ListView {
        id: row
        anchors.fill: parent
        anchors.margins: 4
        orientation: ListView.Horizontal
        spacing: 4
        clip: true
        model: matches
        delegate: ItemDelegate {
            id: cell
            required property string packId
            required property var stickerId
            required property string emoji
            required property int index
            objectName: "suggestion" + index
            width: 68; height: 68
            padding: 4
            Accessible.name: qsTr("Send sticker")
            contentItem: StickerView {
                feed: strip.feed
                packId: cell.packId
                stickerId: cell.stickerId
                emoji: cell.emoji
                animate: cell.hovered
            }
            background: Rectangle { radius: 8; color: cell.hovered ? Theme.selection : "transparent" }
            onClicked: strip.chosen(cell.packId, cell.stickerId)
        }
    }
}
