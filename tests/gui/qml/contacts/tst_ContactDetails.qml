import QtQuick
import QtTest
import Tandem.Core
import Tandem.Contacts

// Contact details with nothing to show yet: no safety number is made up, verifying is not
// offered, and no warning is raised.
// TestCase is invisible: what is clicked is made on a visible stage.
Item {
    id: root
    width: 1000; height: 900

TestCase {
    name: "ContactDetails"
    when: windowShown
    width: 600; height: 600

    Component { id: card; ContactCard { feed: testCore.feed } }
    Component {
        id: popup
        ContactDetailsPopup { accent: "#2c6bed" }
    }
    Component { id: banner; IdentityBanner {} }

    function test_nothingKnownYet() {
        const c = createTemporaryObject(card, root, { conversationId: 0 })
        verify(!c.loaded)
        compare(c.safetyNumber, "")
        const p = createTemporaryObject(popup, root, { card: c })
        p.open()
        tryVerify(function() { return p.opened }, 5000)
        compare(findChild(p.contentItem, "safetyNumber").text,
                "Not known yet: it appears once you have exchanged messages.")
        verify(!findChild(p.contentItem, "verifyButton").enabled)
        const b = createTemporaryObject(banner, root, { card: c })
        verify(!b.visible)
        p.close()
    }

    function test_aConversationWithoutContact() {
        // Note to Self has no contact: the card stays empty rather than showing someone.
        const spy = createTemporaryObject(signalSpy, root, { target: testCore, signalName: "noteToSelfOpened" })
        testCore.openNoteToSelf()
        tryVerify(function() { return spy.count === 1 }, 10000)
        const c = createTemporaryObject(card, root, { conversationId: spy.signalArguments[0][0] })
        tryVerify(function() { return c.loaded }, 5000)  // read, and nobody in it
        compare(c.contactId, 0)
        compare(c.title, "")
        compare(c.safetyNumber, "")
        compare(c.qr, "")
    }
    Component { id: signalSpy; SignalSpy {} }
}
}
