import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem.Core
import Tandem.Ui
import Tandem.Conversations
import Tandem.Links

// The left column: a field to start a conversation (an address or a pasted contact link,
// validated as it is typed), Note to Self, and the conversations of the mode shown, most
// recent first. Up and Down move through the
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

    // An address to open once the list of its mode is read (a link switched the mode).
    property string pendingAddress: ""
    function focusNewConversation() { newAddress.forceActiveFocus() }
    // Opens the conversation with `address` of `mode` ("signal", "session"), switching to that
    // mode first if it is not the one shown; a new conversation if there is none yet.
    property bool listRead: false  // the list was read once (before it, no row can be found)
    function startWith(mode, address) {
        if (mode !== column.core.mode || !column.listRead) {
            column.pendingAddress = address
            if (mode !== column.core.mode) column.core.mode = mode
            return
        }
        if (!column.openAddress(address)) column.chosen(-1, address, address, false)
    }
    // Why the field's text cannot start a conversation ("" if it can). A contact link of the
    // other mode is fine when this profile has an account there: Start switches to it.
    function problemOf(text, link) {
        if (!newAddress.isLink) return column.core.checkAddress(text)
        if (!link.ok) return link.error
        if (link.kind !== "contact")
            return qsTr("This is not a contact link: paste it into the message field instead.")
        if (link.mode === column.core.mode) return column.core.checkAddress(link.address)
        const has = link.mode === "signal" ? column.core.hasSignal : column.core.hasSession
        return has ? "" : (link.mode === "signal"
                           ? qsTr("This link is for Signal mode, where this profile has no account yet.")
                           : qsTr("This link is for Session mode, where this profile has no Session ID yet."))
    }
    LinkReader { id: linkReader }
    function focusList() { conversations.forceActiveFocus() }
    // Opens the conversation `id` of the list; false if the list does not have it.
    function openById(id) {
        const row = conversationModel.rowOf(id)
        if (row < 0) return false
        const c = conversationModel.at(row)
        column.chosen(c.conversationId, c.title, c.address, c.noteToSelf)
        return true
    }
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
            readonly property bool isLink: linkReader.isLink(text)
            readonly property var link: isLink ? linkReader.read(text) : ({ ok: false })
            // Checked again when the mode changes: a number is no Session ID.
            readonly property string problem: column.core.mode.length > 0
                                              ? column.problemOf(text, link) : ""
            onAccepted: if (startButton.enabled) startButton.clicked()
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
                if (newAddress.isLink) {
                    const link = newAddress.link
                    newAddress.clear()
                    column.startWith(link.mode, link.address)
                    return
                }
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
    // What a contact link names; the name it suggests is its sender's word, shown as such.
    Label {
        objectName: "newConversationLinkHint"
        textFormat: Text.PlainText
        Layout.fillWidth: true
        Layout.leftMargin: 10
        Layout.rightMargin: 10
        visible: newAddress.isLink && newAddress.problem.length === 0 && newAddress.link.ok === true
        text: !visible ? "" : (newAddress.link.mode === "signal" ? qsTr("Signal account id") : qsTr("Session ID"))
              + " " + newAddress.link.address.substring(0, 12) + "…"
              + (newAddress.link.nameHint.length > 0
                 ? " · " + qsTr("suggests the name “%1”").arg(newAddress.link.nameHint) : "")
        elide: Text.ElideRight
        color: Theme.muted
        font.pixelSize: 12
    }

    // Shows the conversations (not the requests): after a send, a mode change, or when the last
    // request was answered.
    function showConversations() { conversationModel.showRequests = false }
    Connections {
        target: conversationModel
        function onRequestCountChanged() {
            if (conversationModel.requestCount === 0) conversationModel.showRequests = false
        }
    }
    Connections {
        target: column.core
        function onModeChanged() { conversationModel.showRequests = false }
    }
    // Message requests (docs/people.md) wait apart: a row that opens them, and a header back.
    ItemDelegate {
        objectName: "requestsEntry"
        focusPolicy: Qt.StrongFocus
        Layout.fillWidth: true
        visible: conversationModel.requestCount > 0 || conversationModel.showRequests
        padding: 10
        Accessible.name: requestsLabel.text
        contentItem: Label {
            id: requestsLabel
            textFormat: Text.PlainText
            text: conversationModel.showRequests
                  ? qsTr("‹ Back to conversations")
                  : qsTr("Message requests (%1)").arg(conversationModel.requestCount)
            font.bold: !conversationModel.showRequests
            color: Theme.text
        }
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
            onLoaded: {
                column.listRead = true
                if (column.pendingAddress.length > 0) {
                    const address = column.pendingAddress
                    column.pendingAddress = ""
                    if (!column.openAddress(address)) column.chosen(-1, address, address, false)
                }
                column.loaded()
            }
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
