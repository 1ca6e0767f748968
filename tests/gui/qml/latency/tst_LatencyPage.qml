import QtQuick
import QtTest
import Tandem.Core
import Tandem.Latency

// The latency page of a profile with no connected account: the comparison cannot be run (and
// says nothing false), Esc and the close button ask to close it.
// TestCase is invisible: what is clicked is made on a visible stage.
Item {
    id: root
    width: 1000; height: 900

TestCase {
    name: "LatencyPage"
    when: windowShown
    width: 1000; height: 700

    Component {
        id: page
        LatencyPage { anchors.fill: parent; core: testCore }
    }
    Component { id: signalSpy; SignalSpy {} }

    function test_notConnected() {
        const p = createTemporaryObject(page, root)
        waitForRendering(p)
        verify(!findChild(p, "runComparisonButton").enabled)
        verify(findChild(p, "latencyDashboard") !== null)
    }

    function test_closes() {
        const p = createTemporaryObject(page, root)
        const spy = createTemporaryObject(signalSpy, root, { target: p, signalName: "closeRequested" })
        p.forceActiveFocus()
        keyClick(Qt.Key_Escape)
        compare(spy.count, 1)
        mouseClick(findChild(p, "closeLatencyButton"))
        compare(spy.count, 2)
    }
}
}
