import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem

// The main window: the profile's state decides the page — create a profile, unlock it, or
// the messenger itself. QML only presents; AppCore and the models do the work.
ApplicationWindow {
    id: root
    objectName: "mainWindow"
    required property AppCore core

    title: core.state === AppCore.Ready
           ? qsTr("%1 — Tandem (%2)").arg(core.profileName).arg(core.mode === "signal"
                                                                ? qsTr("Signal mode")
                                                                : qsTr("Session mode"))
           : qsTr("Tandem")
    width: 1024
    height: 680
    minimumWidth: 560
    minimumHeight: 400
    visible: true

    // Signal's blue and Session's green: the mode is visible at a glance.
    readonly property color accent: core.mode === "session" ? "#00a870" : "#2c6bed"

    Loader {
        anchors.fill: parent
        sourceComponent: core.state === AppCore.Ready ? shell
                         : core.state === AppCore.NoProfile
                           || (core.state === AppCore.Opening && !core.hadProfile) ? createPage
                         : unlockPage
    }

    Component {
        id: createPage
        CreateProfilePage { core: root.core; accent: root.accent }
    }
    Component {
        id: unlockPage
        UnlockPage { core: root.core; accent: root.accent }
    }
    Component {
        id: shell
        ChatShell { core: root.core; accent: root.accent }
    }
}
