import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem

// The messenger: a header with the mode toggle and the connection, the conversation list,
// and the open conversation.
Page {
    id: shell
    required property AppCore core
    property color accent
    property var openConversation: ({ id: 0, title: "", address: "", noteToSelf: false })
    property string problem: ""

    function open(id, title, address, noteToSelf) {
        chat.pendingOpen = ""
        openConversation = { id: id, title: title, address: address, noteToSelf: !!noteToSelf }
        if (id !== 0) chat.focusComposer()  // ready to write, as messengers do
    }

    Connections {
        target: shell.core
        function onModeChanged() { shell.open(0, "", "", false) }
        function onNoteToSelfOpened(id) {
            shell.open(id, qsTr("Note to Self"), "", true)
            chat.focusComposer()
        }
        function onSendFailed(reason) {
            shell.problem = reason
            problemTimer.restart()
        }
    }
    Timer { id: problemTimer; interval: 8000; onTriggered: shell.problem = "" }

    // Keyboard: Ctrl+N starts a conversation, Ctrl+Shift+N opens Note to Self, Ctrl+1 / Ctrl+2
    // switch modes.
    Shortcut { sequence: "Ctrl+N"; onActivated: newAddress.forceActiveFocus() }
    Shortcut { sequence: "Ctrl+Shift+N"; onActivated: shell.core.openNoteToSelf() }
    Shortcut { sequence: "Ctrl+1"; onActivated: shell.core.mode = "signal" }
    Shortcut { sequence: "Ctrl+2"; onActivated: shell.core.mode = "session" }
    Shortcut { sequence: "Ctrl+L"; onActivated: latencyPopup.open() }

    // "Compare latency" over the whole window (Ctrl+L, or the header's button).
    Popup {
        id: latencyPopup
        objectName: "latencyPopup"
        parent: Overlay.overlay
        x: 0; y: 0
        width: parent ? parent.width : 0
        height: parent ? parent.height : 0
        modal: true
        padding: 0
        closePolicy: Popup.CloseOnEscape
        contentItem: Loader {
            active: latencyPopup.visible
            sourceComponent: LatencyPage {
                objectName: "latencyPage"
                core: shell.core
                onCloseRequested: latencyPopup.close()
            }
        }
    }

    footer: Label {
        objectName: "problemBanner"
        textFormat: Text.PlainText
        visible: shell.problem.length > 0
        text: shell.problem
        wrapMode: Text.WordWrap
        padding: 8
        color: "white"
        background: Rectangle { color: "#c62828" }
    }

    header: ToolBar {
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 10
            anchors.rightMargin: 10
            spacing: 12
            TabBar {
                id: modes
                objectName: "modeToggle"
                Accessible.name: qsTr("Mode")
                currentIndex: shell.core.mode === "session" ? 1 : 0
                TabButton {
                    objectName: "signalModeButton"
                    text: qsTr("Signal")
                    width: implicitWidth + 16
                    onClicked: shell.core.mode = "signal"
                }
                TabButton {
                    objectName: "sessionModeButton"
                    text: qsTr("Session")
                    width: implicitWidth + 16
                    onClicked: shell.core.mode = "session"
                }
            }
            Rectangle {
                width: 10; height: 10; radius: 5
                color: shell.core.connected ? shell.accent : "#9e9e9e"
                Accessible.ignored: true
            }
            Label {
                objectName: "connectionStatus"
                textFormat: Text.PlainText
                text: shell.core.connectionText
                elide: Text.ElideRight
                Layout.fillWidth: true
                Accessible.name: text
            }
            Label {
                objectName: "onionPath"
                textFormat: Text.PlainText
                visible: shell.core.mode === "session" && shell.core.onionPath.length > 0
                text: qsTr("Path: you → %1").arg(shell.core.onionPath.join(" → "))
                opacity: 0.7
                font.pixelSize: 12
            }
            ToolButton {
                objectName: "latencyButton"
                text: qsTr("Compare latency")
                Accessible.name: text
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Signal and Session delivery latency, measured (Ctrl+L)")
                onClicked: latencyPopup.open()
            }
            ToolButton {
                objectName: "menuButton"
                text: "☰"
                Accessible.name: qsTr("Menu")
                onClicked: menu.open()
                Menu {
                    id: menu
                    y: parent.height
                    // As wide as its longest entry (a translation may be longer), not elided.
                    width: {
                        let widest = 200
                        for (let i = 0; i < count; ++i)
                            widest = Math.max(widest, itemAt(i).implicitWidth)
                        return widest + leftPadding + rightPadding
                    }
                    MenuItem {
                        objectName: "previewsToggle"
                        text: qsTr("Show message text in notifications")
                        checkable: true
                        checked: shell.core.previews
                        onToggled: shell.core.previews = checked
                    }
                    MenuItem {
                        objectName: "readReceiptsToggle"
                        text: qsTr("Send read receipts")
                        checkable: true
                        checked: shell.core.readReceipts
                        onToggled: shell.core.readReceipts = checked
                    }
                    MenuItem {
                        text: qsTr("Note to Self")
                        onTriggered: shell.core.openNoteToSelf()
                    }
                }
            }
            Label {
                objectName: "myAddress"
                textFormat: Text.PlainText
                text: shell.core.myAddress.length > 20
                      ? shell.core.myAddress.substring(0, 10) + "…" + shell.core.myAddress.slice(-6)
                      : shell.core.myAddress
                opacity: 0.7
                font.pixelSize: 12
                PlainToolTip {
                    visible: hoverArea.containsMouse
                    text: shell.core.myAddress
                }
                MouseArea { id: hoverArea; anchors.fill: parent; hoverEnabled: true }
            }
        }
        Rectangle {
            anchors.bottom: parent.bottom
            width: parent.width
            height: 2
            color: shell.accent
        }
    }

    readonly property bool hasAccount: core.mode === "signal" ? core.hasSignal : core.hasSession

    AccountSetup {
        anchors.fill: parent
        visible: !shell.hasAccount
        core: shell.core
        accent: shell.accent
    }

    SplitView {
        anchors.fill: parent
        visible: shell.hasAccount

        ColumnLayout {
            SplitView.preferredWidth: 300
            SplitView.minimumWidth: 220
            spacing: 0

            RowLayout {
                Layout.fillWidth: true
                Layout.margins: 8
                TextField {
                    id: newAddress
                    objectName: "newConversationField"
                    Layout.fillWidth: true
                    placeholderText: shell.core.mode === "signal" ? qsTr("New chat: +phone number")
                                                                  : qsTr("New chat: Session ID")
                    Accessible.name: qsTr("Start a conversation with")
                    // Checked again when the mode changes: a number is no Session ID.
                    readonly property string problem: shell.core.mode.length > 0
                                                      ? shell.core.checkAddress(text) : ""
                    onAccepted: startButton.clicked()
                }
                ToolButton {
                    objectName: "noteToSelfButton"
                    text: "✎"
                    Accessible.name: qsTr("Note to Self")
                    ToolTip.visible: hovered
                    ToolTip.text: qsTr("Note to Self (Ctrl+Shift+N)")
                    onClicked: shell.core.openNoteToSelf()
                }
                Button {
                    id: startButton
                    objectName: "startConversationButton"
                    text: qsTr("Start")
                    enabled: newAddress.text.trim().length > 0 && newAddress.problem.length === 0
                    onClicked: {
                        const address = newAddress.text.trim().toLowerCase()
                        const row = conversationModel.rowOfAddress(address)
                        if (row >= 0) {
                            const c = conversationModel.at(row)
                            shell.open(c.conversationId, c.title, c.address, false)
                        } else {
                            shell.open(-1, address, address, false)
                        }
                        newAddress.clear()
                        chat.focusComposer()
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
                color: "#c62828"
                font.pixelSize: 12
            }

            ListView {
                id: conversations
                objectName: "conversationList"
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                model: ConversationListModel { id: conversationModel; core: shell.core }
                keyNavigationEnabled: true
                Accessible.name: qsTr("Conversations")
                delegate: ItemDelegate {
                    id: row
                    required property int index
                    required property var conversationId
                    required property string title
                    required property string address
                    required property string lastText
                    required property string lastTimeText
                    required property int unread
                    required property string lastStatus
                    required property bool noteToSelf
                    width: ListView.view.width
                    highlighted: shell.openConversation.id === conversationId
                    Accessible.name: title + (unread > 0 ? qsTr(", %n unread", "", unread) : "")
                    onClicked: shell.open(conversationId, title, address, noteToSelf)
                    contentItem: ColumnLayout {
                        spacing: 2
                        RowLayout {
                            Label {
                                textFormat: Text.PlainText
                                text: row.title
                                font.bold: row.unread > 0
                                elide: Text.ElideRight
                                Layout.fillWidth: true
                            }
                            Label {
                                textFormat: Text.PlainText
                                text: row.lastTimeText
                                opacity: 0.6
                                font.pixelSize: 11
                            }
                        }
                        RowLayout {
                            Label {
                                textFormat: Text.PlainText
                                text: row.lastText
                                elide: Text.ElideRight
                                maximumLineCount: 1
                                opacity: 0.7
                                Layout.fillWidth: true
                            }
                            Rectangle {
                                visible: row.unread > 0
                                radius: height / 2
                                color: shell.accent
                                implicitHeight: 18
                                implicitWidth: Math.max(18, unreadText.implicitWidth + 10)
                                Label {
                                    id: unreadText
                                    textFormat: Text.PlainText
                                    anchors.centerIn: parent
                                    text: row.unread
                                    color: "white"
                                    font.pixelSize: 11
                                }
                            }
                        }
                    }
                }
            }
        }

        ChatPane {
            id: chat
            SplitView.fillWidth: true
            core: shell.core
            accent: shell.accent
            conversationId: shell.openConversation.id
            title: shell.openConversation.title
            address: shell.openConversation.address
            noteToSelf: shell.openConversation.noteToSelf
            onSent: function(address) {
                // A new conversation appears in the list once stored: open it there.
                if (shell.openConversation.id === -1) pendingOpen = address
            }
            property string pendingOpen: ""
            Connections {
                target: conversationModel
                function onLoaded() {
                    if (shell.core.openAtStart.length > 0) {  // tandem --open ADDRESS
                        const at = conversationModel.rowOfAddress(shell.core.openAtStart)
                        if (at >= 0) {
                            const o = conversationModel.at(at)
                            shell.open(o.conversationId, o.title, o.address, false)
                        }
                        shell.core.openAtStart = ""
                    }
                    if (chat.pendingOpen.length === 0) return
                    const row = conversationModel.rowOfAddress(chat.pendingOpen)
                    if (row < 0) return
                    const c = conversationModel.at(row)
                    shell.open(c.conversationId, c.title, c.address, false)
                    chat.pendingOpen = ""
                }
            }
        }
    }
}
