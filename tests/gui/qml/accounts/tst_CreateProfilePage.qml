import QtQuick
import QtTest
import Tandem.Core
import Tandem.Accounts

// The first-run page: two passphrases that differ are said to differ, and only matching
// ones enable "Create profile".
TestCase {
    name: "CreateProfilePage"
    when: windowShown
    width: 800; height: 600

    Component {
        id: page
        CreateProfilePage { anchors.fill: parent; core: testCore; accent: "#2c6bed" }
    }

    function test_passphrasesMustMatch() {
        const p = createTemporaryObject(page, this)
        const first = findChild(p, "newPassphrase")
        const second = findChild(p, "repeatPassphrase")
        const create = findChild(p, "createButton")
        const error = findChild(p, "createError")
        verify(!create.enabled)
        first.text = "correct horse battery"
        second.text = "correct horse batterz"
        verify(!create.enabled)
        compare(error.text, "The two passphrases differ.")
        verify(error.text.length > 0)
        second.text = "correct horse battery"
        verify(create.enabled)
        compare(error.text, "")
    }
}
