import QtQuick
import QtTest
import Tandem.Core
import Tandem.Ui
import Tandem.Settings

// Settings: the switches change the profile's settings at once; the theme's choice is the
// Theme's; a wrong current passphrase changes nothing and says so; the right one changes it
// (and the new one then changes it back).
// TestCase is invisible: what is clicked is made on a visible stage.
Item {
    id: root
    width: 1000; height: 900

TestCase {
    name: "SettingsPage"
    when: windowShown
    width: 800; height: 900

    Component {
        id: page
        SettingsPage { anchors.fill: parent; core: testCore; accent: "#2c6bed" }
    }
    Component { id: signalSpy; SignalSpy {} }

    function cleanup() { Theme.choice = "system" }

    function test_switches() {
        const p = createTemporaryObject(page, root)
        const previews = findChild(p, "previewsSwitch")
        const receipts = findChild(p, "readReceiptsSwitch")
        compare(previews.checked, testCore.previews)
        const before = testCore.previews
        mouseClick(previews)
        compare(testCore.previews, !before)
        mouseClick(previews)
        compare(testCore.previews, before)
        const receiptsBefore = testCore.readReceipts
        mouseClick(receipts)
        compare(testCore.readReceipts, !receiptsBefore)
        mouseClick(receipts)
        compare(testCore.readReceipts, receiptsBefore)
    }

    function test_theme() {
        const p = createTemporaryObject(page, root)
        mouseClick(findChild(p, "theme_dark"))
        compare(Theme.choice, "dark")
        verify(Theme.dark)
        mouseClick(findChild(p, "theme_light"))
        compare(Theme.choice, "light")
        verify(!Theme.dark)
    }

    function change(p, current, next) {
        findChild(p, "currentPassphrase").text = current
        findChild(p, "newPassphrase").text = next
        findChild(p, "newPassphraseAgain").text = next
        const button = findChild(p, "changePassphraseButton")
        verify(button.enabled)
        mouseClick(button)
        const result = findChild(p, "passphraseResult")
        tryVerify(function() { return result.text.length > 0 }, 20000)
        const said = result.text
        result.text = ""
        return said
    }

    function test_passphrase() {
        const p = createTemporaryObject(page, root)
        // Too short, or twice different: the button stays off.
        findChild(p, "currentPassphrase").text = "a test passphrase"
        findChild(p, "newPassphrase").text = "short"
        findChild(p, "newPassphraseAgain").text = "short"
        verify(!findChild(p, "changePassphraseButton").enabled)
        findChild(p, "newPassphrase").text = "long enough one"
        findChild(p, "newPassphraseAgain").text = "long enough two"
        verify(!findChild(p, "changePassphraseButton").enabled)

        compare(change(p, "not the passphrase", "another passphrase"),
                "That is not this profile's passphrase. Nothing was changed.")
        compare(findChild(p, "newPassphrase").text, "")  // not left in the field
        compare(findChild(p, "newPassphraseAgain").text, "")
        compare(change(p, "a test passphrase", "another passphrase"),
                "Passphrase changed. Use the new one from now on.")
        compare(findChild(p, "currentPassphrase").text, "")  // cleared after a change
        compare(change(p, "a test passphrase", "a third passphrase"),
                "That is not this profile's passphrase. Nothing was changed.")
        compare(change(p, "another passphrase", "a test passphrase"),
                "Passphrase changed. Use the new one from now on.")
    }

    function test_profileFolder() {
        const p = createTemporaryObject(page, root)
        compare(findChild(p, "profileFolder").text, testCore.profileDir)
    }
}
}
