import QtQuick
import QtQuick.Controls

// A tool tip for text that is data (an address, a name, anything a person wrote): the style's
// tool tip draws its text as AutoText, which renders whatever looks like HTML — styles, and
// images fetched from the network. This one draws plain text.
ToolTip {
    id: tip
    contentItem: Text {
        textFormat: Text.PlainText
        text: tip.text
        font: tip.font
        wrapMode: Text.Wrap
        color: tip.palette.toolTipText
    }
}
