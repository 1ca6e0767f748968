import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The main window. The conversation list, chat view and mode toggle arrive with the app
// issue; for now the window shows where the user stands.
ApplicationWindow {
    id: root
    objectName: "mainWindow"
    title: qsTr("Tandem")
    width: 960
    height: 640
    minimumWidth: 480
    minimumHeight: 360
    visible: true

    header: ToolBar {
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 12
            anchors.rightMargin: 12
            Label {
                text: qsTr("Tandem")
                font.bold: true
                font.pixelSize: 16
                Accessible.role: Accessible.Heading
            }
            Item { Layout.fillWidth: true }
        }
    }

    ColumnLayout {
        anchors.centerIn: parent
        width: Math.min(parent.width - 48, 520)
        spacing: 12

        Image {
            Layout.alignment: Qt.AlignHCenter
            source: "qrc:/icons/tandem.svg"
            sourceSize.width: 96
            sourceSize.height: 96
            Accessible.name: qsTr("Tandem logo")
        }
        Label {
            objectName: "welcomeTitle"
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("Welcome to Tandem")
            font.pixelSize: 24
            Accessible.role: Accessible.Heading
        }
        Label {
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            opacity: 0.75
            text: qsTr("One messenger, two privacy models: Signal mode over a relay, Session mode "
                       + "over an onion network. Your messages are kept on this computer in an "
                       + "encrypted database.")
        }
    }
}
