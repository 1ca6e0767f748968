import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import Tandem.Ui

// A file dialog (files to open, or a file to save as): Qt Quick's FileDialog — the desktop's
// own where the platform theme has one (GTK, the xdg portal), else Qt Quick's implementation.
// The app has no QtWidgets (docs/app.md, "Start"), so there is no widget dialog behind it.
// Qt Quick's implementation needs Qt.labs.folderlistmodel (a package dependency), and Qt 6.4
// crashes in FileDialog.open() when that module is missing: then the chooser says so, over the
// window (`unavailable`), and rejects, instead. Qt 6.4's own implementation picks one file at
// a time (no places sidebar either); the desktop's dialog, through the xdg portal or GTK
// platform theme the package recommends, picks several. Used as FileDialog is: set the properties, open(), and
// read selectedFile or selectedFiles on accepted().
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
    readonly property bool opened: quick.visible
    // Why no dialog could be shown (empty while it can).
    property string unavailable: ""
    // The dialog itself (what the tests accept or reject).
    readonly property alias dialog: quick
    signal accepted()
    signal rejected()

    // Whether Qt Quick's own dialog can load: the import it starts with, tried once per
    // chooser.
    function quickDialogLoads() {
        try {
            Qt.createQmlObject("import QtQml\nimport Qt.labs.folderlistmodel\nQtObject {}", chooser).destroy()
            return true
        } catch (e) {
            return false
        }
    }
    property int loads: -1  // unknown, 0 or 1

    function open() {
        if (loads < 0)
            loads = quickDialogLoads() ? 1 : 0
        if (loads === 0) {
            unavailable = qsTr("No file dialog: the Qt.labs.folderlistmodel QML module is missing.")
            console.warn(unavailable)
            notice.open()
            rejected()
            return
        }
        if (chooser.selectedFile.toString().length > 0)
            quick.selectedFile = chooser.selectedFile
        quick.open()
    }
    function close() {
        quick.close()
    }

    // Where no dialog can be shown, the user is told why (whichever page asked).
    Popup {
        id: notice
        objectName: "fileChooserNotice"
        parent: Overlay.overlay
        anchors.centerIn: parent
        padding: 16
        contentItem: Label {
            textFormat: Text.PlainText
            wrapMode: Text.WordWrap
            width: 360
            text: chooser.unavailable
        }
        Timer { running: notice.visible; interval: 8000; onTriggered: notice.close() }
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
}
