import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem.Core
import Tandem.Ui
import Tandem.Stickers

// A sticker pack link, before it is installed: its cover, title, author and number of
// stickers (read from the network of the mode shown), and Install. What went wrong is said.
Popup {
    id: dialog
    objectName: "stickerInstallDialog"
    required property AppCore core
    property color accent
    function show(link) {
        installer.link = link
        if (installer.state === StickerInstall.Failed)
            installer.load()
        open()
    }
    anchors.centerIn: Overlay.overlay
    width: 340
    modal: true
    padding: 18
    closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutside
    background: Rectangle { color: Theme.window; radius: 12; border.color: Theme.separator }

    StickerInstall { id: installer; objectName: "stickerInstall"; core: dialog.core }

    contentItem: ColumnLayout {
        spacing: 8
        Label {
            textFormat: Text.PlainText
            text: qsTr("Sticker pack")
            font.pixelSize: 12
            color: Theme.muted
        }
        BusyIndicator {
            Layout.alignment: Qt.AlignHCenter
            visible: installer.state === StickerInstall.Loading
            running: visible
        }
        StickerView {
            Layout.alignment: Qt.AlignHCenter
            Layout.preferredWidth: 128
            Layout.preferredHeight: 128
            visible: installer.hasCover
            webp: installer.cover
        }
        Label {
            objectName: "installTitle"
            textFormat: Text.PlainText
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            visible: installer.title.length > 0
            font.bold: true
            font.pixelSize: 17
            color: Theme.text
            text: installer.title
        }
        Label {
            objectName: "installDetails"
            textFormat: Text.PlainText
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            visible: installer.state >= StickerInstall.Ready && installer.state !== StickerInstall.Failed
            color: Theme.muted
            text: (installer.author.length > 0 ? qsTr("by %1 · ").arg(installer.author) : "")
                  + (installer.stickerCount === 1 ? qsTr("1 sticker") : qsTr("%1 stickers").arg(installer.stickerCount))
        }
        Label {
            objectName: "installError"
            textFormat: Text.PlainText
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            visible: installer.state === StickerInstall.Failed
            color: Theme.danger
            text: installer.error
        }
        Label {
            textFormat: Text.PlainText
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            visible: installer.installed
            color: dialog.accent
            text: "✓ " + qsTr("In your stickers")
        }
        RowLayout {
            Layout.alignment: Qt.AlignRight
            Button {
                text: qsTr("Close")
                flat: true
                onClicked: dialog.close()
            }
            Button {
                objectName: "installButton"
                visible: !installer.installed && installer.state !== StickerInstall.Failed
                enabled: installer.state === StickerInstall.Ready
                text: installer.state === StickerInstall.Installing ? qsTr("Installing…") : qsTr("Install")
                highlighted: true
                palette.button: dialog.accent
                palette.buttonText: "white"
                onClicked: installer.install()
            }
            Button {
                visible: installer.state === StickerInstall.Failed && installer.link.length > 0
                text: qsTr("Try again")
                onClicked: installer.load()
            }
        }
    }
}
