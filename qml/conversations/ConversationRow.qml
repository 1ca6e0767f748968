import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem.Ui

// One conversation in the list: avatar, name, the last message and its time, the unread
// count, and a tick for my last message's status.
ItemDelegate {
    id: row
    required property int index
    required property var conversationId
    required property string title
    required property string address
    required property string lastText
    required property string lastTimeText
    required property int unread
    required property string lastStatus
    required property bool noteToSelf
    required property string timer  // the disappearing-message timer ("1h"), "" when off
    required property string avatar  // their profile picture, round (a data: URL), or ""
    property bool current: false
    property color accent
    width: ListView.view ? ListView.view.width : implicitWidth
    highlighted: current || ListView.isCurrentItem && ListView.view.activeFocus
    padding: 10
    Accessible.name: title + (unread > 0 ? qsTr(", %n unread", "", unread) : "")
    background: Rectangle {
        color: row.highlighted ? Theme.selection
                             : row.hovered ? Qt.rgba(Theme.selection.r, Theme.selection.g, Theme.selection.b, 0.5)
                                           : "transparent"
    }

    contentItem: RowLayout {
        spacing: 10
        Avatar {
            name: row.title
            key: row.address
            noteToSelf: row.noteToSelf
            source: row.avatar
            size: 40
        }
        ColumnLayout {
            spacing: 2
            Layout.fillWidth: true
            RowLayout {
                Text {
                    textFormat: Text.PlainText
                    text: row.title
                    font.bold: row.unread > 0
                    color: Theme.text
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                }
                Text {
                    objectName: "rowTimer"
                    visible: row.timer.length > 0
                    textFormat: Text.PlainText
                    text: "◔ " + row.timer
                    color: Theme.muted
                    font.pixelSize: 11
                    Accessible.name: qsTr("Disappearing messages on")
                }
                Text {
                    textFormat: Text.PlainText
                    text: row.lastTimeText
                    color: row.unread > 0 ? row.accent : Theme.muted
                    font.pixelSize: 11
                }
            }
            RowLayout {
                Text {
                    textFormat: Text.PlainText
                    text: (row.lastStatus === "failed" ? "⚠ " : "") + row.lastText
                    elide: Text.ElideRight
                    maximumLineCount: 1
                    color: row.unread > 0 ? Theme.text : Theme.muted
                    Layout.fillWidth: true
                }
                UnreadBadge {
                    count: row.unread
                    accent: row.accent
                }
            }
        }
    }
}
