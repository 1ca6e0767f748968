import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem.Core
import Tandem.Ui
import Tandem.Links

// "Share my ID": for each mode this profile has an account in, the link others add it by
// (tandemctl add-contact LINK, or pasted into the app's new-conversation field), its QR code
// and Copy. A Signal-mode link carries the account id, never the phone number.
Popup {
    id: dialog
    objectName: "shareIdDialog"
    required property AppCore core
    property color accent
    readonly property alias shares: shares
    parent: Overlay.overlay
    anchors.centerIn: parent
    width: Math.min(parent ? parent.width - 40 : 600, 600)
    height: Math.min(parent ? parent.height - 40 : 700, implicitHeight)
    modal: true
    focus: true
    padding: 18
    closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutside
    background: Rectangle { color: Theme.window; radius: 12; border.color: Theme.separator }
    onOpened: shares.reload()

    ShareLinks { id: shares; objectName: "shareLinks"; core: dialog.core }

    contentItem: ScrollView {
        id: scroll
        clip: true
        contentWidth: availableWidth
        implicitHeight: column.implicitHeight

        ColumnLayout {
            id: column
            width: scroll.availableWidth
            spacing: 10
            Label {
                textFormat: Text.PlainText
                text: qsTr("Share my ID")
                font.pixelSize: 20
                font.bold: true
                color: Theme.text
                Accessible.role: Accessible.Heading
            }
            Label {
                textFormat: Text.PlainText
                Layout.fillWidth: true
                wrapMode: Text.WordWrap
                color: Theme.muted
                text: qsTr("Send a link, or let someone scan its code: with it they can write to "
                           + "you. Your phone number is never in a link.")
            }
            Label {
                objectName: "shareError"
                textFormat: Text.PlainText
                Layout.fillWidth: true
                wrapMode: Text.WordWrap
                visible: text.length > 0
                color: Theme.danger
                text: shares.error
            }
            Label {
                textFormat: Text.PlainText
                Layout.fillWidth: true
                wrapMode: Text.WordWrap
                visible: shares.links.length === 0 && shares.error.length === 0
                color: Theme.muted
                text: qsTr("This profile has no account yet.")
            }
            Repeater {
                model: shares.links
                // The code beside its link: both accounts fit without scrolling.
                delegate: ColumnLayout {
                    id: entry
                    required property var modelData
                    Layout.fillWidth: true
                    spacing: 6
                    Rectangle {
                        Layout.fillWidth: true
                        Layout.topMargin: 4
                        height: 1
                        color: Theme.separator
                    }
                    RowLayout {
                        Layout.fillWidth: true
                        spacing: 14
                        Image {
                            objectName: "shareQr_" + entry.modelData.mode
                            Layout.preferredWidth: 168
                            Layout.preferredHeight: 168
                            Layout.alignment: Qt.AlignTop
                            source: entry.modelData.qr
                            fillMode: Image.PreserveAspectFit
                            smooth: false
                            Accessible.name: qsTr("Your link as a QR code")
                        }
                        ColumnLayout {
                            Layout.fillWidth: true
                            Layout.alignment: Qt.AlignTop
                            spacing: 6
                            Label {
                                textFormat: Text.PlainText
                                text: entry.modelData.mode === "signal" ? qsTr("Signal mode · your account id")
                                                                        : qsTr("Session mode · your Session ID")
                                font.bold: true
                                color: Theme.text
                            }
                            TextEdit {
                                objectName: "shareLink_" + entry.modelData.mode
                                textFormat: TextEdit.PlainText
                                Layout.fillWidth: true
                                text: entry.modelData.link
                                readOnly: true
                                selectByMouse: true
                                wrapMode: TextEdit.WrapAnywhere
                                font.family: "monospace"
                                font.pixelSize: 12
                                color: Theme.text
                            }
                            RowLayout {
                                Button {
                                    objectName: "shareCopy_" + entry.modelData.mode
                                    text: qsTr("Copy link")
                                    onClicked: {
                                        shares.copy(entry.modelData.link)
                                        copied.visible = true
                                        copiedTimer.restart()
                                    }
                                }
                                Label {
                                    id: copied
                                    textFormat: Text.PlainText
                                    visible: false
                                    color: dialog.accent
                                    text: "✓ " + qsTr("Copied")
                                }
                                Timer { id: copiedTimer; interval: 2000; onTriggered: copied.visible = false }
                            }
                        }
                    }
                }
            }
            Button {
                Layout.alignment: Qt.AlignRight
                text: qsTr("Close")
                flat: true
                onClicked: dialog.close()
            }
        }
    }
}
