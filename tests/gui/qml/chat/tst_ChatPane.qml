import QtQuick
import QtTest
import Tandem.Core
import Tandem.Chat

// The chat pane's composer: Enter sends (the composer empties), Shift+Enter starts a new
// line, blank text sends nothing; the title shows whom one writes to. Files chosen show as
// chips (×  takes one out); Enter sends them with the text as the caption.
// TestCase is invisible: what is clicked is made on a visible stage.
Item {
    id: root
    width: 800; height: 600

TestCase {
    name: "ChatPane"
    when: windowShown
    width: 800; height: 600

    Component {
        id: pane
        ChatPane {
            anchors.fill: parent
            core: testCore
            accent: "#2c6bed"
            conversationId: -1
            title: "+4915100000002"
            address: "+4915100000002"
        }
    }

    function test_enterSendsShiftEnterBreaksTheLine() {
        const p = createTemporaryObject(pane, this)
        const spy = createTemporaryObject(signalSpy, this, { target: p, signalName: "sent" })
        waitForRendering(p)
        const composer = findChild(p, "composer")
        compare(findChild(p, "chatTitle").text, "+4915100000002")
        composer.forceActiveFocus()
        keyClick(Qt.Key_H)
        keyClick(Qt.Key_I)
        keyClick(Qt.Key_Return, Qt.ShiftModifier)
        keyClick(Qt.Key_Y)
        compare(composer.text, "hi\ny")
        keyClick(Qt.Key_Return)
        compare(composer.text, "")
        compare(spy.count, 1)
        compare(spy.signalArguments[0][0], "+4915100000002")
        // Blank: nothing is sent.
        keyClick(Qt.Key_Space)
        keyClick(Qt.Key_Return)
        compare(spy.count, 1)
    }

    function test_filesAreChipsAndGoWithTheCaption() {
        const p = createTemporaryObject(pane, root)
        const composerPane = findChild(p, "composerPane")
        const spy = createTemporaryObject(signalSpy, root, { target: composerPane, signalName: "filesSubmitted" })
        waitForRendering(p)
        verify(findChild(p, "attachButton").visible)
        // The composer is as tall as what it holds: the field, and the chips when there are.
        const field = findChild(p, "composer")
        const empty = composerPane.height
        verify(empty >= field.height + composerPane.topPadding + composerPane.bottomPadding)
        const here = Qt.resolvedUrl("tst_ChatPane.qml")
        composerPane.addFiles([here, "https://example.org/not-local.png", here])
        compare(composerPane.files.count, 1)  // not local, or there already: left out
        waitForRendering(p)
        verify(composerPane.height > empty + 40)
        const chip = findChild(p, "attachmentChip0")
        verify(chip.visible)
        compare(findChild(chip, "chipName").text, "tst_ChatPane.qml")
        verify(findChild(p, "sendButton").enabled)  // a file alone can be sent
        mouseClick(findChild(chip, "chipRemove"))
        compare(composerPane.files.count, 0)
        verify(!findChild(p, "sendButton").enabled)

        composerPane.addFiles([here])
        const composer = findChild(p, "composer")
        composer.forceActiveFocus()
        keyClick(Qt.Key_O)
        keyClick(Qt.Key_K)
        keyClick(Qt.Key_Return)
        compare(spy.count, 1)
        compare(String(spy.signalArguments[0][0][0]), String(here))
        compare(spy.signalArguments[0][1], "ok")
        compare(composerPane.files.count, 0)
        compare(composer.text, "")
    }

    Component { id: signalSpy; SignalSpy {} }
}
}
