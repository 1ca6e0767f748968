import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem.Ui

// About Tandem: the version, the licence (GPL-3.0-or-later, with the usual notice), where the
// source is, and where the default sticker art comes from (resources/stickers/README.md).
Dialog {
    id: about
    objectName: "aboutDialog"
    parent: Overlay.overlay
    anchors.centerIn: parent
    modal: true
    width: Math.min(560, parent ? parent.width - 40 : 560)
    height: Math.min(implicitHeight, parent ? parent.height - 40 : implicitHeight)
    padding: 20
    topPadding: 8
    title: qsTr("About Tandem")
    standardButtons: Dialog.Close

    component Paragraph: Label {
        textFormat: Text.PlainText
        wrapMode: Text.WordWrap
        Layout.fillWidth: true
    }

    ScrollView {
        id: aboutScroll
        anchors.fill: parent
        contentWidth: availableWidth
        ColumnLayout {
            width: aboutScroll.availableWidth
            spacing: 10
            RowLayout {
                spacing: 12
                Image {
                    source: "qrc:/icons/tandem.svg"
                    sourceSize: Qt.size(48, 48)
                    fillMode: Image.PreserveAspectFit
                    Layout.preferredWidth: 48
                    Layout.preferredHeight: 48
                    Layout.alignment: Qt.AlignTop
                    Accessible.name: qsTr("Tandem logo")
                }
                ColumnLayout {
                    spacing: 2
                    Label {
                        objectName: "aboutVersion"
                        textFormat: Text.PlainText
                        font.bold: true
                        font.pixelSize: 16
                        text: qsTr("Tandem %1").arg(Qt.application.version)
                    }
                    Paragraph {
                        color: Theme.muted
                        text: qsTr("One messenger, Signal's and Session's privacy models.")
                    }
                }
            }
            Paragraph {
                objectName: "aboutLicence"
                text: qsTr("Licence: GNU General Public License, version 3 or later (GPL-3.0-or-later).")
            }
            Paragraph {
                color: Theme.muted
                font.pixelSize: 12
                text: qsTr("Tandem is free software: you can redistribute it and/or modify it under the "
                           + "terms of the GNU General Public License as published by the Free Software "
                           + "Foundation, either version 3 of the License, or (at your option) any later "
                           + "version. It is distributed in the hope that it will be useful, but WITHOUT "
                           + "ANY WARRANTY; without even the implied warranty of MERCHANTABILITY or "
                           + "FITNESS FOR A PARTICULAR PURPOSE. See the LICENSE file that comes with "
                           + "Tandem, or https://www.gnu.org/licenses/.")
            }
            Paragraph {
                objectName: "aboutSource"
                text: qsTr("Source code: Tandem is built from its public source repository. Under "
                           + "the licence, whoever gives you a copy of Tandem must also offer you its "
                           + "source code.")
            }
            Paragraph {
                objectName: "aboutStickers"
                text: qsTr("Default stickers (Tandem Friends, Tandem Motion): original art made for "
                           + "Tandem, under the same licence. Their SVG files in the repository "
                           + "(resources/stickers/) are the source of the art.")
            }
        }
    }
}
