import QtQuick
import QtQuick.Controls
import Tandem.Ui
import Tandem.Attachments

// A message's file in its bubble. An image is its thumbnail (sent with the message), fitted in
// `maxSide` keeping its shape, then the picture itself once the whole file is here; a tap
// opens it large. Any other file is a card: a drawn file icon with its type, the name (elided
// in the middle), the size, and a save button. While the file goes up or comes down, a bar
// and "Uploading 1.2 of 3.0 MB"; a transfer that failed says why and offers Retry. A right
// click (or a long press) offers Open and Save as…. What the user asks for goes out as
// `requested(action)`: "view", "open", "save", "retry".
Item {
    id: view
    required property var attachment  // MessageListModel's `attachment`
    required property var messageId
    property bool outgoing
    property color accent: Theme.signalAccent
    property real maxSide: 320
    signal requested(string action)

    readonly property string state_: attachment ? attachment.state : ""
    readonly property bool isImage: !!attachment && attachment.image
    readonly property bool moving: state_ === "uploading" || state_ === "downloading"
    readonly property bool failed: state_ === "failed"
    readonly property bool complete: !!attachment && attachment.complete
    readonly property real fraction: attachment && attachment.size > 0 ? attachment.transferred / attachment.size : 0
    readonly property string progressText: moving ? AttachmentText.progress(state_, attachment.transferred, attachment.size) : ""
    // On my bubble (the accent colour) text is white; on theirs, the theme's.
    readonly property color textColor: outgoing ? "white" : Theme.text
    readonly property color mutedColor: outgoing ? "#e8f0ff" : Theme.muted

    // The image's size on screen: within maxSide a side, its shape kept, never blown up.
    readonly property size shown: {
        if (!isImage)
            return Qt.size(0, 0)
        const w = attachment.width, h = attachment.height
        const s = Math.min(1, maxSide / w, maxSide / h)
        return Qt.size(Math.max(48, Math.round(w * s)), Math.max(48, Math.round(h * s)))
    }

    implicitWidth: isImage ? shown.width : Math.min(maxSide, 280)
    implicitHeight: isImage ? picture.height : card.height

    Accessible.role: isImage ? Accessible.Graphic : Accessible.StaticText
    Accessible.name: attachment ? (isImage ? qsTr("Image %1").arg(attachment.fileName)
                                           : qsTr("File %1, %2").arg(attachment.fileName).arg(AttachmentText.size(attachment.size)))
                                : ""

    Menu {
        id: menu
        objectName: "attachmentMenu"
        MenuItem { objectName: "openItem"; text: qsTr("Open"); enabled: view.complete; onTriggered: view.requested("open") }
        MenuItem { objectName: "saveItem"; text: qsTr("Save as…"); enabled: view.complete; onTriggered: view.requested("save") }
        MenuItem {
            text: qsTr("Retry")
            visible: view.failed
            height: visible ? implicitHeight : 0
            onTriggered: view.requested("retry")
        }
    }
    TapHandler {
        acceptedButtons: Qt.RightButton
        onTapped: menu.popup()
    }

    // ---- an image ----
    Rectangle {
        id: picture
        visible: view.isImage
        width: view.shown.width
        height: view.shown.height
        color: Theme.dark ? "#2a2b30" : "#d8dadf"
        Image {
            id: thumb
            objectName: "attachmentThumb"
            anchors.fill: parent
            visible: full.status !== Image.Ready
            asynchronous: true
            fillMode: Image.PreserveAspectFit
            source: view.isImage && view.attachment.thumbnail ? "image://attachment/thumb/" + view.messageId + "/" + view.attachment.token : ""
        }
        Image {
            id: full
            objectName: "attachmentImage"
            anchors.fill: parent
            asynchronous: true
            fillMode: Image.PreserveAspectFit
            sourceSize.width: Math.ceil(view.shown.width * Screen.devicePixelRatio)
            sourceSize.height: Math.ceil(view.shown.height * Screen.devicePixelRatio)
            source: view.isImage && view.complete ? "image://attachment/full/" + view.messageId + "/" + view.attachment.token : ""
        }
        Label {
            textFormat: Text.PlainText
            anchors.centerIn: parent
            visible: thumb.status !== Image.Ready && full.status !== Image.Ready && !view.moving && !view.failed
            text: view.complete ? qsTr("Loading…") : qsTr("Waiting to download")
            color: Theme.muted
            font.pixelSize: 12
        }
        TapHandler {
            onTapped: view.complete ? view.requested("view") : (view.failed ? view.requested("retry") : undefined)
            onLongPressed: menu.popup()
        }
        // The transfer, over the picture's foot.
        Rectangle {
            visible: view.moving || view.failed
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.bottom: parent.bottom
            height: overlay.implicitHeight + 12
            color: "#a0000000"
            Column {
                id: overlay
                x: 8; y: 6
                width: parent.width - 16
                spacing: 4
                Label {
                    objectName: view.isImage ? "transferText" : ""
                    textFormat: Text.PlainText
                    width: parent.width
                    elide: Text.ElideRight
                    text: view.failed ? "⚠ " + view.attachment.error : view.progressText
                    color: "white"
                    font.pixelSize: 11
                }
                TransferBar {
                    objectName: view.isImage ? "transferBar" : ""
                    visible: view.moving
                    width: parent.width
                    value: view.fraction
                    color: "#60ffffff"
                    fillColor: "white"
                }
                Button {
                    objectName: view.isImage ? "retryButton" : ""
                    visible: view.failed
                    text: qsTr("Retry")
                    onClicked: view.requested("retry")
                }
            }
        }
    }

    // ---- any other file ----
    Column {
        id: card
        objectName: view.isImage ? "" : "fileCard"
        visible: !view.isImage
        width: view.implicitWidth
        padding: 8
        spacing: 6
        Row {
            spacing: 10
            width: card.width - 16
            FileIcon {
                id: fileIcon
                anchors.verticalCenter: parent.verticalCenter
                label: view.attachment ? AttachmentText.typeLabel(view.attachment.fileName) : ""
                pageColor: view.outgoing ? "#f2f5ff" : (Theme.dark ? "#d7d8dc" : "white")
                labelColor: view.outgoing ? view.accent : "#4a4d55"
                TapHandler { onTapped: view.complete ? view.requested("open") : undefined }
            }
            Column {
                anchors.verticalCenter: parent.verticalCenter
                width: parent.width - fileIcon.width - saveButton.width - 20
                spacing: 2
                Label {
                    objectName: view.isImage ? "" : "fileName"
                    textFormat: Text.PlainText
                    width: parent.width
                    elide: Text.ElideMiddle
                    text: view.attachment ? view.attachment.fileName : ""
                    color: view.textColor
                    font.bold: true
                    TapHandler { onTapped: view.complete ? view.requested("open") : undefined }
                }
                Label {
                    objectName: view.isImage ? "" : "transferText"
                    textFormat: Text.PlainText
                    width: parent.width
                    elide: Text.ElideRight
                    text: !view.attachment ? ""
                          : view.moving ? view.progressText
                          : view.state_ === "remote" ? AttachmentText.size(view.attachment.size) + " · " + qsTr("waiting to download")
                          : AttachmentText.size(view.attachment.size)
                    color: view.mutedColor
                    font.pixelSize: 11
                }
            }
            ToolButton {
                id: saveButton
                objectName: view.isImage ? "" : "saveButton"
                anchors.verticalCenter: parent.verticalCenter
                visible: view.complete
                width: visible ? 32 : 0
                Accessible.name: qsTr("Save as…")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Save as…")
                contentItem: Glyph { kind: "save"; color: view.textColor }
                onClicked: view.requested("save")
            }
        }
        TransferBar {
            objectName: view.isImage ? "" : "transferBar"
            visible: view.moving
            width: card.width - 16
            value: view.fraction
            color: view.outgoing ? "#50ffffff" : Qt.rgba(Theme.muted.r, Theme.muted.g, Theme.muted.b, 0.3)
            fillColor: view.outgoing ? "white" : view.accent
        }
        Row {
            visible: view.failed
            spacing: 8
            width: card.width - 16
            Label {
                objectName: view.isImage ? "" : "transferError"
                textFormat: Text.PlainText
                anchors.verticalCenter: parent.verticalCenter
                width: parent.width - retry.width - 8
                wrapMode: Text.Wrap
                text: view.attachment && view.failed ? "⚠ " + view.attachment.error : ""
                color: view.outgoing ? "white" : Theme.danger
                font.pixelSize: 11
            }
            Button {
                id: retry
                objectName: view.isImage ? "" : "retryButton"
                anchors.verticalCenter: parent.verticalCenter
                text: qsTr("Retry")
                onClicked: view.requested("retry")
            }
        }
    }
}
