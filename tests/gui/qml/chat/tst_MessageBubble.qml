import QtQuick
import QtTest
import Tandem.Chat

// A bubble in a group: only the newest of a run shows its time and ticks; a failed one always
// says so, and a tap asks for it to be sent again; the text is shown as typed, never as markup.
// TestCase is invisible: what is clicked is made on a visible stage.
Item {
    id: root
    width: 1000; height: 900

TestCase {
    name: "MessageBubble"
    when: windowShown
    width: 500; height: 300

    Component {
        id: bubble
        MessageBubble {
            index: 0
            messageId: 7
            body: "<b>hello</b>"
            outgoing: true
            status: "sent"
            timeText: "12:00"
            dayLabel: "Today"
            firstOfDay: false
            joinsOlder: false
            joinsNewer: false
            notice: false
            expiresAt: 0
            expireTimer: 0
            sticker: false
            stickerPack: ""
            stickerId: 0
            accent: "#2c6bed"
            width: 500
        }
    }
    Component { id: signalSpy; SignalSpy {} }

    function test_metaOnlyOnTheNewestOfAGroup() {
        const b = createTemporaryObject(bubble, root)
        verify(b.showsMeta)
        b.joinsNewer = true
        verify(!b.showsMeta)
        b.status = "failed"
        verify(b.showsMeta)
    }

    function test_failedRetriesOnTap() {
        const b = createTemporaryObject(bubble, root, { status: "failed" })
        const spy = createTemporaryObject(signalSpy, root, { target: b, signalName: "retryRequested" })
        waitForRendering(b)
        const shape = findChild(b, "bubble")
        mouseClick(shape, 5, 5)
        compare(spy.count, 1)
        compare(spy.signalArguments[0][0], 7)
    }

    // A disappearing message shows what is left of its time, counting down; one that waits to
    // be read shows only that it will disappear.
    function test_countdown() {
        const b = createTemporaryObject(bubble, root, { expireTimer: 30, expiresAt: Date.now() + 30000 })
        verify(b.showsMeta)
        compare(b.timeLeft, "◔ 30s")
        tryVerify(function() { return b.timeLeft === "◔ 28s" || b.timeLeft === "◔ 27s" }, 4000)
        b.expiresAt = Date.now() + 2 * 3600 * 1000
        b.now = Date.now()
        compare(b.timeLeft, "◔ 2h")
        b.expiresAt = 0
        compare(b.timeLeft, "◔")
        b.expireTimer = 0
        compare(b.timeLeft, "")
    }

    // A setting line is a centred notice, not a bubble.
    function test_notice() {
        const b = createTemporaryObject(bubble, root,
                                        { notice: true, outgoing: false, body: "Alice set disappearing messages to 1 hour" })
        waitForRendering(b)
        const line = findChild(b, "notice")
        verify(line.visible)
        compare(line.text, "◔ Alice set disappearing messages to 1 hour")
        verify(!findChild(b, "bubble").visible)
    }

    function test_textIsPlain() {
        const b = createTemporaryObject(bubble, root)
        waitForRendering(b)
        const shape = findChild(b, "bubble")
        // Drawn as typed: the tags are there in the text, not turned into bold.
        compare(shape.Accessible.name, "You: <b>hello</b>")
    }
}
}
