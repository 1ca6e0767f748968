import QtQuick
import QtTest
import Tandem.Ui

// The shared look: the theme's choice moves every colour and is remembered; an avatar's
// colour depends only on the id (the same on every start); initials come from a name's
// words, "#" for numbers and ids; the unread badge hides at zero and caps at 99+. The file
// chooser opens (Qt Quick's dialog, or the widgets' where that one cannot load) and closes.
// TestCase is invisible: what is clicked is made on a visible stage.
Item {
    id: root
    width: 1000; height: 900

TestCase {
    name: "Ui"
    when: windowShown
    width: 400; height: 300

    Component { id: avatar; Avatar {} }
    Component { id: badge; UnreadBadge { accent: "#2c6bed" } }
    Component { id: chooser; FileChooser { title: "Choose" } }
    Component { id: logo; Logo {} }

    function cleanup() { Theme.choice = "system" }

    // The logo the start pages show, drawn from its SVG: 72 px by default, with the blue of
    // its front bubble in it, and its corners left clear.
    function test_logoDraws() {
        const l = createTemporaryObject(logo, root)
        compare(l.implicitWidth, 72)
        compare(l.implicitHeight, 72)
        l.width = 72
        l.height = 72
        waitForRendering(l)
        const image = grabImage(l)
        let blue = 0
        for (let y = 0; y < 72; y += 4) {
            for (let x = 0; x < 72; x += 4) {
                const c = image.pixel(x, y)
                if (c.b > c.r + 0.3 && c.a > 0.9)
                    ++blue
            }
        }
        verify(blue > 20, "blue pixels: " + blue)
        const corner = image.pixel(71, 0)
        verify(!(corner.b > corner.r + 0.3 && corner.a > 0.9))
    }

    // Qt Quick's dialog (the app has no widget one): opened and closed it rejects; accepted,
    // the file chosen comes as selectedFile(s).
    function test_fileChooserOpensAndCloses() {
        const c = createTemporaryObject(chooser, root)
        const rejected = createTemporaryObject(spy, root, { target: c, signalName: "rejected" })
        c.open()
        compare(c.unavailable, "")
        tryVerify(function() { return c.opened }, 3000)
        c.dialog.reject()
        tryVerify(function() { return !c.opened }, 3000)
        compare(rejected.count, 1)
        const accepted = createTemporaryObject(spy, root, { target: c, signalName: "accepted" })
        c.selectedFile = Qt.resolvedUrl("tst_Ui.qml")
        c.open()
        tryVerify(function() { return c.opened }, 3000)
        c.dialog.accept()
        tryVerify(function() { return accepted.count === 1 }, 3000)
        compare(String(c.selectedFile), String(Qt.resolvedUrl("tst_Ui.qml")))
        compare(c.selectedFiles.length, 1)
        compare(String(c.selectedFiles[0]), String(Qt.resolvedUrl("tst_Ui.qml")))
        tryVerify(function() { return !c.opened }, 3000)
    }
    Component { id: spy; SignalSpy {} }

    function test_themeChoice() {
        Theme.choice = "dark"
        verify(Theme.dark)
        const darkWindow = Theme.window
        const darkText = Theme.text
        verify(darkWindow.hslLightness < 0.3)
        verify(darkText.hslLightness > 0.7)
        Theme.choice = "light"
        verify(!Theme.dark)
        verify(Theme.window.hslLightness > 0.9)
        verify(Theme.text.hslLightness < 0.3)
        verify(!Qt.colorEqual(Theme.incomingBubble, darkWindow))
        Theme.choice = "nonsense"  // anything else is the system's
        compare(Theme.choice, "system")
    }

    function test_avatarColourIsTheId() {
        const a = Theme.avatarColor("+4915100000001")
        verify(Qt.colorEqual(a, Theme.avatarColor("+4915100000001")))
        // A dozen colours: of twenty ids, several differ.
        const seen = {}
        for (let i = 0; i < 20; ++i) seen[Theme.avatarColor("+49151000000" + (10 + i))] = true
        verify(Object.keys(seen).length >= 5, Object.keys(seen).length)
        // Deep enough for white initials.
        verify(a.hslLightness < 0.6)
    }

    function test_initials() {
        compare(Theme.initials("Ada Lovelace"), "AL")
        compare(Theme.initials("ada"), "A")
        compare(Theme.initials("Jean Paul Sartre"), "JP")
        compare(Theme.initials("+4915100000001"), "#")
        compare(Theme.initials("05" + "ab".repeat(32)), "#")
        compare(Theme.initials("张伟"), "张")
        compare(Theme.initials(""), "#")
        compare(Theme.initials("<b>Eve</b>"), "#")  // a name is text, not markup
    }

    function test_avatarShowsInitials() {
        const a = createTemporaryObject(avatar, root, { name: "Grace Hopper", key: "+1", size: 48 })
        waitForRendering(a)
        compare(a.width, 48)
        verify(Qt.colorEqual(a.color, Theme.avatarColor("+1")))
    }

    function test_unreadBadge() {
        const b = createTemporaryObject(badge, root, { count: 0 })
        verify(!b.visible)
        b.count = 3
        verify(b.visible)
        b.count = 150
        compare(b.children[0].text, "99+")
    }
}
}
