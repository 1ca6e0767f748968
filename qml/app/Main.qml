import QtQuick
import QtQuick.Controls
import Tandem.Core
import Tandem.Ui

// The main window: the profile's state decides the page — create a profile, unlock it, or
// the messenger itself. QML only presents; AppCore and the models do the work. The colours
// are the theme's (light, dark, or the system's), the accent the mode's.
ApplicationWindow {
    id: root
    objectName: "mainWindow"
    required property AppCore core

    // "(3) alice — Tandem (Signal mode)": the unread count first, as messengers show it.
    title: core.state === ProfileSession.Ready
           ? (core.unreadTotal > 0 ? "(" + core.unreadTotal + ") " : "")
             + qsTr("%1 — Tandem (%2)").arg(core.profileName).arg(core.status.name)
           : qsTr("Tandem")
    width: 1024
    height: 680
    minimumWidth: 560
    minimumHeight: 400
    visible: true
    color: Theme.window

    // A conversation to open (a notification was clicked); the messenger's page opens it once
    // it is in the list. Before the profile is open, nothing.
    function showConversation(id) {
        if (page.item && page.item.showConversation) page.item.showConversation(id)
    }

    // Signal's blue and Session's green: the mode is visible at a glance.
    readonly property color accent: Theme.accentOf(core.mode)

    palette.window: Theme.window
    palette.windowText: Theme.text
    palette.base: Theme.dark ? Theme.panel : "#ffffff"
    palette.alternateBase: Theme.panel
    palette.text: Theme.text
    palette.button: Theme.panel
    palette.buttonText: Theme.text
    palette.brightText: "#ffffff"
    palette.highlight: root.accent
    palette.highlightedText: "#ffffff"
    palette.placeholderText: Theme.muted
    palette.toolTipBase: Theme.panel
    palette.toolTipText: Theme.text
    palette.light: Theme.dark ? "#4a4b50" : "#ffffff"
    palette.midlight: Theme.dark ? "#3a3b40" : "#e8e9ec"
    palette.mid: Theme.dark ? "#2f3034" : "#c9cbd0"
    palette.dark: Theme.dark ? "#151619" : "#9a9ca3"
    palette.shadow: Theme.dark ? "#000000" : "#6b6d73"

    // A keychain profile opening at start: the messenger's page is made at once, hidden, while
    // the store opens on its own thread and reads what that page shows first (FirstScreen),
    // so its first frame holds the open conversation's newest messages. Where the keychain
    // does not give the key, or has not within kKeychainPatienceMs (a keyring asking for its
    // password), the unlock page shows instead (docs/app.md, "Start").
    // Given by AppWindow (which compiles that page first); false once the unlock page shows.
    required property bool shellFirst
    readonly property int kKeychainPatienceMs: 600
    Timer {
        running: root.shellFirst && root.core.state === ProfileSession.Opening
        interval: root.kKeychainPatienceMs
        onTriggered: root.shellFirst = false
    }
    Connections {
        target: root.core
        function onStateChanged() {
            if (root.core.state === ProfileSession.Locked || root.core.state === ProfileSession.Failed)
                root.shellFirst = false
        }
    }

    // Each page by its URL, not as an inline Component: only the page shown is compiled, with
    // what it imports. The unlock page's first frame does not wait for the messenger's modules
    // (the chat, stickers, latency charts, file dialogs), which load once the profile is open
    // (docs/app.md, "Start").
    Loader {
        id: page
        objectName: "pageLoader"
        anchors.fill: parent
        // The messenger's page made ahead stays hidden until the profile is open.
        visible: !root.shellFirst || root.core.state === ProfileSession.Ready
        readonly property url wanted: core.state === ProfileSession.Ready || root.shellFirst ? "ChatShell.qml"
                                      : core.state === ProfileSession.NoProfile
                                        || (core.state === ProfileSession.Opening && !core.hadProfile)
                                        ? "qrc:/Tandem/Accounts/CreateProfilePage.qml"
                                        : "qrc:/Tandem/Accounts/UnlockPage.qml"
        property bool started: false
        onWantedChanged: if (started) setSource(wanted, { core: root.core, accent: root.accent })
        Component.onCompleted: {
            started = true
            setSource(wanted, { core: root.core, accent: root.accent })
        }
        Binding {
            target: page.item
            property: "accent"
            value: root.accent
            when: page.item !== null
        }
    }
}
