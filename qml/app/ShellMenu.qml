import QtQuick
import QtQuick.Controls
import Tandem.Core

// The header's menu (☰): notification previews, read receipts, Share my ID, Note to Self,
// stickers, settings. Loaded by URL the first time it is opened, with its parent and place
// given (docs/app.md, "Start"); its words keep the header's translation context.
Menu {
    id: shellMenu
    required property AppCore core
    signal shareRequested()
    signal stickersRequested()
    signal settingsRequested()
    // As wide as its longest entry (a translation may be longer), not elided.
    width: {
        let widest = 200
        for (let i = 0; i < count; ++i)
            widest = Math.max(widest, itemAt(i).implicitWidth)
        return widest + leftPadding + rightPadding
    }
    MenuItem {
        objectName: "previewsToggle"
        text: qsTranslate("ShellHeader", "Show message text in notifications")
        checkable: true
        checked: shellMenu.core.previews
        onToggled: shellMenu.core.previews = checked
    }
    MenuItem {
        objectName: "readReceiptsToggle"
        text: qsTranslate("ShellHeader", "Send read receipts")
        checkable: true
        checked: shellMenu.core.readReceipts
        onToggled: shellMenu.core.readReceipts = checked
    }
    MenuItem {
        objectName: "shareIdMenuItem"
        text: qsTranslate("ShellHeader", "Share my ID…")
        onTriggered: shellMenu.shareRequested()
    }
    MenuItem {
        text: qsTranslate("ShellHeader", "Note to Self")
        onTriggered: shellMenu.core.openNoteToSelf()
    }
    MenuItem {
        objectName: "stickersMenuItem"
        text: qsTranslate("ShellHeader", "Stickers…")
        onTriggered: shellMenu.stickersRequested()
    }
    MenuSeparator {}
    MenuItem {
        objectName: "settingsMenuItem"
        text: qsTranslate("ShellHeader", "Settings…")
        onTriggered: shellMenu.settingsRequested()
    }
}
