import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem.Ui
import Tandem.Contacts

// A contact's details over the window: avatar, name, address, the safety number and its QR
// code, marking them verified, and blocking them. Esc closes it.
Popup {
    id: popup
    objectName: "detailsPopup"
    required property ContactCard card
    // Block / Unblock (a request's own bar offers Accept and Delete too).
    property PeopleActions people
    property color accent
    parent: Overlay.overlay
    anchors.centerIn: parent
    modal: true
    focus: true
    padding: 20
    onOpened: card.reload()

    ColumnLayout {
        spacing: 10
        RowLayout {
            spacing: 12
            Avatar { name: popup.card.title; key: popup.card.address; source: popup.card.avatar; size: 56 }
            ColumnLayout {
                spacing: 2
                Label {
                    textFormat: Text.PlainText
                    text: popup.card.title
                    font.pixelSize: 18
                    font.bold: true
                    wrapMode: Text.Wrap  // a long name must not widen the popup past the window
                    Layout.maximumWidth: 340
                }
                TextEdit {
                    textFormat: TextEdit.PlainText
                    text: popup.card.address
                    readOnly: true
                    selectByMouse: true
                    color: Theme.muted
                    font.pixelSize: 12
                    wrapMode: TextEdit.WrapAnywhere
                    Layout.maximumWidth: 340
                }
            }
        }
        Label { textFormat: Text.PlainText; text: qsTr("Safety number"); font.bold: true }
        Label {
            objectName: "safetyNumber"
            textFormat: Text.PlainText
            text: popup.card.safetyNumber.length > 0
                  ? popup.card.safetyNumber
                  : qsTr("Not known yet: it appears once you have exchanged messages.")
            font.family: "monospace"
            font.pixelSize: 15
            wrapMode: Text.Wrap
            Layout.maximumWidth: 300
            Accessible.name: qsTr("Safety number %1").arg(text)
        }
        Image {
            visible: source !== ""
            source: popup.card.qr
            Layout.preferredWidth: 220
            Layout.preferredHeight: 220
            fillMode: Image.PreserveAspectFit
            smooth: false
            Accessible.name: qsTr("Safety number as a QR code")
        }
        Label {
            textFormat: Text.PlainText
            Layout.maximumWidth: 300
            wrapMode: Text.WordWrap
            color: Theme.muted
            font.pixelSize: 12
            text: qsTr("Compare these numbers with %1 in person or on a call. If they "
                       + "match, mark them as verified.").arg(popup.card.title)
        }
        RowLayout {
            Button {
                objectName: "verifyButton"
                enabled: popup.card.safetyNumber.length > 0
                text: popup.card.verification === "verified" ? qsTr("Clear verification")
                                                             : qsTr("Mark as verified")
                onClicked: popup.card.setVerified(popup.card.verification !== "verified")
            }
            Button {
                objectName: "blockContactButton"
                visible: popup.people !== null && popup.card.contactId > 0
                text: popup.card.blocked ? qsTr("Unblock") : qsTr("Block")
                Accessible.name: popup.card.blocked ? qsTr("Unblock %1").arg(popup.card.title)
                                                    : qsTr("Block %1").arg(popup.card.title)
                onClicked: {
                    if (popup.card.blocked) popup.people.unblock(popup.card.contactId)
                    else popup.people.block(popup.card.contactId)
                    popup.close()
                }
            }
            Button {
                text: qsTr("Close")
                onClicked: popup.close()
            }
        }
    }
}
