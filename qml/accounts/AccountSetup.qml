import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem.Core
import Tandem.Ui
import Tandem.Links

// Setting up the current mode when the profile has no account in it yet: the network (a
// pasted tandem://network/ link, or a network file typed or chosen; what is wrong with it is
// said under the field, and what it names when it is right), the mode's form (SignalAccountForm: a phone number registered at the relay;
// SessionAccountForm: a new Session ID confirmed from its phrase, or one restored), and what
// went wrong. The steps' state is kept here, so the forms stay simple views of it.
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
    readonly property alias networkFile: network.text
    // The network field read as the set-up will read it (LinkReader.checkNetwork).
    property var networkCheck: ({ ok: false, error: "" })
    readonly property bool networkUsable: network.text.trim().length > 0 && networkCheck.error.length === 0
    // A network link given at start (tandem tandem://network/…) fills the field.
    function useNetwork(link) {
        network.text = link
        network.cursorPosition = 0
    }

    LinkReader { id: links }
    Timer {
        id: networkCheckTimer
        interval: 250
        onTriggered: setup.networkCheck = links.checkNetwork(network.text)
    }
    FileChooser {
        id: networkChooser
        title: qsTr("Choose a network file")
        nameFilters: [qsTr("Network files (*.json)"), qsTr("All files (*)")]
        onAccepted: network.text = links.localFile(selectedFile)
    }

    Connections {
        target: setup.flow
        function onFailed(reason) { setup.problem = reason }
        function onCodeNeeded() { setup.codeStep = true; setup.codeRequired = true; setup.problem = "" }
        function onPinNeeded() { setup.codeStep = true }
        function onRegistrationInterrupted() { setup.codeStep = false; setup.codeRequired = false }
    }
    Connections {
        target: setup.core
        function onAccountsChanged() {
            setup.problem = ""
            // The phrase is not kept in memory once it is stored (or abandoned).
            setup.identity = ({ sessionId: "", words: [] })
            setup.sessionStep = 0
        }
    }

    ColumnLayout {
        anchors.centerIn: parent
        width: Math.min(parent.width - 48, 560)
        spacing: 10

        Label {
            textFormat: Text.PlainText
            Layout.fillWidth: true
            text: forms.children[forms.currentIndex].title
            font.pixelSize: 22
            Accessible.role: Accessible.Heading
        }
        Label {
            textFormat: Text.PlainText
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            opacity: 0.75
            text: forms.children[forms.currentIndex].intro
        }
        RowLayout {
            Layout.fillWidth: true
            TextField {
                id: network
                objectName: "setupNetwork"
                Layout.fillWidth: true
                text: setup.flow.networkFile
                placeholderText: qsTr("Network link (tandem://network/…) or file (network.json)")
                Accessible.name: qsTr("Network link or file")
                // A link is read at once, a path once typing pauses (the file is read then).
                onTextChanged: {
                    if (links.isLink(text)) {
                        networkCheckTimer.stop()
                        setup.networkCheck = links.checkNetwork(text)
                    } else {
                        // Nothing said about a path while it is typed; the set-up reads it anyway.
                        setup.networkCheck = ({ ok: false, error: "" })
                        networkCheckTimer.restart()
                    }
                }
                Component.onCompleted: setup.networkCheck = links.checkNetwork(text)
            }
            Button {
                objectName: "setupChooseNetwork"
                text: qsTr("Choose file…")
                onClicked: networkChooser.open()
            }
        }
        Label {
            objectName: "setupNetworkError"
            textFormat: Text.PlainText
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            color: Theme.danger
            font.pixelSize: 12
            visible: text.length > 0
            text: setup.networkCheck.error
        }
        Label {
            objectName: "setupNetworkSummary"
            textFormat: Text.PlainText
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: Theme.muted
            font.pixelSize: 12
            visible: setup.networkCheck.ok === true
            text: !visible ? "" : (setup.networkCheck.isLink ? qsTr("Network link: %1").arg(setup.networkCheck.summary)
                                                             : qsTr("Network file: %1").arg(setup.networkCheck.summary))
                  + (setup.networkCheck.fingerprint ? "\n" + qsTr("Network key %1").arg(setup.networkCheck.fingerprint) : "")
        }

        // The one place the set-up names a mode: a phone number with a code, and a recovery
        // phrase, are different forms.
        StackLayout {
            id: forms
            Layout.fillWidth: true
            currentIndex: setup.core.status.mode === "session" ? 1 : 0
            SignalAccountForm { setup: setup }
            SessionAccountForm { setup: setup }
        }
        Label {
            objectName: "setupProblem"
            textFormat: Text.PlainText
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            color: Theme.danger
            visible: text.length > 0
            text: setup.problem
        }
    }
}
