import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Tandem.Core
import Tandem.Contacts
import Tandem.Ui
import Tandem.Settings

// Settings: notifications and their previews, read receipts, the theme, the language, the
// passphrase, where the profile is kept, and About. Every switch takes effect at once and is remembered (the
// profile's switches in the profile, the theme in the app's settings). Esc closes it.
Page {
    id: page
    required property AppCore core
    property color accent
    signal closeRequested()
    background: Rectangle { color: Theme.window }

    component Heading: Label {
        textFormat: Text.PlainText
        font.bold: true
        font.pixelSize: 13
        color: page.accent
        topPadding: 18
        Layout.fillWidth: true
    }
    component Explanation: Label {
        textFormat: Text.PlainText
        wrapMode: Text.WordWrap
        color: Theme.muted
        font.pixelSize: 12
        Layout.fillWidth: true
    }

    component ThemeChoice: RadioButton {
        property string key
        objectName: "theme_" + key
        checked: Theme.choice === key
        onToggled: if (checked) Theme.choice = key
    }
    // A language is named in its own language (a reader of it finds it whatever is shown now).
    component LanguageChoice: RadioButton {
        property string key
        objectName: "language_" + key
        checked: Language.choice === key
        onToggled: if (checked) Language.choice = key
    }

    AboutDialog { id: about }

    header: ToolBar {
        background: Rectangle {
            color: Theme.window
            Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.separator }
        }
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 12
            anchors.rightMargin: 6
            Label {
                textFormat: Text.PlainText
                text: qsTr("Settings")
                font.pixelSize: 18
                font.bold: true
                Layout.fillWidth: true
                Accessible.role: Accessible.Heading
            }
            ToolButton {
                objectName: "closeSettingsButton"
                text: "✕"
                Accessible.name: qsTr("Close settings")
                onClicked: page.closeRequested()
            }
        }
    }

    ScrollView {
        id: scroll
        anchors.fill: parent
        contentWidth: availableWidth

        ColumnLayout {
            width: Math.min(scroll.availableWidth - 48, 640)
            x: (scroll.availableWidth - width) / 2
            spacing: 6

            PeopleActions {
                id: people
                core: page.core
                onFailed: function(message) { peopleProblem.text = message }
                onDone: function(action) { peopleProblem.text = "" }
            }
            Heading { text: qsTr("Your profile") }
            RowLayout {
                spacing: 12
                Avatar {
                    objectName: "ownAvatar"
                    name: people.profileName.length > 0 ? people.profileName : "?"
                    key: page.core.profileDir
                    source: people.profileAvatar
                    size: 64
                }
                ColumnLayout {
                    Layout.fillWidth: true
                    RowLayout {
                        TextField {
                            id: profileName
                            objectName: "profileNameField"
                            Layout.fillWidth: true
                            placeholderText: qsTr("Your name")
                            text: people.profileName
                            maximumLength: 64
                            Accessible.name: qsTr("Your name")
                            onAccepted: people.setProfileName(text)
                        }
                        Button {
                            objectName: "saveProfileNameButton"
                            text: qsTr("Save")
                            enabled: profileName.text !== people.profileName
                            onClicked: people.setProfileName(profileName.text)
                        }
                    }
                    RowLayout {
                        Button {
                            objectName: "choosePictureButton"
                            text: qsTr("Choose picture…")
                            onClicked: pictureChooser.open()
                        }
                        Button {
                            text: qsTr("Remove picture")
                            visible: people.profileAvatar.length > 0
                            onClicked: people.removeAvatar()
                        }
                    }
                }
            }
            FileChooser {
                id: pictureChooser
                title: qsTr("Choose a picture")
                nameFilters: [qsTr("Pictures (*.png *.jpg *.jpeg *.webp *.gif *.bmp)")]
                onAccepted: people.setAvatar(selectedFile)
            }
            Explanation {
                text: qsTr("Shown to the people you accept, in both modes, encrypted; never to "
                           + "someone whose message request you have not accepted.")
            }
            Label {
                id: peopleProblem
                objectName: "peopleProblem"
                textFormat: Text.PlainText
                visible: text.length > 0
                color: Theme.danger
                wrapMode: Text.WordWrap
                Layout.fillWidth: true
            }

            Heading { text: qsTr("Notifications") }
            Switch {
                id: previews
                objectName: "previewsSwitch"
                text: qsTr("Show the sender and the text in notifications")
                checked: page.core.previews
                onToggled: page.core.previews = checked
                Layout.fillWidth: true
            }
            Explanation {
                text: qsTr("Off: a notification only says that a message came, so nothing of it shows "
                           + "on a locked or shared screen.")
            }

            Heading { text: qsTr("Privacy") }
            Switch {
                objectName: "readReceiptsSwitch"
                text: qsTr("Send read receipts")
                checked: page.core.readReceipts
                onToggled: page.core.readReceipts = checked
                Layout.fillWidth: true
            }
            Explanation {
                text: qsTr("Off: your contacts do not see when you have read their messages.")
            }
            RowLayout {
                spacing: 12
                Label {
                    textFormat: Text.PlainText
                    text: qsTr("Disappearing messages in chats you start")
                    color: Theme.text
                    Layout.fillWidth: true
                }
                ComboBox {
                    id: defaultTimer
                    objectName: "defaultTimerChoice"
                    model: page.core.timerPresets
                    textRole: "text"
                    valueRole: "seconds"
                    // Follows the setting (a custom one, set with tandemctl, is named as it is).
                    currentIndex: indexOfValue(page.core.defaultTimer)
                    displayText: currentIndex >= 0 ? currentText
                                                   : page.core.describeTimer(page.core.defaultTimer)
                    onActivated: page.core.defaultTimer = currentValue
                    Accessible.name: qsTr("Disappearing messages in chats you start")
                }
            }
            Explanation {
                text: qsTr("A new chat starts with this timer; each chat's own menu changes it.")
            }

            Heading { text: qsTr("Blocked") }
            Explanation {
                text: people.blocked.length === 0
                      ? qsTr("Nobody is blocked. Block someone from their chat.")
                      : qsTr("Their messages are dropped, and they are not told.")
            }
            Repeater {
                model: people.blocked
                delegate: RowLayout {
                    required property var modelData
                    Layout.fillWidth: true
                    Avatar { name: modelData.title; key: modelData.address; size: 28 }
                    Label {
                        textFormat: Text.PlainText
                        text: modelData.title + " · " + modelData.mode
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                    }
                    Button {
                        objectName: "unblock_" + modelData.contactId
                        text: qsTr("Unblock")
                        Accessible.name: qsTr("Unblock %1").arg(modelData.title)
                        onClicked: people.unblock(modelData.contactId)
                    }
                }
            }

            Heading { text: qsTr("Appearance") }
            RowLayout {
                spacing: 12
                ThemeChoice { key: "system"; text: qsTr("System") }
                ThemeChoice { key: "light"; text: qsTr("Light") }
                ThemeChoice { key: "dark"; text: qsTr("Dark") }
            }
            Explanation { text: qsTr("System follows your desktop's light or dark setting.") }

            Heading { text: qsTr("Language") }
            RowLayout {
                spacing: 12
                LanguageChoice { key: "system"; text: qsTr("System") }
                LanguageChoice { key: "en"; text: "English" }
                LanguageChoice { key: "zh_CN"; text: "简体中文" }
            }
            Explanation {
                text: qsTr("System uses your desktop's language where Tandem has it, else English. "
                           + "Dates, times and numbers follow the language.")
            }

            Heading { text: qsTr("Passphrase") }
            // Where the key is, read again as Settings opens (the key file, a few hundred bytes).
            Component.onCompleted: page.core.readProtection()
            SecretService { id: secretService }
            PassphraseChange {
                id: change
                feed: page.core.feed
                property string done  // what to say when the change went through
                // Passphrases are not left in the fields: the new ones go after every attempt,
                // the current one after a change (a mistyped one is easier to fix in place).
                onFinished: function(ok) {
                    next.clear(); again.clear()
                    if (ok) {
                        current.clear()
                        changeResult.text = change.done
                    } else {
                        changeResult.text = change.error
                    }
                    changeResult.ok = ok
                }
            }
            // A keychain profile: no current passphrase to give; one can be set instead.
            Explanation {
                objectName: "keychainExplanation"
                visible: page.core.keychain
                text: qsTr("This profile's key is kept in the system keychain: Tandem opens "
                           + "without a passphrase. Choose one below to use a passphrase instead.")
            }
            TextField {
                id: current
                objectName: "currentPassphrase"
                visible: !page.core.keychain
                echoMode: TextInput.Password
                placeholderText: qsTr("Current passphrase")
                Layout.fillWidth: true
            }
            TextField {
                id: next
                objectName: "newPassphrase"
                echoMode: TextInput.Password
                placeholderText: qsTr("New passphrase (at least 8 characters)")
                Layout.fillWidth: true
            }
            TextField {
                id: again
                objectName: "newPassphraseAgain"
                echoMode: TextInput.Password
                placeholderText: qsTr("New passphrase again")
                Layout.fillWidth: true
                onAccepted: (page.core.keychain ? toPassphraseButton : changeButton).clicked()
            }
            RowLayout {
                Button {
                    id: changeButton
                    objectName: "changePassphraseButton"
                    visible: !page.core.keychain
                    text: change.busy ? qsTr("Changing…") : qsTr("Change passphrase")
                    enabled: !change.busy && current.text.length > 0
                             && change.check(next.text, again.text).length === 0
                    onClicked: {
                        change.done = qsTr("Passphrase changed. Use the new one from now on.")
                        change.change(current.text, next.text, again.text)
                    }
                }
                Button {
                    id: toPassphraseButton
                    objectName: "toPassphraseButton"
                    visible: page.core.keychain
                    text: change.busy ? qsTr("Changing…") : qsTr("Use this passphrase instead")
                    enabled: !change.busy && change.check(next.text, again.text).length === 0
                    onClicked: {
                        change.done = qsTr("The key is now protected by your passphrase; "
                                           + "Tandem asks for it at start.")
                        change.moveToPassphrase(next.text, again.text)
                    }
                }
                Label {
                    id: changeResult
                    objectName: "passphraseResult"
                    property bool ok: false
                    textFormat: Text.PlainText
                    wrapMode: Text.WordWrap
                    Layout.fillWidth: true
                    color: ok ? page.accent : Theme.danger
                    text: ""
                }
            }
            Explanation {
                visible: next.text.length > 0
                text: change.check(next.text, again.text)
            }
            // Offered where the desktop's Secret Service answers (as on the create page).
            RowLayout {
                visible: !page.core.keychain && secretService.available
                Layout.fillWidth: true
                Button {
                    objectName: "toKeychainButton"
                    text: qsTr("Keep the key in the system keychain")
                    enabled: !change.busy && current.text.length > 0
                    onClicked: {
                        change.done = qsTr("The key is now kept in the system keychain; "
                                           + "Tandem opens without a passphrase.")
                        change.moveToKeychain(current.text)
                    }
                }
                Explanation {
                    text: qsTr("With the current passphrase above: Tandem then opens without one, "
                               + "and anyone who can use your desktop session can open it.")
                }
            }

            Heading { text: qsTr("Profile folder") }
            Explanation {
                text: qsTr("Messages, contacts and keys are kept encrypted in this folder. "
                           + "Back it up with the passphrase; anyone with both can read it.")
            }
            RowLayout {
                TextField {
                    objectName: "profileFolder"
                    text: page.core.profileDir
                    readOnly: true
                    selectByMouse: true
                    Layout.fillWidth: true
                }
                Button {
                    text: qsTr("Open folder")
                    onClicked: Qt.openUrlExternally("file://" + page.core.profileDir)
                }
            }

            Heading { text: qsTr("About") }
            RowLayout {
                spacing: 12
                Label {
                    textFormat: Text.PlainText
                    text: qsTr("Tandem %1 · GPL-3.0-or-later").arg(Qt.application.version)
                    Layout.fillWidth: true
                }
                Button {
                    objectName: "aboutButton"
                    text: qsTr("About Tandem…")
                    onClicked: about.open()
                }
            }
            Item { implicitHeight: 24 }
        }
    }
}
