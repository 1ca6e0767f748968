import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem.Core
import Tandem.Ui

// Later runs: the passphrase opens the profile. A wrong one is said plainly; nothing else
// happens and the user tries again. A profile whose key is in the system keychain opens by
// itself (no field); where the keychain does not give the key, the reason and Try again.
Pane {
    id: page
    required property AppCore core
    property color accent

    ColumnLayout {
        anchors.centerIn: parent
        width: Math.min(parent.width - 48, 400)
        spacing: 12

        Logo {  // the SVG drawn directly: no image-format plugins before the first frame
            Layout.alignment: Qt.AlignHCenter
            implicitWidth: 72
            implicitHeight: 72
            Accessible.role: Accessible.Graphic
            Accessible.name: qsTr("Tandem logo")
        }
        Label {
            textFormat: Text.PlainText
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("Unlock Tandem")
            font.pixelSize: 22
            Accessible.role: Accessible.Heading
        }
        TextField {
            id: passphrase
            objectName: "passphrase"
            Layout.fillWidth: true
            echoMode: TextInput.Password
            placeholderText: qsTr("Passphrase")
            Accessible.name: qsTr("Passphrase")
            enabled: page.core.state !== ProfileSession.Opening
            visible: !page.core.keychain
            focus: true
            onAccepted: unlock.clicked()
        }
        Label {
            objectName: "keychainNote"
            textFormat: Text.PlainText
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            visible: page.core.keychain
            text: page.core.state === ProfileSession.Opening
                  ? qsTr("Unlocking with the system keychain…")
                  : qsTr("This profile's key is kept in the system keychain.")
        }
        Label {
            objectName: "unlockError"
            textFormat: Text.PlainText
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            color: "#c62828"
            visible: text.length > 0
            text: page.core.error
        }
        Button {
            id: unlock
            objectName: "unlockButton"
            Layout.alignment: Qt.AlignHCenter
            visible: !page.core.keychain
            text: page.core.state === ProfileSession.Opening ? qsTr("Unlocking…") : qsTr("Unlock")
            enabled: page.core.state === ProfileSession.Locked && passphrase.text.length > 0
            highlighted: true
            palette.button: page.accent
            onClicked: {
                page.core.unlock(passphrase.text)
                passphrase.clear()
            }
        }
        // A keychain profile: after the keychain's reason, ask it again.
        Button {
            objectName: "keychainRetryButton"
            Layout.alignment: Qt.AlignHCenter
            visible: page.core.keychain && page.core.state !== ProfileSession.Opening
            text: qsTr("Try again")
            enabled: page.core.state === ProfileSession.Locked
            highlighted: true
            palette.button: page.accent
            onClicked: page.core.unlockWithKeychain()
        }
    }
}
