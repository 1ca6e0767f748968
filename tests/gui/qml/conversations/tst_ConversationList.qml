import QtQuick
import QtTest
import Tandem.Core
import Tandem.Conversations

// The conversation list's field says what is wrong with an address as it is typed and starts
// a new conversation only with a good one; Note to Self appears in the list, and the keyboard
// reaches it: Down from the field into the list, Enter opens.
// TestCase is invisible: what is clicked is made on a visible stage.
Item {
    id: root
    width: 1000; height: 900

TestCase {
    name: "ConversationList"
    when: windowShown
    width: 400; height: 500

    Component {
        id: list
        ConversationList { anchors.fill: parent; core: testCore; accent: "#2c6bed" }
    }
    Component { id: signalSpy; SignalSpy {} }

    function test_newConversationField() {
        const l = createTemporaryObject(list, root)
        const chosen = createTemporaryObject(signalSpy, root, { target: l, signalName: "chosen" })
        const field = findChild(l, "newConversationField")
        const start = findChild(l, "startConversationButton")
        field.text = "0151 not a number"
        verify(field.problem.length > 0)
        verify(!start.enabled)
        field.text = "+4915100000077"
        compare(field.problem, "")
        verify(start.enabled)
        mouseClick(start)
        compare(chosen.count, 1)
        compare(chosen.signalArguments[0][0], -1)  // new: stored when the first text goes
        compare(chosen.signalArguments[0][2], "+4915100000077")
        compare(field.text, "")
    }

    function test_noteToSelfByKeyboard() {
        const l = createTemporaryObject(list, root)
        const chosen = createTemporaryObject(signalSpy, root, { target: l, signalName: "chosen" })
        const view = findChild(l, "conversationList")
        testCore.openNoteToSelf()
        tryVerify(function() { return view.count >= 1 }, 10000)
        findChild(l, "newConversationField").forceActiveFocus()
        keyClick(Qt.Key_Down)
        verify(view.activeFocus)
        compare(view.currentIndex, 0)
        keyClick(Qt.Key_Return)
        compare(chosen.count, 1)
        verify(chosen.signalArguments[0][0] > 0)
        verify(chosen.signalArguments[0][3])  // Note to Self
        keyClick(Qt.Key_Up)  // from the first row back to the field
        verify(findChild(l, "newConversationField").activeFocus)
    }
}
}
