import QtQuick
import QtTest
import Tandem.Latency

// LatencyChart on its own (the page's charts, drawn in Qt Quick): the points it keeps, what it
// refuses, and what it draws — the series' colour inside the plot, the dark card — and a time
// axis without samples.
Item {
    id: root
    width: 600; height: 400

TestCase {
    name: "LatencyChart"
    when: windowShown
    width: 600; height: 400

    Component {
        id: chart
        LatencyChart {
            width: 400; height: 300
            title: "CDF"
            xTitle: "milliseconds"; yTitle: "fraction"
            xMin: 0; xMax: 10; xStep: 2
            yMin: 0; yMax: 1; yStep: 0.25
        }
    }

    // How many pixels of the grab are close to `c` (within 0.1 on each channel).
    function countColour(image, c, x0, y0, x1, y1) {
        let n = 0
        for (let y = y0; y < y1; y += 2) {
            for (let x = x0; x < x1; x += 2) {
                const p = image.pixel(x, y)
                if (Math.abs(p.r - c.r) < 0.1 && Math.abs(p.g - c.g) < 0.1 && Math.abs(p.b - c.b) < 0.1)
                    ++n
            }
        }
        return n
    }

    function test_pointsKeptAndRefused() {
        const c = createTemporaryObject(chart, root)
        compare(c.pointCount, 0)
        c.setSeries(0, "Signal", "#2c6bed", [Qt.point(0, 0), Qt.point(5, 0.5), Qt.point(10, 1)])
        compare(c.pointCount, 3)
        // Not finite: left out.
        c.setSeries(1, "Session", "#00a36c", [Qt.point(1, NaN), Qt.point(Infinity, 1), Qt.point(2, 0.2)])
        compare(c.pointCount, 4)
        c.setSeries(1, "Session", "#00a36c", [])
        compare(c.pointCount, 3)
        ignoreWarning("LatencyChart: series 4 is not one of the 4")
        c.setSeries(4, "too many", "red", [Qt.point(1, 1)])
        compare(c.pointCount, 3)
    }

    function test_drawsTheSeriesInThePlot() {
        const c = createTemporaryObject(chart, root)
        const blue = Qt.color("#2c6bed")
        waitForRendering(c)
        let image = grabImage(c)
        compare(countColour(image, blue, 60, 30, 390, 240), 0)
        // A thick diagonal: the line crosses the plot.
        c.setSeries(0, "Signal", blue, [Qt.point(0, 0), Qt.point(10, 1)])
        waitForRendering(c)
        image = grabImage(c)
        verify(countColour(image, blue, 60, 30, 390, 240) > 20)
    }

    function test_darkCard() {
        const c = createTemporaryObject(chart, root, { background: "#2e303a", backgroundEnd: "#121218",
                                                       foreground: "#ffffff", grid: "#86878c" })
        waitForRendering(c)
        const image = grabImage(c)
        const p = image.pixel(20, 150)  // inside the card, left of the plot
        verify(p.r < 0.25 && p.g < 0.25 && p.b < 0.3, "not dark: " + p)
        const corner = image.pixel(2, 2)  // outside the card: the (light) window shows through
        verify(corner.r > 0.5, "corner: " + corner)
    }

    function test_timeAxisWithoutSamples() {
        const c = createTemporaryObject(chart, root, { xTime: true, points: true, xMin: 0, xMax: 0, xStep: 0 })
        waitForRendering(c)
        c.setSeries(0, "Signal", "#2c6bed", [])
        waitForRendering(c)
        compare(c.pointCount, 0)
        c.xMax = 3000; c.xStep = 1000
        c.setSeries(0, "Signal", "#2c6bed", [Qt.point(1500, 0.5)])
        waitForRendering(c)
        compare(c.pointCount, 1)
    }
}
}
