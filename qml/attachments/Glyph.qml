import QtQuick

// A small line icon, drawn (no icon theme is needed): "paperclip" (attach a file) or "save"
// (an arrow into a tray).
Canvas {
    id: glyph
    property string kind: "paperclip"
    property color color: "black"
    implicitWidth: 22
    implicitHeight: 22
    onColorChanged: requestPaint()
    onKindChanged: requestPaint()
    onPaint: {
        const ctx = getContext("2d")
        ctx.reset()
        ctx.strokeStyle = color
        ctx.lineWidth = 1.7
        ctx.lineCap = "round"
        ctx.lineJoin = "round"
        const s = Math.min(width, height) / 24
        ctx.translate(width / 2, height / 2)
        ctx.scale(s, s)
        ctx.beginPath()
        if (kind === "paperclip") {
            ctx.rotate(Math.PI / 4)
            ctx.moveTo(-1.5, -3)
            ctx.lineTo(-1.5, 4.5)
            ctx.arc(0, 4.5, 1.5, Math.PI, 0, true)
            ctx.lineTo(1.5, -6)
            ctx.arc(-1, -6, 2.5, 0, Math.PI, true)
            ctx.lineTo(-3.5, 5.5)
            ctx.arc(0.25, 5.5, 3.75, Math.PI, 0, true)
            ctx.lineTo(4, -2.5)
        } else {
            ctx.moveTo(0, -8)
            ctx.lineTo(0, 4)
            ctx.moveTo(-4.5, -0.5)
            ctx.lineTo(0, 4)
            ctx.lineTo(4.5, -0.5)
            ctx.moveTo(-8, 4)
            ctx.lineTo(-8, 8)
            ctx.lineTo(8, 8)
            ctx.lineTo(8, 4)
        }
        ctx.stroke()
    }
}
