import QtQuick
import QtQuick.Controls
import Tandem.Ui

// A round avatar: the name's initials on a colour chosen from the id (the same colour for the
// same person on every start), as Signal and Session show people without a picture.
Rectangle {
    id: avatar
    property string name
    property string key: name   // what picks the colour: the address, so a rename keeps it
    property bool noteToSelf: false
    property real size: 40
    // A profile picture, already round (a data: URL): shown over the initials.
    property string source
    implicitWidth: size
    implicitHeight: size
    radius: size / 2
    color: Theme.avatarColor(key)
    Accessible.ignored: true

    Text {
        anchors.centerIn: parent
        textFormat: Text.PlainText
        text: avatar.noteToSelf ? "✎" : Theme.initials(avatar.name)
        color: "white"
        font.pixelSize: Math.round(avatar.size * 0.4)
        font.bold: true
        visible: picture.status !== Image.Ready
    }
    Image {
        id: picture
        anchors.fill: parent
        source: avatar.source
        visible: avatar.source.length > 0 && status === Image.Ready
        sourceSize.width: Math.ceil(avatar.size * 2)
        sourceSize.height: Math.ceil(avatar.size * 2)
        smooth: true
        fillMode: Image.PreserveAspectFit
    }
}
