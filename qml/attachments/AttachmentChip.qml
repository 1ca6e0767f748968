import QtQuick
import QtQuick.Controls
import Tandem.Ui
import Tandem.Attachments

// A file chosen to send, above the composer's field: a preview of an image (else its file
// icon), its name and size, and × to take it out again.
Rectangle {
    id: chip
    required property var file  // AttachmentText.describeFile
    signal removeRequested()
    implicitWidth: row.implicitWidth + 16
    implicitHeight: 52
    radius: 10
    color: Theme.panel
    border.color: Theme.separator
    Accessible.role: Accessible.StaticText
    Accessible.name: qsTr("Attached: %1").arg(file.name)

    Row {
        id: row
        x: 8
        anchors.verticalCenter: parent.verticalCenter
        spacing: 8
        Item {
            width: 36; height: 36
            anchors.verticalCenter: parent.verticalCenter
            Image {
                id: preview
                objectName: "chipPreview"
                anchors.fill: parent
                visible: chip.file.image && status === Image.Ready
                asynchronous: true
                fillMode: Image.PreserveAspectCrop
                sourceSize.width: 72
                sourceSize.height: 72
                source: chip.file.image ? chip.file.url : ""
            }
            FileIcon {
                anchors.centerIn: parent
                visible: !preview.visible
                width: 28; height: 34
                label: AttachmentText.typeLabel(chip.file.name)
                pageColor: Theme.dark ? "#d7d8dc" : "white"
                foldColor: "#b9bcc4"
            }
        }
        Column {
            anchors.verticalCenter: parent.verticalCenter
            width: Math.min(180, Math.max(name.implicitWidth, size.implicitWidth))
            Label {
                id: name
                objectName: "chipName"
                textFormat: Text.PlainText
                width: parent.width
                elide: Text.ElideMiddle
                text: chip.file.name
                color: Theme.text
            }
            Label {
                id: size
                textFormat: Text.PlainText
                text: chip.file.sizeText
                color: Theme.muted
                font.pixelSize: 11
            }
        }
        ToolButton {
            objectName: "chipRemove"
            anchors.verticalCenter: parent.verticalCenter
            text: "×"
            font.pixelSize: 16
            Accessible.name: qsTr("Remove")
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Remove")
            onClicked: chip.removeRequested()
        }
    }
}
