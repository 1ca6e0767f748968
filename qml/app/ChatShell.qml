import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem.Core
import Tandem.Ui
import Tandem.Conversations
import Tandem.Chat
import Tandem.Stickers
import Tandem.Links

// The messenger: the header (mode toggle, connection), the conversation list, the open
// conversation; latency and settings over the whole window. Keyboard: Ctrl+N starts a
// conversation, Ctrl+Shift+N opens Note to Self, Ctrl+K goes to the list (Up/Down, Enter),
// Ctrl+1 / Ctrl+2 switch modes, Ctrl+L compares latency, Ctrl+, opens settings, Esc closes.
Page {
    id: shell
    required property AppCore core
    property color accent
    property var openConversation: ({ id: 0, title: "", address: "", noteToSelf: false })
    property string problem: ""
    property string pendingOpen: ""
    // A conversation asked for by id (a notification's click) before the list had it.
    property var pendingId: 0

    function open(id, title, address, noteToSelf) {
        pendingOpen = ""
        openConversation = { id: id, title: title, address: address, noteToSelf: !!noteToSelf }
        if (id !== 0) chat.focusComposer()  // ready to write, as messengers do
    }

    // Made while the profile opened (Main.qml), the shell shows once it is open: the
    // conversation opened meanwhile gets the keyboard then.
    onVisibleChanged: if (visible && openConversation.id !== 0) chat.focusComposer()

    // Opens the stored conversation `id` (its mode is the current one): now if the list has
    // it, else once the list is loaded again.
    function showConversation(id) {
        shell.pendingId = list.openById(id) ? 0 : id
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

    // Not while the shell is made ahead and the profile still opening (Main.qml).
    readonly property bool ready: shell.core.state === ProfileSession.Ready
    Shortcut { enabled: shell.ready; sequence: "Ctrl+N"; onActivated: list.focusNewConversation() }
    Shortcut { enabled: shell.ready; sequence: "Ctrl+K"; onActivated: list.focusList() }
    Shortcut { enabled: shell.ready; sequence: "Ctrl+Shift+N"; onActivated: shell.core.openNoteToSelf() }
    Shortcut { enabled: shell.ready; sequence: "Ctrl+1"; onActivated: shell.core.mode = "signal" }
    Shortcut { enabled: shell.ready; sequence: "Ctrl+2"; onActivated: shell.core.mode = "session" }
    Shortcut { enabled: shell.ready; sequence: "Ctrl+L"; onActivated: latencyPopup.open() }
    Shortcut { enabled: shell.ready; sequences: ["Ctrl+,", StandardKey.Preferences]; onActivated: settingsPopup.open() }

    // A page over the whole window (latency, settings); Esc closes it.
    component FullWindowPopup: Popup {
        parent: Overlay.overlay
        x: 0; y: 0
        width: parent ? parent.width : 0
        height: parent ? parent.height : 0
        modal: true
        focus: true
        padding: 0
        closePolicy: Popup.CloseOnEscape
    }
    // Its page is loaded by URL while it is open: neither made nor compiled with the shell
    // (docs/app.md, "Start").
    component PagePopup: FullWindowPopup {
        id: pagePopup
        property url page
        property string pageName
        property bool accented: true  // the page has an `accent`
        onAboutToShow: {
            const given = { objectName: pageName, core: shell.core }
            if (accented) given.accent = shell.accent
            pageLoader.setSource(page, given)
        }
        onClosed: pageLoader.source = ""
        contentItem: Loader {
            id: pageLoader
            onLoaded: item.closeRequested.connect(pagePopup.close)
            Binding {
                target: pageLoader.item
                property: "accent"
                value: shell.accent
                when: pageLoader.item !== null && pagePopup.accented
            }
        }
    }
    PagePopup {
        id: latencyPopup
        objectName: "latencyPopup"
        page: "qrc:/Tandem/Latency/LatencyPage.qml"
        pageName: "latencyPage"
        accented: false
    }
    PagePopup {
        id: stickersPopup
        objectName: "stickersPopup"
        page: "qrc:/Tandem/Stickers/StickerCreatorPage.qml"
        pageName: "stickerCreatorPage"
    }
    // A sticker pack link: from the command line (tandem tandem://stickers/…) or the composer;
    // the dialog is made the first time one comes.
    OnDemand {
        id: installDialog
        url: "qrc:/Tandem/Stickers/StickerInstallDialog.qml"
        properties: ({ core: shell.core, accent: shell.accent })
        function show(link) { get().show(link) }
        // The mode's accent, followed after it is made.
        Binding { target: installDialog.item; property: "accent"; value: shell.accent; when: installDialog.item !== null }
    }
    OnDemand {
        id: shareDialog
        url: "qrc:/Tandem/Links/ShareIdDialog.qml"
        properties: ({ core: shell.core, accent: shell.accent })
        // The mode's accent, followed after it is made.
        Binding { target: shareDialog.item; property: "accent"; value: shell.accent; when: shareDialog.item !== null }
    }
    LinkReader { id: linkReader }
    // A link from the command line or the desktop (x-scheme-handler/tandem): a contact link
    // opens that conversation (in its mode), a sticker pack link its preview, a network link
    // fills the set-up's network field; a malformed one is said.
    function showLinkAtStart() {
        const given = shell.core.linkAtStart
        if (given.length === 0) return
        shell.core.linkAtStart = ""
        const link = linkReader.read(given)
        if (link.kind === "stickers" || (!link.ok && given.trim().startsWith("tandem://stickers"))) {
            installDialog.show(given)  // it says what is wrong with a malformed one
        } else if (!link.ok) {
            shell.problem = link.error
            problemTimer.restart()
        } else if (link.kind === "contact") {
            const has = link.mode === "signal" ? shell.core.hasSignal : shell.core.hasSession
            if (!has) {
                shell.problem = link.mode === "signal"
                                ? qsTr("That contact link is for Signal mode: set up Signal mode first.")
                                : qsTr("That contact link is for Session mode: set up Session mode first.")
                problemTimer.restart()
            }
            list.startWith(link.mode, link.address)
        } else if (!shell.core.status.hasAccount) {
            accountSetup.useNetwork(given)
        } else {
            shell.problem = qsTr("That is a network link: it is used when an account is set up "
                                 + "(or with tandemctl set-network).")
            problemTimer.restart()
        }
    }
    // Once the profile is open (the shell may be made while it opens, Main.qml).
    Component.onCompleted: if (shell.core.state === ProfileSession.Ready) showLinkAtStart()
    Connections {
        target: shell.core
        function onLinkAtStartChanged() {
            if (shell.core.state === ProfileSession.Ready) shell.showLinkAtStart()
        }
        function onStateChanged() {
            if (shell.core.state === ProfileSession.Ready) shell.showLinkAtStart()
        }
    }
    PagePopup {
        id: settingsPopup
        objectName: "settingsPopup"
        page: "qrc:/Tandem/Settings/SettingsPage.qml"
        pageName: "settingsPage"
    }

    footer: Label {
        objectName: "problemBanner"
        textFormat: Text.PlainText
        visible: shell.problem.length > 0
        text: shell.problem
        wrapMode: Text.WordWrap
        padding: 8
        color: "white"
        background: Rectangle { color: Theme.danger }
    }

    header: ShellHeader {
        core: shell.core
        accent: shell.accent
        onLatencyRequested: latencyPopup.open()
        onSettingsRequested: settingsPopup.open()
        onStickersRequested: stickersPopup.open()
        onShareRequested: shareDialog.get().open()
    }

    // Made (by URL) the first time a mode shown has no account, not while the profile opens;
    // then kept, with what was typed, as the modes are switched.
    Loader {
        id: accountSetup
        anchors.fill: parent
        visible: !shell.core.status.hasAccount
        readonly property bool wanted: shell.core.state === ProfileSession.Ready
                                       && !shell.core.status.hasAccount
        function make() {
            if (wanted && item === null)
                setSource("qrc:/Tandem/Accounts/AccountSetup.qml",
                          { core: shell.core, accent: shell.accent })
        }
        onWantedChanged: make()
        Component.onCompleted: make()
        Binding { target: accountSetup.item; property: "accent"; value: shell.accent; when: accountSetup.item !== null }
        function useNetwork(link) { if (item) item.useNetwork(link) }
    }

    SplitView {
        anchors.fill: parent
        visible: shell.core.status.hasAccount

        Rectangle {
            SplitView.preferredWidth: 320
            SplitView.minimumWidth: 240
            color: Theme.panel
            ConversationList {
                id: list
                anchors.fill: parent
                core: shell.core
                accent: shell.accent
                openId: shell.openConversation.id
                onChosen: function(id, title, address, noteToSelf) {
                    shell.open(id, title, address, noteToSelf)
                }
                onLoaded: {
                    if (shell.core.openAtStart.length > 0) {  // tandem --open ADDRESS
                        list.openAddress(shell.core.openAtStart)
                        shell.core.openAtStart = ""
                    }
                    if (shell.pendingId !== 0 && list.openById(shell.pendingId))
                        shell.pendingId = 0
                    // A new conversation appears in the list once stored: open it there.
                    if (shell.pendingOpen.length > 0 && list.openAddress(shell.pendingOpen))
                        shell.pendingOpen = ""
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
            onStickerLinkFound: function(link) { installDialog.show(link) }
            onConversationGone: shell.open(0, "", "", false)
            onSent: function(address) {
                list.showConversations()  // what was written to is a conversation now
                if (shell.openConversation.id === -1) shell.pendingOpen = address
            }
        }
    }
}
