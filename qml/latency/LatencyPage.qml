import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Tandem.Core
import Tandem.Ui
import Tandem.Latency

// "Compare latency" (docs/latency.md): both transports' delivery latency from the samples in
// the profile — messages as they are delivered, and probe runs from "Run comparison" — as
// CDFs and over time, with p50/p90/p99, counts and losses; the chart exports as PNG and the
// samples as CSV.
Page {
    id: page
    required property AppCore core
    signal closeRequested()

    readonly property color signalColor: "#2c6bed"
    readonly property color sessionColor: "#00a36c"
    readonly property bool dark: palette.window.hslLightness < 0.5
    // The charts in the page's light or dark.
    // Qt Charts' light and dark themes' colours, as the page showed them before.
    readonly property color chartBackground: dark ? "#2e303a" : "#ffffff"
    readonly property color chartBackgroundEnd: dark ? "#121218" : "transparent"
    readonly property color chartText: dark ? "#ffffff" : "#404044"
    readonly property color chartGrid: dark ? "#86878c" : "#e0e0e0"
    readonly property color chartAxis: dark ? "#86878c" : "#8c8c8c"
    property string status: ""
    property alias dashboard: dash

    // The milliseconds axes end on a round tick, 1, 2 or 5 × 10^k apart, about five of them
    // (a fixed tick count put ticks at 2.5 and labelled them "2").
    function niceStep(top) {
        var raw = Math.max(top, 1e-6) / 5
        var power = Math.pow(10, Math.floor(Math.log(raw) / Math.LN10))
        var m = raw / power
        return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * power
    }
    readonly property real msStep: niceStep(Math.max(1, dash.maxMs * 1.05))
    readonly property real msAxisMax: Math.ceil(Math.max(1, dash.maxMs * 1.05) / msStep) * msStep
    readonly property int msDecimals: msStep >= 1 ? 0 : msStep >= 0.1 ? 1 : 2
    // The time axis spans whole seconds, a multiple of its three intervals, so no two ticks
    // show the same second.
    readonly property real timeAxisMin: Math.floor(dash.firstAt.getTime() / 1000) * 1000 - 1000
    readonly property real timeAxisMax: timeAxisMin + 3000 * Math.max(1, Math.ceil(
        (dash.lastAt.getTime() + 1000 - timeAxisMin) / 3000))
    function colorOf(transport) { return transport === "signal" ? signalColor : sessionColor }
    function nameOf(transport) { return transport === "signal" ? qsTr("Signal (relay)") : qsTr("Session (onion)") }
    // null: the rank falls on a lost probe (a one-way time may be negative: two clocks).
    // Numbers in the language's own way (Qt.locale() follows the language chosen).
    function ms(v) {
        return v === null || v === undefined ? qsTr("lost")
                                             : Number(v).toLocaleString(Qt.locale(), 'f', Math.abs(v) < 10 ? 2 : 1)
    }
    function count(n) { return Number(n).toLocaleString(Qt.locale(), 'f', 0) }
    // The summary table's cells, row by row (7 columns).
    function summaryCells(summaries) {
        var cells = []
        for (var i = 0; i < summaries.length; ++i) {
            var s = summaries[i]
            cells.push({ text: nameOf(s.transport), color: colorOf(s.transport) })
            var values = [count(s.count), count(s.lost), ms(s.p50), ms(s.p90), ms(s.p99),
                          s.max === null || s.max === undefined ? "–" : ms(s.max)]
            for (var j = 0; j < values.length; ++j)
                cells.push({ text: String(values[j]) })
        }
        return cells
    }

    function refresh() {
        cdfChart.setSeries(0, qsTr("Signal"), signalColor, dash.cdfPoints("signal"))
        cdfChart.setSeries(1, qsTr("Session"), sessionColor, dash.cdfPoints("session"))
        timeChart.setSeries(0, qsTr("Signal"), signalColor, dash.timelinePoints("signal"))
        timeChart.setSeries(1, qsTr("Session"), sessionColor, dash.timelinePoints("session"))
    }
    // The two charts as one PNG image at `path` (a local file path).
    function exportPng(path) {
        return charts.grabToImage(function(result) {
            page.status = result.saveToFile(path) ? qsTr("Chart saved to %1").arg(path)
                                                  : qsTr("Cannot write %1").arg(path)
        })
    }
    function localPath(url) {
        var s = url.toString()
        return s.startsWith("file://") ? decodeURIComponent(s.substring(7)) : s
    }

    LatencyDashboard {
        id: dash
        objectName: "latencyDashboard"
        feed: page.core.feed
        onSamplesChanged: page.refresh()
    }
    Component.onCompleted: refresh()

    Connections {
        target: page.core
        function onProbeProgress(done, total) {
            progress.to = total
            progress.value = done
            page.status = qsTr("%1 of %2 probes").arg(done).arg(total)
        }
        function onProbeFinished(ok, message) {
            page.status = ok ? qsTr("Comparison done: %1").arg(message)
                             : qsTr("The comparison stopped: %1").arg(message)
        }
    }

    Shortcut { sequence: "Escape"; onActivated: page.closeRequested() }

    header: ToolBar {
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 10
            anchors.rightMargin: 10
            spacing: 10
            Label {
                textFormat: Text.PlainText
                text: qsTr("Compare latency")
                font.bold: true
                font.pixelSize: 16
            }
            ComboBox {
                id: sourceBox
                objectName: "sourceBox"
                Accessible.name: qsTr("Samples shown")
                model: [qsTr("Probes"), qsTr("Messages"), qsTr("Probes and messages")]
                currentIndex: dash.source === "messages" ? 1 : dash.source === "all" ? 2 : 0
                onActivated: index => dash.source = ["probes", "messages", "all"][index]
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Probes measure the transports alone; a message's round trip also holds the outbox and whether the recipient was online.")
            }
            ComboBox {
                id: metricBox
                objectName: "metricBox"
                Accessible.name: qsTr("Latency shown")
                model: [qsTr("Round trip"), qsTr("One way")]
                currentIndex: dash.metric === "oneWay" ? 1 : 0
                onActivated: index => dash.metric = index === 1 ? "oneWay" : "roundTrip"
            }
            Item { Layout.fillWidth: true }
            Label { textFormat: Text.PlainText; text: qsTr("Probes") }
            SpinBox {
                id: probeCount
                objectName: "probeCount"
                Accessible.name: qsTr("Probes per transport")
                from: 1; to: 1000; value: 50
                editable: true
            }
            Button {
                objectName: "runComparisonButton"
                text: page.core.probing ? qsTr("Running…") : qsTr("Run comparison")
                enabled: !page.core.probing && page.core.status.connected
                highlighted: true
                Accessible.name: qsTr("Run comparison")
                onClicked: {
                    progress.value = 0
                    dash.source = "probes"
                    // 100 ms between rounds at most: a round also waits until the network
                    // took the one before (the core paces it).
                    if (!page.core.runProbes(probeCount.value, 0, 100))
                        page.status = qsTr("Not connected, or a comparison is already running.")
                }
            }
            Button {
                objectName: "exportPngButton"
                text: qsTr("Export PNG…")
                onClicked: { saveDialog.png = true; saveDialog.open() }
            }
            Button {
                objectName: "exportCsvButton"
                text: qsTr("Export CSV…")
                enabled: dash.sampleCount > 0
                onClicked: { saveDialog.png = false; saveDialog.open() }
            }
            ToolButton {
                objectName: "closeLatencyButton"
                text: "✕"
                Accessible.name: qsTr("Close")
                onClicked: page.closeRequested()
            }
        }
    }

    FileChooser {
        id: saveDialog
        property bool png: true
        fileMode: FileDialog.SaveFile
        nameFilters: png ? [qsTr("PNG images (*.png)")] : [qsTr("CSV files (*.csv)")]
        defaultSuffix: png ? "png" : "csv"
        onAccepted: {
            if (png) {
                page.exportPng(page.localPath(selectedFile))
            } else {
                const error = dash.exportCsv(selectedFile)
                page.status = error.length > 0 ? error
                                               : qsTr("Samples saved to %1").arg(page.localPath(selectedFile))
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 10
        spacing: 8

        RowLayout {
            Layout.fillWidth: true
            spacing: 12
            ProgressBar {
                id: progress
                objectName: "probeProgress"
                Layout.preferredWidth: 200
                visible: page.core.probing || value > 0
                from: 0; to: 1; value: 0
            }
            Label {
                objectName: "latencyStatus"
                textFormat: Text.PlainText
                text: page.status
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
        }

        // p50/p90/p99 per transport: the same figures as `tandemctl latency`.
        GridLayout {
            objectName: "latencySummary"
            columns: 7
            columnSpacing: 16
            rowSpacing: 2
            Repeater {
                model: [qsTr("Transport"), qsTr("Samples"), qsTr("Lost"), qsTr("p50 ms"),
                        qsTr("p90 ms"), qsTr("p99 ms"), qsTr("max ms")]
                Label {
                    textFormat: Text.PlainText
                    required property var modelData
                    text: modelData
                    font.bold: true
                }
            }
            Repeater {
                model: page.summaryCells(dash.summaries)
                Label {
                    textFormat: Text.PlainText
                    required property var modelData
                    text: modelData.text
                    color: modelData.color ? modelData.color : palette.windowText
                    font.bold: !!modelData.color
                }
            }
        }
        Label {
            objectName: "latencyEmpty"
            textFormat: Text.PlainText
            visible: dash.sampleCount === 0
            text: dash.source === "messages" ? qsTr("No message has been delivered yet.")
                                             : qsTr("No probes yet: press Run comparison, or show Messages.")
            opacity: 0.7
        }

        Item {
            id: charts
            objectName: "latencyCharts"
            Layout.fillWidth: true
            Layout.fillHeight: true
            RowLayout {
                anchors.fill: parent
                spacing: 0
                LatencyChart {
                    id: cdfChart
                    objectName: "cdfChart"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    title: qsTr("Delivered within (CDF)")
                    background: page.chartBackground
                    backgroundEnd: page.chartBackgroundEnd
                    axis: page.chartAxis
                    foreground: page.chartText
                    grid: page.chartGrid
                    xTitle: qsTr("milliseconds")
                    xMin: 0
                    xMax: page.msAxisMax
                    xStep: page.msStep
                    xDecimals: page.msDecimals
                    yTitle: qsTr("fraction delivered")
                    yMin: 0; yMax: 1; yStep: 0.25
                    yDecimals: 2
                }
                LatencyChart {
                    id: timeChart
                    objectName: "timeChart"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    title: qsTr("Over time")
                    points: true
                    background: page.chartBackground
                    backgroundEnd: page.chartBackgroundEnd
                    axis: page.chartAxis
                    foreground: page.chartText
                    grid: page.chartGrid
                    // A second either side, so a single sample is not a zero-length axis;
                    // four ticks.
                    xTime: true
                    xMin: page.timeAxisMin
                    xMax: page.timeAxisMax
                    xStep: (page.timeAxisMax - page.timeAxisMin) / 3
                    // The language's clock (24-hour or AM/PM), with seconds.
                    timeFormat: Qt.locale().timeFormat(Locale.ShortFormat).replace(/mm(?!:ss)/, "mm:ss")
                    yTitle: qsTr("milliseconds")
                    yMin: 0
                    yMax: page.msAxisMax
                    yStep: page.msStep
                    yDecimals: page.msDecimals
                }
            }
        }
    }
}
