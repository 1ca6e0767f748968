import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem.Core
import Tandem.Ui
import Tandem.Conversations

// The left column: a field to start a conversation (validated as it is typed), Note to Self,
// and the conversations of the mode shown, most recent first. Up and Down move through the
// list, Enter opens; Ctrl+N focuses the field.
ColumnLayout {
    id: column
    required property AppCore core
    property color accent
    property var openId: 0
    // A conversation was chosen: the shell opens it (id -1: a new one with `address`).
    signal chosen(var conversationId, string title, string address, bool noteToSelf)
    // The list was read again (a conversation may have appeared).
    signal loaded()
    spacing: 0

    function focusNewConversation() { newAddress.forceActiveFocus() }
    function focusList() { conversations.forceActiveFocus() }
    // Opens the stored conversation with `address`; false if there is none yet.
    function openAddress(address) {
        const row = conversationModel.rowOfAddress(address)
        if (row < 0) return false
        const c = conversationModel.at(row)
        column.chosen(c.conversationId, c.title, c.address, false)
        return true
    }

    RowLayout {
        Layout.fillWidth: true
        Layout.margins: 8
        TextField {
            id: newAddress
            objectName: "newConversationField"
            Layout.fillWidth: true
            placeholderText: column.core.status.newChatHint
            Accessible.name: qsTr("Start a conversation with")
            // Checked again when the mode changes: a number is no Session ID.
            readonly property string problem: column.core.mode.length > 0
                                              ? column.core.checkAddress(text) : ""
            onAccepted: startButton.clicked()
            Keys.onDownPressed: conversations.forceActiveFocus()
        }
        ToolButton {
            objectName: "noteToSelfButton"
            text: "✎"
            Accessible.name: qsTr("Note to Self")
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Note to Self (Ctrl+Shift+N)")
            onClicked: column.core.openNoteToSelf()
        }
        Button {
            id: startButton
            objectName: "startConversationButton"
            text: qsTr("Start")
            enabled: newAddress.text.trim().length > 0 && newAddress.problem.length === 0
            onClicked: {
                const address = newAddress.text.trim().toLowerCase()
                if (!column.openAddress(address)) column.chosen(-1, address, address, false)
                newAddress.clear()
            }
        }
    }
    Label {
        textFormat: Text.PlainText
        Layout.fillWidth: true
        Layout.leftMargin: 10
        Layout.rightMargin: 10
        visible: newAddress.text.trim().length > 0 && newAddress.problem.length > 0
        text: newAddress.problem
        wrapMode: Text.WordWrap
        color: Theme.danger
        font.pixelSize: 12
    }

    // Message requests (docs/people.md) wait apart: a row that opens them, and a header back.
    ItemDelegate {
        objectName: "requestsEntry"
        Layout.fillWidth: true
        visible: conversationModel.requestCount > 0 || conversationModel.showRequests
        padding: 10
        text: conversationModel.showRequests
              ? qsTr("‹ Back to conversations")
              : qsTr("Message requests (%1)").arg(conversationModel.requestCount)
        font.bold: !conversationModel.showRequests
        Accessible.name: text
        onClicked: conversationModel.showRequests = !conversationModel.showRequests
        background: Rectangle {
            color: parent.hovered ? Theme.selection : "transparent"
            Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.separator }
        }
    }

    ListView {
        id: conversations
        objectName: "conversationList"
        Layout.fillWidth: true
        Layout.fillHeight: true
        clip: true
        model: ConversationListModel {
            id: conversationModel
            feed: column.core.feed
            onLoaded: column.loaded()
        }
        keyNavigationEnabled: true
        activeFocusOnTab: true
        currentIndex: -1
        Accessible.name: qsTr("Conversations")
        ScrollBar.vertical: ScrollBar {}
        Keys.onReturnPressed: if (currentItem) currentItem.clicked()
        Keys.onEnterPressed: if (currentItem) currentItem.clicked()
        Keys.onUpPressed: function(event) {
            if (currentIndex <= 0) newAddress.forceActiveFocus()
            else decrementCurrentIndex()
        }
        onActiveFocusChanged: if (activeFocus && currentIndex < 0 && count > 0) currentIndex = 0
        delegate: ConversationRow {
            accent: column.accent
            current: column.openId === conversationId
            onClicked: {
                conversations.currentIndex = index
                column.chosen(conversationId, title, address, noteToSelf)
            }
        }
        Label {
            textFormat: Text.PlainText
            anchors.centerIn: parent
            width: parent.width - 40
            visible: conversations.count === 0
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
            color: Theme.muted
            text: conversationModel.showRequests
                  ? qsTr("No message requests.")
                  : qsTr("No conversations yet. Start one above, or write yourself a note.")
        }
    }
}
