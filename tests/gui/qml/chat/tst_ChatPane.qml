import QtQuick
import QtTest
import Tandem.Core
import Tandem.Chat

// The chat pane's composer: Enter sends (the composer empties), Shift+Enter starts a new
// line, blank text sends nothing; the title shows whom one writes to.
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

    Component { id: signalSpy; SignalSpy {} }
}
