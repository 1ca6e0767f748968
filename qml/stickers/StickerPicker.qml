import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem.Core
import Tandem.Ui
import Tandem.Stickers

// The composer's sticker picker: a search by emoji, a row of tabs (the recently sent, then each
// pack in the picker by its cover) and the grid of the chosen tab. A click chooses a sticker.
Popup {
    id: picker
    objectName: "stickerPicker"
    required property StoreFeed feed
    property color accent
    signal chosen(string packId, var stickerId)
    width: 380
    height: 420
    padding: 8
    focus: true
    // "": the recent ones; else a pack id.
    property string currentPack: ""
    onOpened: {
        search.text = ""
        search.forceActiveFocus()
        currentPack = recentGrid.count === 0 && packs.count > 0 ? packs.packIdAt(0) : ""
    }
    background: Rectangle {
        color: Theme.window
        border.color: Theme.separator
        radius: 10
    }

    StickerPacksModel {
        id: packs
        feed: picker.feed
        filter: StickerPacksModel.Picker
    }
    StickerGridModel { id: recentGrid; feed: picker.feed; packId: "" }
    StickerGridModel {
        id: grid
        feed: picker.feed
        packId: picker.currentPack
        emoji: search.text
    }

    // One tab: the recent stickers (no pack) or a pack, by its cover.
    component TabTile: ItemDelegate {
        id: tab
        required property string packId
        property string packTitle
        property var coverId: -1
        property string coverText
        width: 44; height: 44
        padding: 4
        highlighted: picker.currentPack === packId
        Accessible.name: packTitle
        onClicked: picker.currentPack = packId
        contentItem: Item {
            Label {
                textFormat: Text.PlainText
                anchors.centerIn: parent
                visible: tab.packId === ""
                text: "◷"  // a clock in the text font (emoji fonts are not everywhere)
                font.pixelSize: 20
                color: Theme.text
            }
            StickerView {
                anchors.fill: parent
                visible: tab.packId !== ""
                animate: false
                feed: picker.feed
                packId: tab.packId
                stickerId: tab.coverId
                emoji: tab.coverText
            }
        }
        background: Rectangle {
            radius: 8
            color: tab.highlighted ? Theme.selection : tab.hovered ? Theme.panel : "transparent"
        }
        PlainToolTip {
            visible: tab.hovered && tab.packTitle.length > 0
            text: tab.packTitle
            delay: 500
        }
    }

    contentItem: ColumnLayout {
        spacing: 6
        TextField {
            id: search
            objectName: "stickerSearch"
            Layout.fillWidth: true
            placeholderText: qsTr("Search by emoji")
            Accessible.name: qsTr("Search stickers by emoji")
        }
        ListView {
            id: tabs
            objectName: "stickerTabs"
            Layout.fillWidth: true
            Layout.preferredHeight: 44
            visible: search.text.length === 0
            orientation: ListView.Horizontal
            spacing: 4
            clip: true
            model: packs
            header: TabTile {
                objectName: "stickerTabRecent"
                packId: ""
                Accessible.name: qsTr("Recent stickers")
            }
            delegate: TabTile {
                required property int index
                required property string title
                required property var cover
                required property string coverEmoji
                objectName: "stickerTab" + index
                packTitle: title
                coverId: cover
                coverText: coverEmoji
            }
        }
        Rectangle { Layout.fillWidth: true; height: 1; color: Theme.separator }
        GridView {
            id: stickers
            objectName: "stickerGrid"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            cellWidth: Math.floor(width / 4)
            cellHeight: cellWidth
            model: grid
            ScrollBar.vertical: ScrollBar {}
            delegate: ItemDelegate {
                id: cell
                required property string packId
                required property var stickerId
                required property string emoji
                required property int index
                objectName: "stickerCell" + index
                width: stickers.cellWidth
                height: stickers.cellHeight
                padding: 6
                Accessible.name: qsTr("Sticker")
                Accessible.description: emoji
                contentItem: StickerView {
                    feed: picker.feed
                    packId: cell.packId
                    stickerId: cell.stickerId
                    emoji: cell.emoji
                    animate: cell.hovered
                }
                background: Rectangle { radius: 8; color: cell.hovered ? Theme.panel : "transparent" }
                onClicked: {
                    picker.chosen(cell.packId, cell.stickerId)
                    picker.close()
                }
            }
            Label {
                textFormat: Text.PlainText
                anchors.centerIn: parent
                width: parent.width - 40
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.WordWrap
                visible: stickers.count === 0
                color: Theme.muted
                text: search.text.length > 0 ? qsTr("No sticker with that emoji.")
                      : picker.currentPack === "" ? qsTr("Stickers you send show here.")
                      : qsTr("This pack has no stickers yet.")
            }
        }
    }
}
