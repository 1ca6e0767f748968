import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem.Core
import Tandem.Ui
import Tandem.Chat

// A disappearing-messages time of the user's own (5 seconds to 4 weeks), from the timer menu's
// Custom…. Loaded by URL when first asked for (docs/app.md, "Start"); its words keep the chat's
// translation context.
Dialog {
    id: customTimerDialog
    objectName: "customTimer"
    required property AppCore core
    required property DisappearingSetting setting
    title: qsTranslate("ChatPane", "Disappearing messages")
    modal: true
    parent: Overlay.overlay
    anchors.centerIn: parent
    readonly property var units: [1, 60, 3600, 86400, 604800]
    readonly property int chosen: amount.value * units[unit.currentIndex]
    ColumnLayout {
        spacing: 8
        RowLayout {
            spacing: 8
            SpinBox { id: amount; from: 1; to: 999; value: 1; editable: true }
            ComboBox {
                id: unit
                model: [qsTranslate("ChatPane", "seconds"), qsTranslate("ChatPane", "minutes"), qsTranslate("ChatPane", "hours"), qsTranslate("ChatPane", "days"), qsTranslate("ChatPane", "weeks")]
                currentIndex: 2
            }
        }
        Label {
            textFormat: Text.PlainText
            text: customTimerDialog.chosen < 5 || customTimerDialog.chosen > 2419200
                  ? qsTranslate("ChatPane", "From 5 seconds to 4 weeks")
                  : customTimerDialog.core.describeTimer(customTimerDialog.chosen)
            color: Theme.muted
        }
    }
    footer: DialogButtonBox {
        Button {
            text: qsTranslate("ChatPane", "Set")
            enabled: customTimerDialog.chosen >= 5 && customTimerDialog.chosen <= 2419200
            DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
        }
        Button { text: qsTranslate("ChatPane", "Cancel"); DialogButtonBox.buttonRole: DialogButtonBox.RejectRole }
    }
    onAccepted: customTimerDialog.setting.set(chosen, customTimerDialog.setting.afterSend)
}
