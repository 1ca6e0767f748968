import QtQuick

// A file, drawn: a page with its corner folded and the file's type on it ("PDF"). Drawn here
// rather than taken from an icon theme, which a desktop may not have.
Canvas {
    id: icon
    property string label
    property color pageColor: "white"
    property color foldColor: Qt.darker(pageColor, 1.25)
    property color labelColor: "#555"
    implicitWidth: 34
    implicitHeight: 42
    onPageColorChanged: requestPaint()
    onFoldColorChanged: requestPaint()
    onPaint: {
        const ctx = getContext("2d")
        const w = width, h = height, f = Math.round(w * 0.32), r = 3
        ctx.reset()
        ctx.fillStyle = pageColor
        ctx.beginPath()
        ctx.moveTo(r, 0)
        ctx.lineTo(w - f, 0)
        ctx.lineTo(w, f)
        ctx.lineTo(w, h - r)
        ctx.arcTo(w, h, w - r, h, r)
        ctx.lineTo(r, h)
        ctx.arcTo(0, h, 0, h - r, r)
        ctx.lineTo(0, r)
        ctx.arcTo(0, 0, r, 0, r)
        ctx.closePath()
        ctx.fill()
        ctx.fillStyle = foldColor
        ctx.beginPath()
        ctx.moveTo(w - f, 0)
        ctx.lineTo(w - f, f)
        ctx.lineTo(w, f)
        ctx.closePath()
        ctx.fill()
    }
    Text {
        textFormat: Text.PlainText
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 6
        text: icon.label
        color: icon.labelColor
        font.pixelSize: icon.label.length > 3 ? 8 : 10
        font.bold: true
    }
}
