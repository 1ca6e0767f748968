import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem.Core
import Tandem.Ui
import Tandem.Contacts
import Tandem.Chat
import Tandem.Stickers
import Tandem.Attachments

// One conversation: a header with the contact's avatar and name, their details (safety
// number), the messages (newest at the bottom; older pages load as the user scrolls up) in
// grouped bubbles with day separators and sending/sent/delivered/read ticks, and the composer.
// Files dropped on it are attached in the composer; a message's file is opened, saved (Save
// as…) or viewed large from its bubble.
Pane {
    id: pane
    required property AppCore core
    property color accent
    property var conversationId: 0  // -1: a new conversation with `address`, not stored yet
    property string title
    property string address
    property bool noteToSelf: false
    signal sent(string address)
    // The conversation is gone (deleted, or a request blocked): the shell shows none.
    signal conversationGone()
    // The composer holds a sticker pack link and nothing else: the shell offers to install it.
    signal stickerLinkFound(string link)
    padding: 0
    background: Rectangle { color: Theme.window }

    function focusComposer() { composer.focusField() }
    function openDetails() { if (!pane.noteToSelf && pane.conversationId > 0) detailsPopup.get().open() }

    DisappearingSetting {
        id: timer
        feed: pane.core.feed
        conversationId: pane.conversationId > 0 ? pane.conversationId : 0
        onFailed: function(message) { timerError.text = message; timerError.open() }
    }
    ToolTip { id: timerError; timeout: 4000; x: 12; y: 48 }

    // By these names inside components (where `card` and `people` would be their own).
    readonly property ContactCard contactCard: card
    readonly property PeopleActions peopleActions: people
    ContactCard {
        id: card
        feed: pane.core.feed
        conversationId: pane.conversationId > 0 && !pane.noteToSelf ? pane.conversationId : 0
    }
    // Accept, delete, block (RequestBar); a deleted conversation or a blocked request is gone.
    PeopleActions {
        id: people
        core: pane.core
        onDone: function(action, contactId) {
            if (contactId !== card.contactId) return  // another chat is open by now
            if (action === "removed" || (action === "blocked" && wasRequest)) pane.conversationGone()
        }
        onFailed: function(message) { timerError.text = message; timerError.open() }
        property bool wasRequest: card.request
    }

    // What is shown in the active window has been read: its unread count clears and the
    // sender gets a read receipt.
    Timer {
        id: readTimer
        interval: 400
        onTriggered: if (pane.conversationId > 0 && pane.Window.window && pane.Window.window.active)
                         pane.core.markRead(pane.conversationId)
    }
    onConversationIdChanged: readTimer.restart()
    Connections {
        target: messageModel
        function onCountChanged() { readTimer.restart() }
    }
    Connections {
        target: pane.Window.window
        function onActiveChanged() { readTimer.restart() }
    }
    function send(text) {
        if (pane.noteToSelf) {
            pane.core.sendNoteToSelf(text)  // stays on this computer
        } else if (pane.conversationId > 0) {
            pane.core.sendToConversation(pane.conversationId, text)
            pane.sent(pane.address)
        } else if (pane.address.length > 0) {
            pane.core.sendText(pane.address, text)  // a new conversation: made as it is sent
            pane.sent(pane.address)
        }
    }

    function sendSticker(packId, stickerId) {
        if (pane.conversationId > 0) {
            pane.core.sendSticker(pane.conversationId, packId, stickerId)
            pane.sent(pane.address)
        } else if (pane.address.length > 0) {
            pane.core.sendStickerTo(pane.address, packId, stickerId)
            pane.sent(pane.address)
        }
    }
    // Files: each its own message, the caption with the last.
    function sendFiles(urls, caption) {
        if (pane.noteToSelf || (pane.conversationId <= 0 && pane.address.length === 0))
            return
        for (let i = 0; i < urls.length; ++i) {
            const text = i === urls.length - 1 ? caption : ""
            if (pane.conversationId > 0)
                pane.core.sendAttachment(pane.conversationId, urls[i], text)
            else
                pane.core.sendAttachmentTo(pane.address, urls[i], text)
        }
        pane.sent(pane.address)
    }

    // A message's file: Open, Save as…, the image large, downloaded again (a retry of ours is
    // the message's retry).
    AttachmentActions {
        id: attachmentActions
        objectName: "attachmentActions"
        core: pane.core
        onSaved: function(messageId, path) { fileNotice.show(qsTr("Saved to %1").arg(path), false) }
        onFailed: function(messageId, message) { fileNotice.show(message, true) }
    }
    function onAttachment(action, messageId, attachment) {
        if (action === "view") {
            imageViewer.get().show(messageId, attachment.fileName, attachment.token)
        } else if (action === "open") {
            attachmentActions.open(messageId, attachment.fileName)
        } else if (action === "save") {
            pane.saveAttachment(messageId, attachment.fileName)
        } else if (action === "download") {
            attachmentActions.download(messageId)
        }
    }
    function saveAttachment(messageId, fileName) {
        const dialog = saveDialog.get()
        dialog.messageId = messageId
        dialog.selectedFile = AttachmentText.saveTarget(fileName)
        dialog.open()
    }
    // What the chat shows only when asked (the file dialog, the image viewer, the timer's menu
    // and dialog, a sticker's pack) is made then: the conversation's first frame does not wait
    // for it (docs/app.md, "Start").
    OnDemand {
        id: saveDialog
        url: "qrc:/Tandem/Chat/SaveAsDialog.qml"
        onLoaded: saveDialog.item.accepted.connect(function() {
            attachmentActions.save(saveDialog.item.messageId, saveDialog.item.selectedFile)
        })
    }
    OnDemand {
        id: imageViewer
        url: "qrc:/Tandem/Attachments/ImageViewer.qml"
        onLoaded: {
            item.saveRequested.connect(pane.saveAttachment)
            item.openRequested.connect(function(messageId, fileName) { attachmentActions.open(messageId, fileName) })
        }
    }
    // What came of Save as… or Open: plain text (a file's name is the sender's to choose).
    ToolTip {
        id: fileNotice
        objectName: "fileNotice"
        property string message
        property bool problem: false
        function show(text, isProblem) { message = text; problem = isProblem; open() }
        timeout: 6000
        x: 12
        y: 48
        width: Math.min(implicitWidth, pane.width - 24)
        contentItem: Label {
            textFormat: Text.PlainText
            text: fileNotice.message
            wrapMode: Text.Wrap
            color: fileNotice.problem ? Theme.danger : Theme.text
        }
    }

    // The timer's menu and its Custom… dialog: loaded by URL when first opened (docs/app.md,
    // "Start").
    OnDemand {
        id: timerMenu
        url: "qrc:/Tandem/Chat/TimerMenu.qml"
        properties: ({ core: pane.core, setting: timer, parent: timerButton })
        onLoaded: {
            timerMenu.item.y = Qt.binding(function() { return timerButton.height })
            timerMenu.item.customRequested.connect(function() { customTimer.get().open() })
        }
    }
    OnDemand {
        id: customTimer
        url: "qrc:/Tandem/Chat/CustomTimerDialog.qml"
        properties: ({ core: pane.core, setting: timer })
    }
    OnDemand {
        id: packSheet
        url: "qrc:/Tandem/Stickers/StickerPackSheet.qml"
        properties: ({ core: pane.core, accent: pane.accent })
        // The mode's accent, followed after it is made.
        Binding { target: packSheet.item; property: "accent"; value: pane.accent; when: packSheet.item !== null }
    }

    StickerInstall { id: linkCheck }
    Connections {
        target: composer
        function onTextChanged() {
            if (linkCheck.isLink(composer.text) && composer.text.trim() !== pane.lastLink) {
                pane.lastLink = composer.text.trim()
                pane.stickerLinkFound(pane.lastLink)
            }
        }
    }
    property string lastLink

    Label {
        textFormat: Text.PlainText
        anchors.centerIn: parent
        width: Math.min(implicitWidth, parent.width - 40)
        wrapMode: Text.WordWrap
        horizontalAlignment: Text.AlignHCenter
        visible: pane.conversationId === 0
        text: qsTr("Choose a conversation, or start one above the list.")
        color: Theme.muted
    }

    ColumnLayout {
        anchors.fill: parent
        visible: pane.conversationId !== 0
        spacing: 0

        ToolBar {
            Layout.fillWidth: true
            background: Rectangle {
                color: Theme.window
                Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.separator }
            }
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 12
                anchors.rightMargin: 6
                spacing: 10
                Avatar {
                    name: pane.title
                    key: pane.address
                    noteToSelf: pane.noteToSelf
                    source: card.avatar
                    size: 32
                    TapHandler { onTapped: pane.openDetails() }
                }
                Label {
                    objectName: "chatTitle"
                    textFormat: Text.PlainText
                    // A contact's profile name arrives after the list was read: the card's.
                    text: card.loaded && card.title.length > 0 && card.title !== card.address
                          ? card.title : pane.title
                    font.bold: true
                    font.pixelSize: 15
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                    Accessible.role: Accessible.Heading
                }
                Label {
                    textFormat: Text.PlainText
                    visible: card.verification === "verified"
                    text: "✔ " + qsTr("verified")
                    color: pane.accent
                }
                ToolButton {
                    id: timerButton
                    objectName: "timerButton"
                    // Not on a request: a timer change is a message, and nothing goes to them
                    // until they are accepted.
                    visible: pane.conversationId > 0 && !(card.loaded && (card.request || card.blocked))
                    contentItem: Label {
                        textFormat: Text.PlainText
                        text: timer.seconds > 0 ? "◔ " + timer.label : "◔"
                        font.bold: timer.seconds > 0
                        color: Theme.text
                        horizontalAlignment: Text.AlignHCenter
                        verticalAlignment: Text.AlignVCenter
                    }
                    Accessible.name: timer.seconds > 0
                                     ? qsTr("Disappearing messages: %1").arg(timer.description)
                                     : qsTr("Disappearing messages: off")
                    ToolTip.visible: hovered
                    ToolTip.text: Accessible.name
                    onClicked: timerMenu.get().open()
                }
                ToolButton {
                    objectName: "detailsButton"
                    visible: !pane.noteToSelf && pane.conversationId > 0
                    text: qsTr("Details")
                    Accessible.name: qsTr("Contact details and safety number")
                    ToolTip.visible: hovered
                    ToolTip.text: qsTr("Contact details and safety number (Ctrl+I)")
                    onClicked: pane.openDetails()
                }
            }
        }
        // The safety-number warning and the request bar are made only while they show (most
        // conversations never show them), from their URLs: the chat neither compiles nor
        // makes them for its first frame. Each is destroyed by its own buttons (accepting,
        // deleting, blocking ends what shows it): their handlers do nothing after that call.
        LoadedWhile {
            Layout.fillWidth: true
            when: card.identityChanged && card.verification !== "verified"
            url: "qrc:/Tandem/Contacts/IdentityBanner.qml"
            properties: ({ card: pane.contactCard })
        }

        ListView {
            id: messages
            objectName: "messageList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            verticalLayoutDirection: ListView.BottomToTop
            spacing: 2
            // Rows beyond the visible ones are made ahead for scrolling, but not for the first
            // frame of a conversation: its newest messages show first (docs/app.md, "Start").
            cacheBuffer: 0
            readonly property int shownConversation: pane.conversationId
            onShownConversationChanged: cacheBuffer = 0
            Timer {
                running: messages.count > 0 && messages.cacheBuffer === 0
                interval: 300
                onTriggered: messages.cacheBuffer = 800
            }
            Accessible.name: qsTr("Messages")
            model: MessageListModel {
                id: messageModel
                peerName: pane.title
                feed: pane.core.feed
                conversationId: pane.conversationId > 0 ? pane.conversationId : 0
            }
            ScrollBar.vertical: ScrollBar {}
            delegate: MessageBubble {
                accent: pane.accent
                feed: pane.core.feed
                onRetryRequested: function(id) { pane.core.retry(id) }
                onStickerTapped: function(packId, stickerId, emoji) { packSheet.get().show(packId, stickerId, emoji) }
                onAttachmentRequested: function(action, messageId, attachment) { pane.onAttachment(action, messageId, attachment) }
            }
        }
        LoadedWhile {
            Layout.fillWidth: true
            when: card.loaded && (card.request || card.blocked)
            url: "qrc:/Tandem/Contacts/RequestBar.qml"
            properties: ({ card: pane.contactCard, people: pane.peopleActions })
        }
        Composer {
            id: composer
            objectName: "composerPane"
            Layout.fillWidth: true
            visible: !(card.loaded && (card.request || card.blocked))
            accent: pane.accent
            feed: pane.core.feed
            stickersAllowed: !pane.noteToSelf
            attachmentsAllowed: !pane.noteToSelf
            onSubmitted: function(text) { pane.send(text) }
            onFilesSubmitted: function(urls, caption) { pane.sendFiles(urls, caption) }
            onStickerChosen: function(packId, stickerId) { pane.sendSticker(packId, stickerId) }
        }
    }
    OnDemand {
        id: detailsPopup
        url: "qrc:/Tandem/Contacts/ContactDetailsPopup.qml"
        properties: ({ card: card, people: people, accent: pane.accent })
        // The mode's accent, followed after it is made.
        Binding { target: detailsPopup.item; property: "accent"; value: pane.accent; when: detailsPopup.item !== null }
    }
    Shortcut { sequence: "Ctrl+I"; onActivated: pane.openDetails() }

    // Files dragged over the conversation: attached in the composer when dropped.
    DropArea {
        id: drop
        objectName: "fileDrop"
        anchors.fill: parent
        enabled: pane.conversationId !== 0 && !pane.noteToSelf && composer.visible
        onDropped: function(event) {
            if (event.hasUrls) {
                composer.addFiles(event.urls)
                event.acceptProposedAction()
            }
        }
        Rectangle {
            anchors.fill: parent
            anchors.margins: 6
            visible: drop.containsDrag
            color: Qt.rgba(pane.accent.r, pane.accent.g, pane.accent.b, 0.12)
            border.color: pane.accent
            border.width: 2
            radius: 10
            Label {
                textFormat: Text.PlainText
                anchors.centerIn: parent
                text: qsTr("Drop files to send them")
                color: Theme.text
                font.pixelSize: 16
            }
        }
    }
}
