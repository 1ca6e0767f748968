import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem.Ui
import Tandem.Contacts

// In place of the composer: a message request (someone new wrote first) with Accept, Delete
// and Block, as Signal and Session show it; or a blocked person, with Unblock. Until a request
// is accepted the sender sees neither the user's profile nor that their messages were read,
// and their files wait (the core fetches them on accept).
Pane {
    id: bar
    objectName: "requestBar"
    required property ContactCard card
    required property PeopleActions people
    visible: card.loaded && (card.request || card.blocked)
    padding: 12
    background: Rectangle {
        color: Theme.panel
        Rectangle { anchors.top: parent.top; width: parent.width; height: 1; color: Theme.separator }
    }
    // Block and Delete cannot be undone from here: asked once.
    Dialog {
        id: confirm
        objectName: "requestConfirm"
        property string action
        function ask(what) { action = what; open() }
        parent: Overlay.overlay
        anchors.centerIn: parent
        modal: true
        width: Math.min(440, parent ? parent.width - 40 : 440)
        // A literal title (a dialog's header is not plain text); the name goes in the body.
        title: action === "block" ? qsTr("Block?") : qsTr("Delete this conversation?")
        standardButtons: Dialog.Ok | Dialog.Cancel
        Label {
            textFormat: Text.PlainText
            wrapMode: Text.WrapAtWordBoundaryOrAnywhere  // a Session ID is one long word
            width: confirm.availableWidth
            text: confirm.action === "block"
                  ? qsTr("Block %1? Their messages will be dropped, and they are not told. You "
                         + "can unblock them in Settings.").arg(bar.card.title)
                  : qsTr("The conversation is deleted from this device. If they write again, it "
                         + "comes back as a new request.")
        }
        onAccepted: {
            if (action === "block") bar.people.block(bar.card.contactId)
            else bar.people.remove(bar.card.contactId)
        }
    }
    ColumnLayout {
        anchors.fill: parent
        spacing: 10
        Label {
            objectName: "requestText"
            textFormat: Text.PlainText
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
            text: bar.card.blocked
                  ? qsTr("You blocked %1. Their messages are dropped, and they are not told.").arg(bar.card.title)
                  : qsTr("%1 wants to message you. Accept to reply. Until you do, they do not see your "
                         + "name or picture, or that you read their messages, and the files they "
                         + "send are not downloaded.").arg(bar.card.title)
        }
        RowLayout {
            Layout.alignment: Qt.AlignHCenter
            spacing: 8
            Button {
                objectName: "blockRequestButton"
                visible: !bar.card.blocked
                text: qsTr("Block")
                Accessible.name: qsTr("Block %1").arg(bar.card.title)
                onClicked: confirm.ask("block")
            }
            Button {
                objectName: "deleteRequestButton"
                visible: !bar.card.blocked
                text: qsTr("Delete")
                Accessible.name: qsTr("Delete this conversation")
                onClicked: confirm.ask("delete")
            }
            Button {
                objectName: "acceptRequestButton"
                visible: !bar.card.blocked
                highlighted: true
                text: qsTr("Accept")
                Accessible.name: qsTr("Accept %1's message request").arg(bar.card.title)
                onClicked: bar.people.accept(bar.card.contactId)
            }
            Button {
                objectName: "unblockButton"
                visible: bar.card.blocked
                text: qsTr("Unblock")
                onClicked: bar.people.unblock(bar.card.contactId)
            }
        }
    }
}
