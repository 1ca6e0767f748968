import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem.Core
import Tandem.Ui

// Setting up the current mode when the profile has no account in it yet:
//  Signal — a phone number registered at the relay (with the code when the relay verifies);
//  Session — a new Session ID, its recovery phrase shown and then confirmed by typing three of
//  its words back; or a Session ID restored from its phrase.
Pane {
    id: setup
    required property AppCore core
    readonly property AccountSetupFlow flow: core.setup
    property color accent
    property string problem: ""
    property bool codeStep: false
    property bool codeRequired: false  // the relay sent a code (it verifies numbers)
    property var identity: ({ sessionId: "", words: [] })
    property int sessionStep: 0  // 0 choose, 1 the phrase, 2 confirm, 3 restore

    Connections {
        target: setup.flow
        function onFailed(reason) { setup.problem = reason }
        function onCodeNeeded() { setup.codeStep = true; setup.codeRequired = true; setup.problem = "" }
        function onPinNeeded() { setup.codeStep = true; pin.forceActiveFocus() }
        function onRegistrationInterrupted() { setup.codeStep = false; setup.codeRequired = false }
    }
    Connections {
        target: setup.core
        function onAccountsChanged() {
            setup.problem = ""
            // The phrase is not kept in memory once it is stored (or abandoned).
            setup.identity = ({ sessionId: "", words: [] })
            setup.sessionStep = 0
            phrase.clear()
        }
    }

    ColumnLayout {
        anchors.centerIn: parent
        width: Math.min(parent.width - 48, 560)
        spacing: 10

        Label {
            textFormat: Text.PlainText
            Layout.fillWidth: true
            text: setup.core.mode === "signal" ? qsTr("Set up Signal mode") : qsTr("Set up Session mode")
            font.pixelSize: 22
            Accessible.role: Accessible.Heading
        }
        Label {
            textFormat: Text.PlainText
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            opacity: 0.75
            text: setup.core.mode === "signal"
                  ? qsTr("Your phone number is your account at the relay. People who have your "
                         + "number can write to you; by default they see only your account id.")
                  : qsTr("No phone number: a random Session ID is your address, and a recovery "
                         + "phrase of 13 words is the only way to get it back.")
        }
        TextField {
            id: network
            objectName: "setupNetwork"
            Layout.fillWidth: true
            text: setup.flow.networkFile
            placeholderText: qsTr("Network file (network.json)")
            Accessible.name: qsTr("Network file")
        }

        // ---- Signal mode ----
        ColumnLayout {
            visible: setup.core.mode === "signal"
            Layout.fillWidth: true
            TextField {
                id: phone
                objectName: "setupPhone"
                Layout.fillWidth: true
                enabled: !setup.codeStep
                placeholderText: qsTr("Phone number, e.g. +4915123456789")
                Accessible.name: qsTr("Phone number")
                validator: RegularExpressionValidator { regularExpression: /\+[1-9][0-9]{0,14}/ }
            }
            CheckBox {
                id: share
                enabled: !setup.codeStep
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
                onAccepted: if (setup.codeStep) confirmCode.clicked()
            }
            RowLayout {
                visible: setup.codeStep
                TextField {
                    id: code
                    objectName: "setupCode"
                    visible: setup.codeRequired
                    Layout.fillWidth: true
                    placeholderText: qsTr("The code the relay sent")
                    Accessible.name: qsTr("Verification code")
                    onAccepted: confirmCode.clicked()
                }
                Button {
                    id: confirmCode
                    objectName: "setupConfirmCode"
                    text: qsTr("Confirm")
                    enabled: (code.text.length > 0 || !setup.codeRequired) && !setup.flow.busy
                    onClicked: {
                        setup.problem = ""
                        setup.flow.confirmSignalCode(code.text, pin.text)
                    }
                }
            }
            Button {
                objectName: "setupRegister"
                visible: !setup.codeStep
                text: setup.flow.busy ? qsTr("Registering…") : qsTr("Register")
                enabled: phone.acceptableInput && network.text.length > 0 && !setup.flow.busy
                highlighted: true
                palette.button: setup.accent
                onClicked: {
                    setup.problem = ""
                    setup.flow.registerSignal(phone.text, network.text, share.checked, pin.text)
                }
            }
        }

        // ---- Session mode ----
        RowLayout {
            visible: setup.core.mode === "session" && setup.sessionStep === 0
            Button {
                objectName: "setupCreateSession"
                text: qsTr("Create a Session ID")
                highlighted: true
                palette.button: setup.accent
                enabled: network.text.length > 0
                onClicked: {
                    setup.identity = setup.flow.newSessionIdentity()
                    setup.sessionStep = 1
                }
            }
            Button {
                objectName: "setupRestoreSession"
                text: qsTr("Restore from a recovery phrase")
                onClicked: setup.sessionStep = 3
            }
        }
        ColumnLayout {
            visible: setup.core.mode === "session" && setup.sessionStep === 1
            Layout.fillWidth: true
            Label { textFormat: Text.PlainText; text: qsTr("Your Session ID"); font.bold: true }
            TextEdit {
                objectName: "setupSessionId"
                textFormat: TextEdit.PlainText
                Layout.fillWidth: true
                text: setup.identity.sessionId
                readOnly: true
                selectByMouse: true
                wrapMode: TextEdit.WrapAnywhere
                font.family: "monospace"
                color: palette.text
            }
            Label {
                textFormat: Text.PlainText
                text: qsTr("Your recovery phrase: write it down and keep it safe. It is shown only now.")
                font.bold: true
                wrapMode: Text.WordWrap
                Layout.fillWidth: true
            }
            Flow {
                Layout.fillWidth: true
                spacing: 6
                Repeater {
                    model: setup.identity.words
                    delegate: Label {
                        textFormat: Text.PlainText
                        required property int index
                        required property string modelData
                        text: (index + 1) + ". " + modelData
                        padding: 4
                        background: Rectangle { color: palette.alternateBase; radius: 4 }
                    }
                }
            }
            Button {
                objectName: "setupWroteItDown"
                text: qsTr("I wrote it down")
                highlighted: true
                palette.button: setup.accent
                onClicked: setup.sessionStep = 2
            }
        }
        ColumnLayout {
            visible: setup.core.mode === "session" && setup.sessionStep === 2
            Layout.fillWidth: true
            Label {
                textFormat: Text.PlainText
                text: qsTr("Type these words of your phrase")
                font.bold: true
            }
            Repeater {
                id: answers
                model: setup.sessionStep === 2 ? setup.flow.confirmationPositions() : []
                delegate: TextField {
                    required property int index
                    required property int modelData
                    objectName: "setupWord" + index
                    Layout.fillWidth: true
                    placeholderText: qsTr("Word %1").arg(modelData + 1)
                    Accessible.name: placeholderText
                }
            }
            RowLayout {
                Button {
                    text: qsTr("Back")
                    onClicked: setup.sessionStep = 1
                }
                Button {
                    objectName: "setupConfirmWords"
                    text: qsTr("Confirm")
                    highlighted: true
                    palette.button: setup.accent
                    enabled: !setup.flow.busy
                    onClicked: {
                        const given = []
                        for (let i = 0; i < answers.count; ++i) given.push(answers.itemAt(i).text)
                        setup.problem = ""
                        setup.flow.confirmSessionIdentity(given, network.text)
                    }
                }
            }
        }
        ColumnLayout {
            visible: setup.core.mode === "session" && setup.sessionStep === 3
            Layout.fillWidth: true
            TextArea {
                id: phrase
                objectName: "setupPhrase"
                textFormat: TextEdit.PlainText
                Layout.fillWidth: true
                placeholderText: qsTr("The 13 words of your recovery phrase")
                wrapMode: TextEdit.Wrap
                Accessible.name: qsTr("Recovery phrase")
            }
            RowLayout {
                Button {
                    text: qsTr("Back")
                    onClicked: {
                        phrase.clear()
                        setup.sessionStep = 0
                    }
                }
                Button {
                    objectName: "setupRestore"
                    text: qsTr("Restore")
                    highlighted: true
                    palette.button: setup.accent
                    enabled: phrase.text.trim().length > 0 && !setup.flow.busy
                    onClicked: {
                        setup.problem = ""
                        setup.flow.restoreSessionIdentity(phrase.text, network.text)
                    }
                }
            }
        }
        Label {
            objectName: "setupProblem"
            textFormat: Text.PlainText
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            color: "#c62828"
            visible: text.length > 0
            text: setup.problem
        }
    }
}
