import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem.Ui
import Tandem.Attachments

// An image of a message, large, over the whole window (as Signal's lightbox shows it): the
// picture fitted to the window, its name, Save as… and Open. Esc, Close or a click beside the
// picture closes it.
Popup {
    id: viewer
    objectName: "imageViewer"
    property var messageId: 0
    property string fileName
    property string token  // the message's (MessageListModel's attachment.token)
    signal saveRequested(var messageId, string fileName)
    signal openRequested(var messageId, string fileName)
    parent: Overlay.overlay
    x: 0; y: 0
    width: parent ? parent.width : 0
    height: parent ? parent.height : 0
    modal: true
    focus: true
    padding: 0
    closePolicy: Popup.CloseOnEscape
    background: Rectangle { color: "#f0101114" }

    function show(id, name, messageToken) {
        messageId = id
        fileName = name
        token = messageToken
        open()
    }
    onClosed: messageId = 0  // the picture is let go

    ColumnLayout {
        anchors.fill: parent
        spacing: 0
        RowLayout {
            Layout.fillWidth: true
            Layout.margins: 8
            spacing: 8
            Label {
                textFormat: Text.PlainText
                Layout.fillWidth: true
                text: viewer.fileName
                elide: Text.ElideMiddle
                color: "white"
                font.bold: true
            }
            Button { objectName: "viewerSave"; text: qsTr("Save as…"); onClicked: viewer.saveRequested(viewer.messageId, viewer.fileName) }
            Button { objectName: "viewerOpen"; text: qsTr("Open"); onClicked: viewer.openRequested(viewer.messageId, viewer.fileName) }
            Button { objectName: "viewerClose"; text: qsTr("Close"); onClicked: viewer.close() }
        }
        Item {
            Layout.fillWidth: true
            Layout.fillHeight: true
            TapHandler { onTapped: viewer.close() }
            Image {
                id: picture
                objectName: "viewerImage"
                anchors.fill: parent
                anchors.margins: 16
                asynchronous: true
                fillMode: Image.PreserveAspectFit
                sourceSize.width: Math.ceil(width * Screen.devicePixelRatio)
                sourceSize.height: Math.ceil(height * Screen.devicePixelRatio)
                source: viewer.visible && viewer.messageId > 0 ? "image://attachment/full/" + viewer.messageId + "/" + viewer.token : ""
            }
            BusyIndicator {
                anchors.centerIn: parent
                running: picture.status === Image.Loading
            }
            Label {
                textFormat: Text.PlainText
                anchors.centerIn: parent
                visible: picture.status === Image.Error
                text: qsTr("This image cannot be shown.")
                color: "white"
            }
        }
    }
}
