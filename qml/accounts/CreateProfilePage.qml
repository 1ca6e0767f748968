import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem.Core
import Tandem.Ui

// First run: a passphrase protects the encrypted profile on this computer — or, where the
// desktop has a Secret Service, the system keychain keeps its key and no passphrase is asked
// at start (as Signal Desktop does).
Pane {
    id: page
    required property AppCore core
    property color accent
    readonly property bool useKeychain: keychainChoice.visible && keychainChoice.checked

    SecretService { id: secretService }

    ColumnLayout {
        anchors.centerIn: parent
        width: Math.min(parent.width - 48, 460)
        spacing: 12

        Logo {  // the SVG drawn directly: no image-format plugins before the first frame
            Layout.alignment: Qt.AlignHCenter
            implicitWidth: 88
            implicitHeight: 88
            Accessible.role: Accessible.Graphic
            Accessible.name: qsTr("Tandem logo")
        }
        Label {
            objectName: "welcomeTitle"
            textFormat: Text.PlainText
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("Welcome to Tandem")
            font.pixelSize: 24
            Accessible.role: Accessible.Heading
        }
        Label {
            textFormat: Text.PlainText
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            opacity: 0.75
            text: qsTr("One messenger, two privacy models: Signal mode over a relay, Session mode "
                       + "over an onion network. Choose a passphrase: it encrypts everything "
                       + "Tandem keeps on this computer.")
        }
        CheckBox {
            id: keychainChoice
            objectName: "keychainChoice"
            Layout.fillWidth: true
            visible: secretService.available
            text: qsTr("Keep the key in the system keychain (no passphrase at start)")
            onToggled: {
                first.clear()
                second.clear()
                if (checked) create.forceActiveFocus()
                else first.forceActiveFocus()
            }
        }
        Label {
            textFormat: Text.PlainText
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            visible: page.useKeychain
            opacity: 0.75
            text: qsTr("Anyone who can use your desktop session can open this profile. "
                       + "You can set a passphrase instead later, in Settings.")
        }
        TextField {
            id: first
            objectName: "newPassphrase"
            Layout.fillWidth: true
            echoMode: TextInput.Password
            placeholderText: qsTr("Passphrase (at least 8 characters)")
            Accessible.name: qsTr("New passphrase")
            visible: !page.useKeychain
            focus: true
            onAccepted: second.forceActiveFocus()
        }
        TextField {
            id: second
            objectName: "repeatPassphrase"
            Layout.fillWidth: true
            echoMode: TextInput.Password
            placeholderText: qsTr("The same passphrase again")
            Accessible.name: qsTr("Repeat the passphrase")
            visible: !page.useKeychain
            onAccepted: create.clicked()
        }
        Label {
            objectName: "createError"
            textFormat: Text.PlainText
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            color: "#c62828"
            visible: text.length > 0
            text: !page.useKeychain && first.text.length > 0 && second.text.length > 0
                  && first.text !== second.text
                  ? qsTr("The two passphrases differ.") : page.core.error
        }
        Button {
            id: create
            objectName: "createButton"
            Layout.alignment: Qt.AlignHCenter
            text: page.core.state === ProfileSession.Opening ? qsTr("Creating…") : qsTr("Create profile")
            enabled: page.core.state !== ProfileSession.Opening
                     && (page.useKeychain || (first.text.length > 0 && first.text === second.text))
            highlighted: true
            palette.button: page.accent
            Keys.onReturnPressed: if (enabled) clicked()
            Keys.onEnterPressed: if (enabled) clicked()
            onClicked: {
                if (page.useKeychain) page.core.createProfileWithKeychain()
                else page.core.createProfile(first.text)
            }
        }
    }
}
