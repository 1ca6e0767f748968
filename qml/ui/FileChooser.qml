import QtQuick
import QtQuick.Dialogs
import Tandem.Ui

// A file dialog (files to open, or a file to save as) that opens wherever the app runs: Qt
// Quick's FileDialog — native where the desktop has one — or, where that one cannot be shown
// (its own implementation needs Qt.labs.folderlistmodel, and Qt 6.4 crashes in open() without
// it), the widgets' file dialog. Used as FileDialog is: set the properties, open(), and read
// selectedFile or selectedFiles on accepted().
Item {
    id: chooser
    visible: false
    property string title
    property int fileMode: FileDialog.OpenFile
    property var nameFilters: []
    property string defaultSuffix
    // Before open(): the file to propose (Save as…); after accepted(): the one chosen.
    property url selectedFile
    property var selectedFiles: []
    readonly property bool opened: quick.visible || widgets.opened
    // The widgets' dialog (WidgetFileDialog), when Qt Quick's cannot be shown.
    readonly property alias fallback: widgets
    signal accepted()
    signal rejected()

    function open() {
        if (widgets.quickDialogAvailable()) {
            if (chooser.selectedFile.toString().length > 0)
                quick.selectedFile = chooser.selectedFile
            quick.open()
        } else {
            widgets.open()
        }
    }
    function close() {
        quick.close()
        widgets.close()
    }

    FileDialog {
        id: quick
        title: chooser.title
        fileMode: chooser.fileMode
        nameFilters: chooser.nameFilters
        defaultSuffix: chooser.defaultSuffix
        onAccepted: {
            chooser.selectedFiles = quick.selectedFiles
            chooser.selectedFile = quick.selectedFile
            chooser.accepted()
        }
        onRejected: chooser.rejected()
    }
    WidgetFileDialog {
        id: widgets
        title: chooser.title
        fileMode: chooser.fileMode
        nameFilters: chooser.nameFilters
        defaultSuffix: chooser.defaultSuffix
        selectedFile: chooser.selectedFile
        onAccepted: function(urls) {
            chooser.selectedFiles = urls
            chooser.selectedFile = urls.length > 0 ? urls[0] : ""
            chooser.accepted()
        }
        onRejected: chooser.rejected()
    }
}
