import QtQuick
import QtTest
import Tandem.Core
import Tandem.Accounts

// Session-mode set-up: a new identity shows a Session ID and 13 words; "I wrote it down"
// asks for three of them; a wrong one is refused with its position.
TestCase {
    name: "AccountSetup"
    when: windowShown
    width: 900; height: 700

    Component {
        id: setup
        AccountSetup { anchors.fill: parent; core: testCore; accent: "#00a870" }
    }

    function test_sessionPhraseIsConfirmed() {
        testCore.mode = "session"
        const s = createTemporaryObject(setup, this)
        waitForRendering(s)
        findChild(s, "setupNetwork").text = "/nonexistent/network.json"
        findChild(s, "setupCreateSession").clicked()
        verify(findChild(s, "setupSessionId").text.startsWith("05"))
        compare(findChild(s, "setupSessionId").text.length, 66)
        compare(s.identity.words.length, 13)
        waitForRendering(s)
        findChild(s, "setupWroteItDown").clicked()
        compare(s.sessionStep, 2)
        waitForRendering(s)
        const asked = testCore.setup.confirmationPositions()
        compare(asked.length, 3)
        for (let i = 0; i < 3; ++i)
            findChild(s, "setupWord" + i).text = i === 0 ? "wrong" : s.identity.words[asked[i]]
        findChild(s, "setupConfirmWords").clicked()
        tryVerify(() => findChild(s, "setupProblem").text.indexOf("" + (asked[0] + 1)) >= 0)
        verify(!testCore.hasSession)
        // Right words, but a network file that does not exist: said, nothing stored.
        findChild(s, "setupWord0").text = s.identity.words[asked[0]]
        findChild(s, "setupConfirmWords").clicked()
        tryVerify(() => findChild(s, "setupProblem").text.length > 0
                        && findChild(s, "setupProblem").text.indexOf("Word") < 0)
        verify(!testCore.hasSession)
    }
}
