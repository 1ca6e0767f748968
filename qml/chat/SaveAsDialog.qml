import QtQuick
import QtQuick.Dialogs
import Tandem.Ui

// Save as… for a message's file, loaded by URL the first time it is asked for (docs/app.md,
// "Start"). Its words keep the chat's translation context.
FileChooser {
    objectName: "saveDialog"
    property var messageId: 0
    title: qsTranslate("ChatPane", "Save as")
    fileMode: FileDialog.SaveFile
}
