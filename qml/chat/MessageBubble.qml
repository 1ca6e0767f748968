import QtQuick
import QtQuick.Controls
import Tandem.Core
import Tandem.Ui
import Tandem.Stickers

// One message: a bubble on the right (mine, in the accent colour) or the left (theirs). A run
// of messages on one side minutes apart is one group: tighter spacing, rounder joins, and the
// time and ticks only under the newest. A failed message says so, and a tap sends it again.
// A disappearing message shows what is left of its time; a setting line is a centred notice.
// A sticker is its image, large and without a bubble, the time under it; a tap shows its pack.
// A file sent with the message is shown at the top of its bubble (AttachmentView: the image, or
// a card with the transfer's progress), its caption under it.
Column {
    id: item
    required property int index
    required property var messageId
    required property string body
    required property bool outgoing
    required property string status
    required property string timeText
    required property string dayLabel
    required property bool firstOfDay
    required property bool joinsOlder
    required property bool joinsNewer
    required property bool notice
    required property var expiresAt  // ms since the epoch; 0: not counting down (yet)
    required property int expireTimer
    required property bool sticker
    required property string stickerPack
    required property var stickerId
    required property var attachment  // null, or the file sent with it (MessageListModel)
    property StoreFeed feed
    property color accent
    signal retryRequested(var messageId)
    signal stickerTapped(string packId, var stickerId, string emoji)
    // "view", "open", "save" or "download" (theirs, again) for the message's file.
    signal attachmentRequested(string action, var messageId, var attachment)

    // The newest of a group (or a lone message) shows its time; a failed one always does.
    readonly property bool showsMeta: !joinsNewer || status === "failed" || status === "pending"
                                      || expireTimer > 0
    // What is left of a disappearing message's time, as the bubble shows it.
    property double now: Date.now()
    readonly property string timeLeft: {
        if (expireTimer <= 0)
            return ""
        if (!(expiresAt > 0))
            return "◔"  // counts down once read
        const s = Math.max(0, Math.ceil((expiresAt - now) / 1000))
        if (s < 60) return "◔ " + qsTr("%1s", "seconds left before the message disappears").arg(s)
        if (s < 3600) return "◔ " + qsTr("%1m", "minutes left").arg(Math.ceil(s / 60))
        if (s < 86400) return "◔ " + qsTr("%1h", "hours left").arg(Math.ceil(s / 3600))
        return "◔ " + qsTr("%1d", "days left").arg(Math.ceil(s / 86400))
    }
    Timer {
        running: item.expiresAt > 0 && item.expireTimer > 0
        repeat: true
        interval: 1000
        onTriggered: item.now = Date.now()
    }
    width: ListView.view ? ListView.view.width : implicitWidth
    readonly property bool scrolling: ListView.view ? ListView.view.moving : false
    spacing: 4
    topPadding: joinsOlder && !firstOfDay ? 0 : 6

    // Text, not Label, in a bubble: a chat's first frame makes a dozen bubbles, and a Label (a
    // Control's font and palette) costs more to make (docs/app.md, "Start").
    Text {
        textFormat: Text.PlainText
        visible: item.firstOfDay
        anchors.horizontalCenter: parent.horizontalCenter
        text: item.dayLabel
        font.pixelSize: 11
        color: Theme.muted
        topPadding: 8
        bottomPadding: 4
    }
    // A setting line: made only for a message that is one (most are text), so a bubble makes
    // no more than it shows (docs/app.md, "Start"). A Repeater of one, not a Loader: its row is
    // the column's, as the item would be.
    Repeater {
        model: item.notice ? 1 : 0
        delegate: Label {
            objectName: "notice"
            textFormat: Text.PlainText
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(implicitWidth, item.width - 40)
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
            // Mine and not taken by the network: the peer does not know it yet.
            text: "◔ " + item.body
                  + (item.outgoing && item.status === "failed" ? "  ⚠ " + qsTr("not sent · tap to retry")
                     : item.outgoing && item.status === "pending" ? "  ○" : "")
            font.pixelSize: 12
            color: item.outgoing && item.status === "failed" ? Theme.danger : Theme.muted
            topPadding: 4
            bottomPadding: 4
            Accessible.role: Accessible.StaticText
            Accessible.name: item.body
            TapHandler {
                enabled: item.notice && item.status === "failed"
                onTapped: item.retryRequested(item.messageId)
            }
        }
    }
    readonly property string metaText: (item.timeLeft.length > 0 ? item.timeLeft + "  " : "") + item.timeText
                                       + (item.outgoing ? "  " + ({
                                             "pending": "○", "sent": "✓", "delivered": "✓✓",
                                             "read": "✓✓ " + qsTr("read"),
                                             "failed": "⚠ " + qsTr("not sent · tap to retry")
                                         })[item.status] : "")
    // A sticker: made only for a message that is one (most are text).
    Loader {
        active: item.sticker && !item.notice
        visible: active
        anchors.right: item.outgoing ? parent.right : undefined
        anchors.left: item.outgoing ? undefined : parent.left
        anchors.leftMargin: 12
        anchors.rightMargin: 12
        // Only `bubble` is named in here: the Loader's own `item` would shadow the message's id.
        sourceComponent: Column {
            objectName: "stickerMessage"
            spacing: 2
            StickerView {
                objectName: "stickerImage"
                anchors.right: bubble.message.outgoing ? parent.right : undefined
                width: 160
                height: 160
                feed: bubble.message.feed
                packId: bubble.message.stickerPack
                stickerId: bubble.message.stickerId
                emoji: bubble.message.body
                Accessible.role: Accessible.Graphic
                Accessible.name: (bubble.message.outgoing ? qsTr("You: ") : "") + qsTr("Sticker %1").arg(bubble.message.body)
                TapHandler {
                    onTapped: bubble.message.status === "failed" ? bubble.message.retryRequested(bubble.message.messageId)
                                                       : bubble.message.stickerTapped(bubble.message.stickerPack, bubble.message.stickerId, bubble.message.body)
                }
            }
            Text {
                visible: bubble.message.showsMeta
                textFormat: Text.PlainText
                anchors.right: bubble.message.outgoing ? parent.right : undefined
                font.pixelSize: 10
                color: bubble.message.status === "failed" ? Theme.danger : Theme.muted
                text: bubble.message.metaText
            }
        }
    }
    Item {
        visible: !item.notice && !item.sticker
        width: parent.width
        height: item.notice || item.sticker ? 0 : bubble.height
        Rectangle {
            id: bubble
            objectName: "bubble"
            readonly property real maxWidth: item.width * 0.7
            readonly property real big: 16
            readonly property real small: 5
            anchors.right: item.outgoing ? parent.right : undefined
            anchors.left: item.outgoing ? undefined : parent.left
            anchors.leftMargin: 12
            anchors.rightMargin: 12
            readonly property bool hasFile: !!item.attachment
            readonly property Item message: item
            function fileRequested(action) {
                if (action === "retry" && item.outgoing)
                    item.retryRequested(item.messageId)  // sent again, as a text is
                else
                    item.attachmentRequested(action === "retry" ? "download" : action, item.messageId, item.attachment)
            }
            readonly property real inset: 5  // around a file, inside the rounded corners
            width: hasFile ? Math.max(file.width + 2 * inset, meta.visible ? meta.implicitWidth + 24 : 0)
                           : Math.min(maxWidth, Math.max(bodyText.implicitWidth, meta.visible ? meta.implicitWidth : 0) + 24)
            height: content.y + content.implicitHeight + (bodyText.visible || meta.visible ? 7 : inset)
            radius: big
            color: item.outgoing ? item.accent : Theme.incomingBubble
            Accessible.role: Accessible.StaticText
            Accessible.name: (item.outgoing ? qsTr("You: ") : "") + (hasFile ? file.accessibleName + (item.body.length > 0 ? ": " : "") : "")
                             + item.body
            // Joined corners: the side of the bubble facing the rest of its group is squarer.
            Rectangle {
                visible: item.joinsOlder
                color: bubble.color
                width: bubble.big; height: bubble.big
                radius: bubble.small
                anchors.top: parent.top
                anchors.left: item.outgoing ? undefined : parent.left
                anchors.right: item.outgoing ? parent.right : undefined
            }
            Rectangle {
                visible: item.joinsNewer
                color: bubble.color
                width: bubble.big; height: bubble.big
                radius: bubble.small
                anchors.bottom: parent.bottom
                anchors.left: item.outgoing ? undefined : parent.left
                anchors.right: item.outgoing ? parent.right : undefined
            }
            TapHandler {
                enabled: item.status === "failed" && !bubble.hasFile  // a file has its own taps
                onTapped: item.retryRequested(item.messageId)
            }
            Column {
                id: content
                y: bubble.hasFile ? bubble.inset : 7
                width: bubble.width
                spacing: 2
                // Made only for a message with a file, from its URL: most have none, and the
                // chat neither compiles the view (its menu, its bar) nor builds a hidden one
                // per bubble for its first frame (docs/app.md, "Start"). Given as it is made,
                // then bound, so a transfer's progress still reaches it.
                LoadedWhile {
                    id: file
                    when: bubble.hasFile
                    x: bubble.inset
                    url: "qrc:/Tandem/Attachments/AttachmentView.qml"
                    properties: ({ objectName: "attachmentView",
                                   attachment: bubble.message.attachment,
                                   messageId: bubble.message.messageId })
                    readonly property string accessibleName: file.item ? file.item.Accessible.name : ""
                    // Only `bubble` is named in here: a Loader's own `item` would shadow the
                    // message's id.
                    onLoaded: {
                        const view = file.item
                        view.maxSide = Qt.binding(function() { return Math.min(320, bubble.maxWidth - 2 * bubble.inset) })
                        view.attachment = Qt.binding(function() { return bubble.message.attachment })
                        view.messageId = Qt.binding(function() { return bubble.message.messageId })
                        view.outgoing = Qt.binding(function() { return bubble.message.outgoing })
                        view.accent = Qt.binding(function() { return bubble.message.accent })
                        view.requested.connect(bubble.fileRequested)
                    }
                }
                // The text as a Text (cheap to make and lay out); while the pointer is on it, or
                // a selection made in it stands, a TextEdit over it (the same text, font and
                // wrapping) lets it be selected and copied (docs/app.md, "Start").
                Text {
                    id: bodyText
                    objectName: "caption"
                    visible: !bubble.hasFile || item.body.length > 0
                    x: 12
                    topPadding: bubble.hasFile ? 4 : 0
                    height: visible ? implicitHeight : 0
                    // Wrapped to the bubble, but a short text keeps the bubble short (a caption
                    // is wrapped to its file).
                    width: bubble.hasFile ? bubble.width - 24 : Math.min(bubble.maxWidth - 24, Math.ceil(implicitWidth))
                    text: item.body
                    wrapMode: Text.Wrap
                    textFormat: Text.PlainText
                    readonly property color ink: item.outgoing ? "white" : Theme.text
                    // Under the selectable copy, not drawn twice (the copy is a child: an
                    // opacity would hide it too).
                    color: selectable.item ? "transparent" : ink
                    HoverHandler {
                        id: textHover
                        cursorShape: Qt.IBeamCursor
                    }
                    Loader {
                        id: selectable
                        anchors.fill: parent
                        // Not while the list scrolls under a still pointer.
                        active: (textHover.hovered && !item.scrolling) || selectable.selecting
                        property bool selecting: false
                        sourceComponent: TextEdit {
                            objectName: "selectableCaption"
                            topPadding: bodyText.topPadding
                            text: bodyText.text
                            font: bodyText.font
                            readOnly: true
                            selectByMouse: true
                            wrapMode: TextEdit.Wrap
                            textFormat: TextEdit.PlainText
                            color: bodyText.ink
                            selectionColor: bubble.message.outgoing ? Qt.darker(bubble.message.accent, 1.4) : bubble.message.accent
                            onSelectedTextChanged: selectable.selecting = selectedText.length > 0
                        }
                    }
                }
                Text {
                    id: meta
                    visible: item.showsMeta
                    textFormat: Text.PlainText
                    x: bubble.width - width - 12
                    height: visible ? implicitHeight : 0
                    font.pixelSize: 10
                    color: item.outgoing ? "#e8f0ff" : Theme.muted
                    text: item.metaText
                    Accessible.name: item.outgoing ? item.status : ""
                    TapHandler {
                        enabled: item.status === "failed" && bubble.hasFile
                        onTapped: item.retryRequested(item.messageId)
                    }
                }
            }
        }
    }
}
