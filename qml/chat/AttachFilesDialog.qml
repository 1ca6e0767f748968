import QtQuick
import QtQuick.Dialogs
import Tandem.Ui

// The composer's file dialog, loaded by URL the first time the paperclip is used: the chat's
// page neither compiles it nor loads QtQuick.Dialogs before then (docs/app.md, "Start"). Its
// words keep the composer's translation context.
FileChooser {
    title: qsTranslate("Composer", "Choose files to send")
    fileMode: FileDialog.OpenFiles
}
