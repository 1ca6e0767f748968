import QtQuick
import QtTest
import Tandem.Chat

// A bubble in a group: only the newest of a run shows its time and ticks; a failed one always
// says so, and a tap asks for it to be sent again; the text is shown as typed, never as markup.
// A file: an image fitted in 320 px, a card for anything else, the transfer's bar and words,
// Retry (ours: the message again; theirs: the download), Save, the caption under it as typed.
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
            attachment: null
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

    function file(fields) {
        const base = { fileName: "holiday.jpg", mimeType: "image/jpeg", size: 3 * 1024 * 1024,
                       width: 900, height: 700, image: true, thumbnail: true, state: "downloading",
                       transferred: 1024 * 1024, error: "", complete: false, token: "00ff" }
        for (const k in fields)
            base[k] = fields[k]
        return base
    }

    function test_imageDownloading() {
        const b = createTemporaryObject(bubble, root, { outgoing: false, body: "", attachment: file({}) })
        waitForRendering(b)
        const view = findChild(b, "attachmentView")
        verify(view.visible)
        const image = findChild(b, "attachmentImage")
        compare(image.width, 320)
        compare(image.height, 249)
        compare(image.source.toString(), "")  // not complete: only the thumbnail
        compare(findChild(b, "attachmentThumb").source.toString(), "image://attachment/thumb/7/00ff")
        verify(findChild(b, "transferBar").visible)
        compare(findChild(b, "transferText").text, "Downloading 1.0 of 3.0 MB")
        verify(!findChild(b, "caption").visible)  // no caption: no text under it
        b.attachment = file({ state: "downloaded", transferred: 3 * 1024 * 1024, complete: true })
        compare(image.source.toString(), "image://attachment/full/7/00ff")
        verify(!findChild(b, "transferBar").visible)
    }

    // A small image is not blown up; a tall one is fitted by its height.
    function test_imageSizes() {
        const b = createTemporaryObject(bubble, root, { attachment: file({ width: 120, height: 90, state: "uploaded", complete: true }) })
        const image = findChild(b, "attachmentImage")
        compare(image.width, 120)
        compare(image.height, 90)
        b.attachment = file({ width: 400, height: 600 })
        compare(image.width, 213)
        compare(image.height, 320)
    }

    function test_fileCard() {
        const b = createTemporaryObject(bubble, root, {
            outgoing: false, body: "<i>the numbers</i>",
            attachment: file({ fileName: "quarterly report (final) with a long name.pdf", mimeType: "application/pdf",
                               width: 0, height: 0, image: false, thumbnail: false,
                               state: "downloaded", transferred: 3 * 1024 * 1024, complete: true }) })
        const spy = createTemporaryObject(signalSpy, root, { target: b, signalName: "attachmentRequested" })
        waitForRendering(b)
        verify(findChild(b, "fileCard").visible)
        const name = findChild(b, "fileName")
        compare(name.text, "quarterly report (final) with a long name.pdf")
        compare(name.elide, Text.ElideMiddle)
        compare(findChild(b, "transferText").text, "3.0 MB")
        const caption = findChild(b, "caption")
        verify(caption.visible)
        compare(caption.text, "<i>the numbers</i>")
        compare(caption.textFormat, TextEdit.PlainText)
        const save = findChild(b, "saveButton")
        verify(save.visible)
        mouseClick(save)
        compare(spy.count, 1)
        compare(spy.signalArguments[0][0], "save")
        compare(spy.signalArguments[0][1], 7)
    }

    function test_uploadingShowsTheBar() {
        const b = createTemporaryObject(bubble, root, {
            attachment: file({ image: false, width: 0, height: 0, fileName: "a.zip", state: "uploading",
                               transferred: 12 * 1024 * 1024 + 300 * 1024, size: 50 * 1024 * 1024, complete: true }) })
        waitForRendering(b)
        verify(findChild(b, "transferBar").visible)
        compare(findChild(b, "transferText").text, "Uploading 12.3 of 50.0 MB")
    }

    // A failed transfer says why; Retry downloads theirs again, and sends mine again.
    function test_failedTransferRetries() {
        const theirs = createTemporaryObject(bubble, root, {
            outgoing: false, attachment: file({ image: false, width: 0, height: 0, fileName: "a.zip",
                                                state: "failed", error: "the file is gone from the relay" }) })
        const asked = createTemporaryObject(signalSpy, root, { target: theirs, signalName: "attachmentRequested" })
        waitForRendering(theirs)
        compare(findChild(theirs, "transferError").text, "⚠ the file is gone from the relay")
        mouseClick(findChild(theirs, "retryButton"))
        compare(asked.count, 1)
        compare(asked.signalArguments[0][0], "download")

        const mine = createTemporaryObject(bubble, root, {
            status: "failed", attachment: file({ state: "failed", error: "no connection", complete: true }) })
        const retried = createTemporaryObject(signalSpy, root, { target: mine, signalName: "retryRequested" })
        waitForRendering(mine)
        mouseClick(findChild(mine, "retryButton"))
        compare(retried.count, 1)
        compare(retried.signalArguments[0][0], 7)
    }

    // The text is a Text; while the pointer is on it a selectable copy lies over it, wrapped
    // the same (a copy that wrapped otherwise would make the text jump), and goes with the
    // pointer.
    function test_selectableCopyWrapsAsTheText() {
        const bodies = ["short", "a message long enough to wrap onto several lines in a bubble: "
                        + "the quick brown fox jumps over the lazy dog, again and again and again"]
        for (let i = 0; i < bodies.length; ++i) {
            const b = createTemporaryObject(bubble, root, { body: bodies[i], outgoing: i === 0 })
            waitForRendering(b)
            const caption = findChild(b, "caption")
            compare(findChild(b, "selectableCaption"), null)
            mouseMove(caption, 3, 3)
            tryVerify(function() { return findChild(b, "selectableCaption") !== null })
            const copy = findChild(b, "selectableCaption")
            compare(copy.text, caption.text)
            compare(copy.lineCount, caption.lineCount)
            compare(copy.width, caption.width)
            compare(copy.height, caption.height)
            verify(i === 0 ? caption.lineCount === 1 : caption.lineCount > 1)
            mouseMove(root, 990, 890)
            tryVerify(function() { return findChild(b, "selectableCaption") === null })
        }
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
