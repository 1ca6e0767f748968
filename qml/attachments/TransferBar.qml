import QtQuick

// A transfer's progress: a thin track, filled as far as `value` (0…1).
Rectangle {
    id: bar
    property real value: 0
    property color fillColor: "white"
    implicitHeight: 4
    radius: height / 2
    Rectangle {
        width: Math.max(bar.height, bar.width * Math.min(1, Math.max(0, bar.value)))
        height: bar.height
        radius: bar.radius
        color: bar.fillColor
        Behavior on width { NumberAnimation { duration: 90 } }
    }
}
