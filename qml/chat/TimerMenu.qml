import QtQuick
import QtQuick.Controls
import Tandem.Core
import Tandem.Ui
import Tandem.Chat

// The chat's disappearing-messages menu: the presets, Custom…, and (where the peer's version
// allows) whether the time counts from the send. Loaded by URL the first time the chat header's
// timer button is used, with its parent and place given (docs/app.md, "Start"); its words keep
// the chat's translation context.
Menu {
    id: timerMenu
    objectName: "timerMenu"
    required property AppCore core
    required property DisappearingSetting setting
    // Custom…: the chat opens its dialog.
    signal customRequested()
    width: 300
    Repeater {
        model: timerMenu.core.timerPresets
        delegate: MenuItem {
            id: choice
            required property var modelData
            objectName: "timerChoice" + modelData.seconds
            contentItem: Label {
                textFormat: Text.PlainText
                leftPadding: choice.indicator ? choice.indicator.width + choice.spacing : 0
                text: choice.modelData.text
                color: Theme.text
                verticalAlignment: Text.AlignVCenter
            }
            checkable: true
            checked: timerMenu.setting.seconds === modelData.seconds
            onTriggered: {
                timerMenu.setting.set(modelData.seconds, timerMenu.setting.afterSend)
                // A click toggles it; what it shows is the setting.
                checked = Qt.binding(function() { return timerMenu.setting.seconds === choice.modelData.seconds })
            }
        }
    }
    MenuItem {
        text: qsTranslate("ChatPane", "Custom…")
        onTriggered: timerMenu.customRequested()
    }
    MenuSeparator { visible: timerMenu.setting.ruleChoice }
    MenuItem {
        visible: timerMenu.setting.ruleChoice
        height: visible ? implicitHeight : 0
        text: qsTranslate("ChatPane", "Count from the send, not from reading")
        checkable: true
        checked: timerMenu.setting.afterSend
        onTriggered: {
            timerMenu.setting.set(timerMenu.setting.seconds, !timerMenu.setting.afterSend)
            checked = Qt.binding(function() { return timerMenu.setting.afterSend })
        }
    }
}
