import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem.Core
import Tandem.Ui

// Setting up Session mode: a new Session ID, its recovery phrase shown and then confirmed by
// typing three of its words back; or a Session ID restored from its phrase. The steps are the
// set-up page's (setup.sessionStep: 0 choose, 1 the phrase, 2 confirm, 3 restore).
ColumnLayout {
    id: form
    required property var setup
    readonly property string title: qsTr("Set up Session mode")
    readonly property string intro: qsTr("No phone number: a random Session ID is your address, and a recovery "
                                         + "phrase of 13 words is the only way to get it back.")

    Connections {
        target: form.setup.core
        // The phrase typed to restore is not kept once an account is stored.
        function onAccountsChanged() { phrase.clear() }
    }

    RowLayout {
        visible: form.setup.sessionStep === 0
        Button {
            objectName: "setupCreateSession"
            text: qsTr("Create a Session ID")
            highlighted: true
            palette.button: form.setup.accent
            enabled: form.setup.networkUsable
            onClicked: {
                form.setup.identity = form.setup.flow.newSessionIdentity()
                form.setup.sessionStep = 1
            }
        }
        Button {
            objectName: "setupRestoreSession"
            text: qsTr("Restore from a recovery phrase")
            onClicked: form.setup.sessionStep = 3
        }
    }
    ColumnLayout {
        visible: form.setup.sessionStep === 1
        Layout.fillWidth: true
        Label { textFormat: Text.PlainText; text: qsTr("Your Session ID"); font.bold: true }
        TextEdit {
            objectName: "setupSessionId"
            textFormat: TextEdit.PlainText
            Layout.fillWidth: true
            text: form.setup.identity.sessionId
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
                model: form.setup.identity.words
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
            palette.button: form.setup.accent
            onClicked: form.setup.sessionStep = 2
        }
    }
    ColumnLayout {
        visible: form.setup.sessionStep === 2
        Layout.fillWidth: true
        Label {
            textFormat: Text.PlainText
            text: qsTr("Type these words of your phrase")
            font.bold: true
        }
        Repeater {
            id: answers
            model: form.setup.sessionStep === 2 ? form.setup.flow.confirmationPositions() : []
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
                onClicked: form.setup.sessionStep = 1
            }
            Button {
                objectName: "setupConfirmWords"
                text: qsTr("Confirm")
                highlighted: true
                palette.button: form.setup.accent
                enabled: !form.setup.flow.busy
                onClicked: {
                    const given = []
                    for (let i = 0; i < answers.count; ++i) given.push(answers.itemAt(i).text)
                    form.setup.problem = ""
                    form.setup.flow.confirmSessionIdentity(given, form.setup.networkFile)
                }
            }
        }
    }
    ColumnLayout {
        visible: form.setup.sessionStep === 3
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
                    form.setup.sessionStep = 0
                }
            }
            Button {
                objectName: "setupRestore"
                text: qsTr("Restore")
                highlighted: true
                palette.button: form.setup.accent
                enabled: phrase.text.trim().length > 0 && !form.setup.flow.busy
                onClicked: {
                    form.setup.problem = ""
                    form.setup.flow.restoreSessionIdentity(phrase.text, form.setup.networkFile)
                }
            }
        }
    }
}
