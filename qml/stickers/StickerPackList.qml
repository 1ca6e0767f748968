import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem.Core
import Tandem.Ui
import Tandem.Stickers

// The packs on the creator page: those made here (Edit publishes a new version; Remove) and
// the built-in ones (Hide takes one out of the picker, Show puts it back).
ScrollView {
    id: list
    required property AppCore core
    property color accent
    signal editRequested(string packId)
    signal newRequested()
    contentWidth: availableWidth

    StickerPackActions { id: actions; core: list.core }
    StickerPacksModel { id: mine; feed: list.core.feed; filter: StickerPacksModel.Created }
    StickerPacksModel { id: builtins; feed: list.core.feed; filter: StickerPacksModel.Builtin }

    component PackRow: RowLayout {
        id: row
        required property string packId
        required property string title
        required property var cover
        required property string coverEmoji
        required property int stickerCount
        property bool dim: false
        width: list.availableWidth
        spacing: 8
        opacity: dim ? 0.5 : 1
        StickerView {
            Layout.preferredWidth: 40
            Layout.preferredHeight: 40
            animate: false
            feed: list.core.feed
            packId: row.packId
            stickerId: row.cover
            emoji: row.coverEmoji
        }
        ColumnLayout {
            Layout.fillWidth: true
            spacing: 0
            Label { textFormat: Text.PlainText; Layout.fillWidth: true; elide: Text.ElideRight; text: row.title; color: Theme.text }
            Label { textFormat: Text.PlainText; text: row.stickerCount === 1 ? qsTr("1 sticker") : qsTr("%1 stickers").arg(row.stickerCount); color: Theme.muted; font.pixelSize: 11 }
        }
    }

    ColumnLayout {
        width: list.availableWidth
        spacing: 10
        Button {
            objectName: "newPackButton"
            text: qsTr("New pack")
            onClicked: list.newRequested()
        }
        Label { textFormat: Text.PlainText; text: qsTr("My packs"); font.bold: true; color: Theme.text }
        Label {
            textFormat: Text.PlainText
            visible: mine.count === 0
            text: qsTr("Packs you make show here.")
            color: Theme.muted
        }
        Repeater {
            model: mine
            delegate: PackRow {
                id: minePack
                objectName: "myPack" + index
                required property int index
                ToolButton { text: qsTr("Edit"); onClicked: list.editRequested(minePack.packId) }
                ToolButton { text: qsTr("Remove"); onClicked: actions.remove(minePack.packId) }
            }
        }
        Label { textFormat: Text.PlainText; text: qsTr("Built in"); font.bold: true; color: Theme.text; topPadding: 8 }
        Repeater {
            model: builtins
            delegate: PackRow {
                id: builtinPack
                objectName: "builtinPack" + index
                required property int index
                required property bool hidden
                dim: hidden
                ToolButton {
                    objectName: "hideButton"
                    text: builtinPack.hidden ? qsTr("Show") : qsTr("Hide")
                    onClicked: actions.setHidden(builtinPack.packId, !builtinPack.hidden)
                }
            }
        }
        Label {
            textFormat: Text.PlainText
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            visible: actions.error.length > 0
            color: Theme.danger
            text: actions.error
        }
    }
}
