import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Tandem.Core
import Tandem.Ui
import Tandem.Stickers

// Making sticker packs: images chosen or dropped become tiles (each previewed as the sticker it
// will be, with its emoji and the cover choice), a title and an author, then Publish — which
// shows the pack's link, its QR code, and where it went (or why not). The packs made here and
// the built-in ones are listed on the left.
Page {
    id: page
    required property AppCore core
    property color accent
    signal closeRequested()
    background: Rectangle { color: Theme.window }

    StickerCreator { id: creator; objectName: "stickerCreator"; core: page.core }
    Connections {
        target: creator.drafts
        function onProblem(message) { page.problem = message }
    }
    property string problem

    FileChooser {
        id: files
        title: qsTr("Choose images for stickers")
        fileMode: FileDialog.OpenFiles
        nameFilters: [qsTr("Images (*.png *.jpg *.jpeg *.webp *.gif)")]
        onAccepted: creator.drafts.addFiles(selectedFiles)
    }

    header: ToolBar {
        background: Rectangle {
            color: Theme.panel
            Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 2; color: page.accent }
        }
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 10
            ToolButton { text: "←"; Accessible.name: qsTr("Back"); onClicked: page.closeRequested() }
            Label { textFormat: Text.PlainText; text: qsTr("Stickers"); font.bold: true; font.pixelSize: 16; color: Theme.text; Layout.fillWidth: true }
        }
    }
    Shortcut { sequence: "Esc"; onActivated: page.closeRequested() }

    RowLayout {
        anchors.fill: parent
        anchors.margins: 12
        spacing: 16
        StickerPackList {
            Layout.preferredWidth: 280
            Layout.fillHeight: true
            core: page.core
            accent: page.accent
            onEditRequested: function(packId) { creator.edit(packId) }
            onNewRequested: creator.startNew()
        }
        Rectangle { Layout.fillHeight: true; width: 1; color: Theme.separator }
        ScrollView {
            id: form
            Layout.fillWidth: true
            Layout.fillHeight: true
            contentWidth: availableWidth
            DropArea {
                width: form.availableWidth
                height: Math.max(column.implicitHeight, form.availableHeight)
                onDropped: function(drop) { if (drop.hasUrls) creator.drafts.addFiles(drop.urls) }
                Rectangle {
                    anchors.fill: parent
                    visible: parent.containsDrag
                    color: "transparent"
                    border.color: page.accent
                    border.width: 2
                    radius: 10
                }
                ColumnLayout {
                    id: column
                    width: parent.width
                    spacing: 10
                    Label {
                        textFormat: Text.PlainText
                        text: creator.editing.length > 0 ? qsTr("Edit pack") : qsTr("New pack")
                        font.bold: true
                        font.pixelSize: 18
                        color: Theme.text
                    }
                    GridLayout {
                        columns: 2
                        Layout.fillWidth: true
                        Label { textFormat: Text.PlainText; text: qsTr("Title"); color: Theme.text }
                        TextField {
                            objectName: "packTitle"
                            Layout.fillWidth: true
                            text: creator.title
                            maximumLength: 128
                            placeholderText: qsTr("My stickers")
                            onTextEdited: creator.title = text
                        }
                        Label { textFormat: Text.PlainText; text: qsTr("Author"); color: Theme.text }
                        TextField {
                            objectName: "packAuthor"
                            Layout.fillWidth: true
                            text: creator.author
                            maximumLength: 128
                            placeholderText: qsTr("Optional")
                            onTextEdited: creator.author = text
                        }
                    }
                    RowLayout {
                        Button {
                            objectName: "addImagesButton"
                            text: qsTr("Add images…")
                            onClicked: files.open()
                        }
                        Label {
                            textFormat: Text.PlainText
                            Layout.fillWidth: true
                            wrapMode: Text.Wrap
                            color: Theme.muted
                            text: qsTr("or drop PNG, JPEG, WebP or GIF files here. Each needs one emoji; animated GIF and WebP stay animated.")
                        }
                    }
                    Rectangle {
                        objectName: "dropZone"
                        visible: creator.drafts.count === 0
                        Layout.fillWidth: true
                        Layout.preferredHeight: 160
                        radius: 10
                        color: "transparent"
                        border.color: Theme.separator
                        border.width: 2
                        Label {
                            textFormat: Text.PlainText
                            anchors.centerIn: parent
                            color: Theme.muted
                            text: qsTr("Drop images here")
                        }
                        TapHandler { onTapped: files.open() }
                    }
                    Flow {
                        Layout.fillWidth: true
                        spacing: 8
                        Repeater {
                            model: creator.drafts
                            delegate: StickerTile {
                                accent: page.accent
                                onEmojiEdited: function(i, e) { creator.drafts.setEmoji(i, e) }
                                onCoverChosen: function(i) { creator.drafts.cover = i }
                                onRemoveRequested: function(i) { creator.drafts.remove(i) }
                            }
                        }
                    }
                    Label {
                        textFormat: Text.PlainText
                        Layout.fillWidth: true
                        wrapMode: Text.Wrap
                        visible: text.length > 0
                        color: Theme.danger
                        text: creator.state === StickerCreator.Failed ? creator.error : page.problem
                    }
                    RowLayout {
                        Button {
                            objectName: "publishButton"
                            text: creator.state === StickerCreator.Publishing ? qsTr("Publishing…") : qsTr("Publish")
                            enabled: creator.canPublish
                            opacity: enabled ? 1 : 0.5
                            highlighted: true
                            palette.button: page.accent
                            palette.buttonText: "white"
                            onClicked: creator.publish()
                        }
                        BusyIndicator { running: creator.state === StickerCreator.Publishing; visible: running; implicitHeight: 32 }
                        Label {
                            textFormat: Text.PlainText
                            visible: !creator.canPublish && creator.drafts.count > 0 && creator.state !== StickerCreator.Publishing
                            color: Theme.muted
                            text: creator.title.trim().length === 0 ? qsTr("Give the pack a title.")
                                  : creator.drafts.encoding ? qsTr("Preparing the stickers…")
                                  : qsTr("Every sticker needs one emoji.")
                        }
                    }
                    Rectangle {
                        objectName: "publishedResult"
                        visible: creator.state === StickerCreator.Published
                        Layout.fillWidth: true
                        implicitHeight: result.implicitHeight + 24
                        radius: 10
                        color: Theme.panel
                        RowLayout {
                            id: result
                            anchors.fill: parent
                            anchors.margins: 12
                            spacing: 12
                            Image {
                                source: creator.qr
                                Layout.preferredWidth: 140
                                Layout.preferredHeight: 140
                                fillMode: Image.PreserveAspectFit
                                smooth: false
                            }
                            ColumnLayout {
                                Layout.fillWidth: true
                                Label { textFormat: Text.PlainText; text: qsTr("Share this link:"); font.bold: true; color: Theme.text }
                                RowLayout {
                                    Layout.fillWidth: true
                                    TextField {
                                        objectName: "packLink"
                                        Layout.fillWidth: true
                                        readOnly: true
                                        text: creator.link
                                        selectByMouse: true
                                    }
                                    Button { text: qsTr("Copy"); onClicked: creator.copyToClipboard(creator.link) }
                                }
                                Label {
                                    objectName: "publishedTo"
                                    textFormat: Text.PlainText
                                    Layout.fillWidth: true
                                    wrapMode: Text.Wrap
                                    color: Theme.text
                                    visible: creator.publishedTo.length > 0
                                    text: "✓ " + qsTr("Published to %1").arg(creator.publishedTo.join(", "))
                                }
                                Repeater {
                                    model: creator.failures
                                    delegate: Label {
                                        required property string modelData
                                        textFormat: Text.PlainText
                                        Layout.fillWidth: true
                                        wrapMode: Text.Wrap
                                        color: Theme.danger
                                        text: "⚠ " + qsTr("Not published to %1").arg(modelData)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
