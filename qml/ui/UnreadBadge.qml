import QtQuick
import QtQuick.Controls

// The unread count of a conversation: a pill in the accent colour, hidden at zero; "99+" past 99.
Rectangle {
    id: badge
    property int count: 0
    property color accent
    visible: count > 0
    radius: height / 2
    color: accent
    implicitHeight: 18
    implicitWidth: Math.max(18, label.implicitWidth + 10)
    Accessible.ignored: true
    Text {
        id: label
        textFormat: Text.PlainText
        anchors.centerIn: parent
        text: badge.count > 99 ? "99+" : badge.count
        color: "white"
        font.pixelSize: 11
        font.bold: true
    }
}
