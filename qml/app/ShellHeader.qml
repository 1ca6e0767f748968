import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem.Core
import Tandem.Ui

// The shell's header: the mode toggle, the mode's connection (and onion path), my address
// (a click shares it: Share my ID), and the way to latency and settings.
ToolBar {
    id: bar
    required property AppCore core
    property color accent
    signal latencyRequested()
    signal settingsRequested()
    signal stickersRequested()
    signal shareRequested()
    background: Rectangle {
        color: Theme.panel
        Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 2; color: bar.accent }
    }

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: 10
        anchors.rightMargin: 10
        spacing: 12
        TabBar {
            id: modes
            objectName: "modeToggle"
            Accessible.name: qsTr("Mode")
            currentIndex: bar.core.mode === "session" ? 1 : 0
            TabButton {
                objectName: "signalModeButton"
                text: qsTr("Signal")
                width: implicitWidth + 16
                onClicked: bar.core.mode = "signal"
            }
            TabButton {
                objectName: "sessionModeButton"
                text: qsTr("Session")
                width: implicitWidth + 16
                onClicked: bar.core.mode = "session"
            }
        }
        Rectangle {
            width: 10; height: 10; radius: 5
            color: bar.core.status.connected ? bar.accent : Theme.muted
            Accessible.ignored: true
        }
        // The status is read first; the path gives way to it (elided in the middle, whole in
        // its tooltip).
        Label {
            objectName: "connectionStatus"
            textFormat: Text.PlainText
            text: bar.core.status.text
            elide: Text.ElideRight
            Layout.maximumWidth: implicitWidth
            Accessible.name: text
            Accessible.description: bar.core.status.detail
            HoverTip { text: bar.core.status.detail }
        }
        Label {
            id: onionPath
            objectName: "onionPath"
            textFormat: Text.PlainText
            visible: bar.core.status.path.length > 0
            text: qsTr("Path: you → %1").arg(bar.core.status.path.join(" → "))
            color: Theme.muted
            font.pixelSize: 12
            elide: Text.ElideMiddle
            Layout.fillWidth: true
            Layout.minimumWidth: 60
            HoverTip { text: onionPath.text; wanted: onionPath.truncated }
        }
        Item { Layout.fillWidth: !onionPath.visible }  // without a path, the rest goes right
        Label {
            objectName: "myAddress"
            textFormat: Text.PlainText
            readonly property string address: bar.core.status.address
            text: address.length > 20 ? address.substring(0, 10) + "…" + address.slice(-6) : address
            color: Theme.muted
            font.pixelSize: 12
            HoverTip {
                text: bar.core.status.address
                cursorShape: Qt.PointingHandCursor
                onClicked: bar.shareRequested()
            }
        }
        ToolButton {
            objectName: "latencyButton"
            text: qsTr("Compare latency")
            Accessible.name: text
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Signal and Session delivery latency, measured (Ctrl+L)")
            onClicked: bar.latencyRequested()
        }
        ToolButton {
            id: menuButton
            objectName: "menuButton"
            text: "☰"
            Accessible.name: qsTr("Menu")
            onClicked: menu.get().open()
            // The menu is made when first opened, loaded by URL (OnDemand).
            OnDemand {
                id: menu
                url: "qrc:/Tandem/ShellMenu.qml"
                properties: ({ core: bar.core, parent: menuButton })
                onLoaded: {
                    menu.item.y = Qt.binding(function() { return menuButton.height })
                    menu.item.shareRequested.connect(bar.shareRequested)
                    menu.item.stickersRequested.connect(bar.stickersRequested)
                    menu.item.settingsRequested.connect(bar.settingsRequested)
                }
            }
        }
    }
}
