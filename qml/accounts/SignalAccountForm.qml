import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem.Core
import Tandem.Ui

// Setting up Signal mode: a phone number registered at the relay, with the code when the
// relay verifies numbers, and an optional registration lock PIN.
ColumnLayout {
    id: form
    required property var setup
    readonly property string title: qsTr("Set up Signal mode")
    readonly property string intro: qsTr("Your phone number is your account at the relay. People who have your "
                                         + "number can write to you; by default they see only your account id.")

    Connections {
        target: form.setup.flow
        function onPinNeeded() { pin.forceActiveFocus() }
    }

    TextField {
        id: phone
        objectName: "setupPhone"
        Layout.fillWidth: true
        enabled: !form.setup.codeStep
        placeholderText: qsTr("Phone number, e.g. +4915123456789")
        Accessible.name: qsTr("Phone number")
        validator: RegularExpressionValidator { regularExpression: /\+[1-9][0-9]{0,14}/ }
    }
    CheckBox {
        id: share
        enabled: !form.setup.codeStep
        text: qsTr("Show my number to the people I write to")
    }
    // A registration lock: locks a new account's number, or proves the PIN of a
    // locked one (registering it again then needs the PIN until this profile has been
    // away from the relay for 7 days).
    TextField {
        id: pin
        objectName: "setupPin"
        Layout.fillWidth: true
        echoMode: TextInput.Password
        placeholderText: qsTr("Registration lock PIN (optional, at least 4 characters)")
        Accessible.name: qsTr("Registration lock PIN")
        ToolTip.visible: hovered
        ToolTip.text: qsTr("With a PIN, nobody else who gets your number can register "
                           + "it while you use Tandem.")
        onAccepted: if (form.setup.codeStep) confirmCode.clicked()
    }
    RowLayout {
        visible: form.setup.codeStep
        TextField {
            id: code
            objectName: "setupCode"
            visible: form.setup.codeRequired
            Layout.fillWidth: true
            placeholderText: qsTr("The code the relay sent")
            Accessible.name: qsTr("Verification code")
            onAccepted: confirmCode.clicked()
        }
        Button {
            id: confirmCode
            objectName: "setupConfirmCode"
            text: qsTr("Confirm")
            enabled: (code.text.length > 0 || !form.setup.codeRequired) && !form.setup.flow.busy
            onClicked: {
                form.setup.problem = ""
                form.setup.flow.confirmSignalCode(code.text, pin.text)
            }
        }
    }
    Button {
        objectName: "setupRegister"
        visible: !form.setup.codeStep
        text: form.setup.flow.busy ? qsTr("Registering…") : qsTr("Register")
        enabled: phone.acceptableInput && form.setup.networkUsable && !form.setup.flow.busy
        highlighted: true
        palette.button: form.setup.accent
        onClicked: {
            form.setup.problem = ""
            form.setup.flow.registerSignal(phone.text, form.setup.networkFile, share.checked, pin.text)
        }
    }
}
