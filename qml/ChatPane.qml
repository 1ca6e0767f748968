import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem

// One conversation: its messages (newest at the bottom; older pages load as the user scrolls
// up), day separators, sending/sent/delivered/read ticks, and the composer — Enter sends,
// Shift+Enter starts a new line.
Pane {
    id: pane
    required property AppCore core
    property color accent
    property var conversationId: 0  // -1: a new conversation with `address`, not stored yet
    property string title
    property string address
    property bool noteToSelf: false
    signal sent(string address)
    padding: 0

    function focusComposer() { composer.forceActiveFocus() }

    // What is shown in the active window has been read: its unread count clears and the
    // sender gets a read receipt.
    Timer {
        id: readTimer
        interval: 400
        onTriggered: if (pane.conversationId > 0 && pane.Window.window && pane.Window.window.active)
                         pane.core.markRead(pane.conversationId)
    }
    onConversationIdChanged: {
        readTimer.restart()
        pane.details = ({})
        if (pane.conversationId > 0 && !pane.noteToSelf) pane.core.loadContactDetails(pane.conversationId)
    }
    property var details: ({})
    Connections {
        target: pane.core
        function onContactDetailsLoaded(d) {
            if (d.conversationId === pane.conversationId) pane.details = d
        }
        // Shown at once in the open conversation: the warning and the new safety number.
        function onIdentityChanged(address) {
            if (address === pane.address && pane.conversationId > 0)
                pane.core.loadContactDetails(pane.conversationId)
        }
    }
    Connections {
        target: messageModel
        function onCountChanged() { readTimer.restart() }
    }
    Connections {
        target: pane.Window.window
        function onActiveChanged() { readTimer.restart() }
    }
    function send() {
        // The newlines and spaces typed after the last word are not part of the message.
        const text = composer.text.replace(/\s+$/, "")
        if (text.length === 0) return
        if (pane.noteToSelf) {
            pane.core.sendNoteToSelf(text)  // stays on this computer
        } else if (pane.conversationId > 0) {
            pane.core.sendToConversation(pane.conversationId, text)
            pane.sent(pane.address)
        } else if (pane.address.length > 0) {
            pane.core.sendText(pane.address, text)  // a new conversation: made as it is sent
            pane.sent(pane.address)
        } else {
            return
        }
        composer.clear()
    }

    Label {
        textFormat: Text.PlainText
        anchors.centerIn: parent
        visible: pane.conversationId === 0
        text: qsTr("Choose a conversation, or start one with a %1.")
              .arg(pane.core.mode === "signal" ? qsTr("phone number") : qsTr("Session ID"))
        opacity: 0.6
    }

    ColumnLayout {
        anchors.fill: parent
        visible: pane.conversationId !== 0
        spacing: 0

        ToolBar {
            Layout.fillWidth: true
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 12
                anchors.rightMargin: 6
                Label {
                    objectName: "chatTitle"
                    textFormat: Text.PlainText
                    text: pane.title
                    font.bold: true
                    font.pixelSize: 15
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                    Accessible.role: Accessible.Heading
                }
                Label {
                    textFormat: Text.PlainText
                    visible: pane.details.verification === "verified"
                    text: "✔ " + qsTr("verified")
                    color: pane.accent
                }
                ToolButton {
                    objectName: "detailsButton"
                    visible: !pane.noteToSelf && pane.conversationId > 0
                    text: qsTr("Details")
                    Accessible.name: qsTr("Contact details and safety number")
                    ToolTip.visible: hovered
                    ToolTip.text: Accessible.name
                    onClicked: detailsPopup.open()
                }
            }
        }
        // A contact whose identity key changed: say so until the numbers are compared again.
        // One the user had verified: nothing is sent to them until the change is accepted.
        Pane {
            objectName: "identityBanner"
            Layout.fillWidth: true
            visible: pane.details.identityChanged === true && pane.details.verification !== "verified"
            padding: 8
            background: Rectangle { color: "#fff3cd" }
            RowLayout {
                anchors.fill: parent
                spacing: 8
                Label {
                    objectName: "identityWarning"
                    textFormat: Text.PlainText
                    Layout.fillWidth: true
                    wrapMode: Text.WordWrap
                    color: "#5c4400"
                    text: (pane.details.verification === "unverified"
                           ? qsTr("Your safety number with %1 changed, and you had verified it. Their device may "
                                  + "have been reinstalled, or someone may be intercepting. Your messages to them "
                                  + "wait until you accept the new safety number or verify it again.")
                           : qsTr("Your safety number with %1 changed. Their device may have been reinstalled, "
                                  + "or someone may be intercepting. Compare it again in the contact details."))
                          .arg(pane.title)
                }
                Button {
                    objectName: "acceptIdentityButton"
                    visible: pane.details.verification === "unverified"
                    text: qsTr("Accept")
                    Accessible.name: qsTr("Accept the new safety number and send")
                    onClicked: pane.core.setVerified(pane.conversationId, pane.details.contactId, false)
                }
            }
        }

        ListView {
            id: messages
            objectName: "messageList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            verticalLayoutDirection: ListView.BottomToTop
            spacing: 4
            cacheBuffer: 800
            Accessible.name: qsTr("Messages")
            model: MessageListModel {
                id: messageModel
                core: pane.core
                conversationId: pane.conversationId > 0 ? pane.conversationId : 0
            }
            ScrollBar.vertical: ScrollBar {}
            delegate: Column {
                id: item
                required property int index
                required property var messageId
                required property string body
                required property bool outgoing
                required property string status
                required property string timeText
                required property string dayLabel
                required property bool firstOfDay
                width: ListView.view.width
                spacing: 4
                topPadding: 2
                Label {
                    textFormat: Text.PlainText
                    visible: item.firstOfDay
                    anchors.horizontalCenter: parent.horizontalCenter
                    text: item.dayLabel
                    font.pixelSize: 11
                    opacity: 0.6
                    topPadding: 8
                    bottomPadding: 4
                }
                Item {
                    width: parent.width
                    height: bubble.height
                    Rectangle {
                        id: bubble
                        objectName: "bubble"
                        readonly property real maxWidth: item.width * 0.7
                        anchors.right: item.outgoing ? parent.right : undefined
                        anchors.left: item.outgoing ? undefined : parent.left
                        anchors.leftMargin: 12
                        anchors.rightMargin: 12
                        width: Math.min(maxWidth, Math.max(text.implicitWidth, meta.implicitWidth) + 20)
                        height: text.implicitHeight + meta.implicitHeight + 14
                        radius: 14
                        color: item.outgoing ? pane.accent : palette.alternateBase
                        Accessible.role: Accessible.StaticText
                        Accessible.name: (item.outgoing ? qsTr("You: ") : "") + item.body
                        // A failed message: a tap sends it again.
                        TapHandler {
                            enabled: item.status === "failed"
                            onTapped: pane.core.retry(item.messageId)
                        }
                        TextEdit {
                            id: text
                            x: 10; y: 6
                            width: bubble.maxWidth - 20
                            text: item.body
                            readOnly: true
                            selectByMouse: true
                            wrapMode: Text.Wrap
                            textFormat: TextEdit.PlainText
                            color: item.outgoing ? "white" : palette.text
                            // Wrapped to the bubble, but a short text keeps the bubble short.
                            Component.onCompleted: width = Math.min(bubble.maxWidth - 20, implicitWidth + 1)
                        }
                        Label {
                            id: meta
                            textFormat: Text.PlainText
                            anchors.right: parent.right
                            anchors.rightMargin: 10
                            anchors.top: text.bottom
                            font.pixelSize: 10
                            color: item.outgoing ? "#e8f0ff" : palette.text
                            opacity: 0.85
                            text: item.timeText
                                  + (item.outgoing ? "  " + ({
                                        "pending": "○", "sent": "✓", "delivered": "✓✓",
                                        "read": "✓✓ " + qsTr("read"),
                                        "failed": "⚠ " + qsTr("not sent · tap to retry")
                                    })[item.status] : "")
                            Accessible.name: item.outgoing ? item.status : ""
                        }
                    }
                }
            }
        }

        Popup {
            id: detailsPopup
            objectName: "detailsPopup"
            parent: Overlay.overlay
            anchors.centerIn: parent
            modal: true
            focus: true
            padding: 20
            onOpened: pane.core.loadContactDetails(pane.conversationId)
            ColumnLayout {
                spacing: 10
                Label {
                    textFormat: Text.PlainText
                    text: pane.details.title || ""
                    font.pixelSize: 18
                    font.bold: true
                    wrapMode: Text.Wrap  // a long name must not widen the popup past the window
                    Layout.maximumWidth: 420
                }
                TextEdit {
                    textFormat: TextEdit.PlainText
                    text: pane.details.address || ""
                    readOnly: true
                    selectByMouse: true
                    color: palette.text
                    font.pixelSize: 12
                }
                Label { textFormat: Text.PlainText; text: qsTr("Safety number"); font.bold: true }
                Label {
                    objectName: "safetyNumber"
                    textFormat: Text.PlainText
                    text: (pane.details.safetyNumber || qsTr("Not known yet: it appears once "
                                                             + "you have exchanged messages."))
                    font.family: "monospace"
                    font.pixelSize: 15
                    wrapMode: Text.Wrap
                    Layout.maximumWidth: 300
                    Accessible.name: qsTr("Safety number %1").arg(text)
                }
                Image {
                    visible: source !== ""
                    source: pane.details.qr || ""
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
                    opacity: 0.75
                    font.pixelSize: 12
                    text: qsTr("Compare these numbers with %1 in person or on a call. If they "
                               + "match, mark them as verified.").arg(pane.details.title || "")
                }
                Button {
                    objectName: "verifyButton"
                    enabled: (pane.details.safetyNumber || "").length > 0
                    text: pane.details.verification === "verified" ? qsTr("Clear verification")
                                                                   : qsTr("Mark as verified")
                    onClicked: pane.core.setVerified(pane.conversationId, pane.details.contactId,
                                                     pane.details.verification !== "verified")
                }
            }
        }

        Pane {
            Layout.fillWidth: true
            padding: 8
            RowLayout {
                anchors.fill: parent
                ScrollView {
                    Layout.fillWidth: true
                    Layout.maximumHeight: 140
                    TextArea {
                        id: composer
                        objectName: "composer"
                        textFormat: TextEdit.PlainText
                        placeholderText: qsTr("Message")
                        wrapMode: TextEdit.Wrap
                        Accessible.name: qsTr("Message")
                        Keys.onReturnPressed: function(event) {
                            if (event.modifiers & Qt.ShiftModifier) {
                                event.accepted = false  // a new line
                            } else {
                                pane.send()
                            }
                        }
                        Keys.onEnterPressed: function(event) { pane.send() }
                    }
                }
                Button {
                    objectName: "sendButton"
                    text: qsTr("Send")
                    enabled: composer.text.trim().length > 0
                    highlighted: true
                    palette.button: pane.accent
                    onClicked: pane.send()
                }
            }
        }
    }
}
