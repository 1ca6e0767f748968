import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tandem.Ui
import Tandem.Contacts

// A contact whose identity key changed: said until the numbers are compared again. One the
// user had verified: nothing is sent to them until the change is accepted.
Pane {
    id: banner
    objectName: "identityBanner"
    required property ContactCard card
    visible: card.identityChanged && card.verification !== "verified"
    padding: 8
    background: Rectangle { color: Theme.warningBackground }
    RowLayout {
        anchors.fill: parent
        spacing: 8
        Label {
            objectName: "identityWarning"
            textFormat: Text.PlainText
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            color: Theme.warningText
            text: (banner.card.verification === "unverified"
                   ? qsTr("Your safety number with %1 changed, and you had verified it. Their device may "
                          + "have been reinstalled, or someone may be intercepting. Your messages to them "
                          + "wait until you accept the new safety number or verify it again.")
                   : qsTr("Your safety number with %1 changed. Their device may have been reinstalled, "
                          + "or someone may be intercepting. Compare it again in the contact details."))
                  .arg(banner.card.title)
        }
        Button {
            objectName: "acceptIdentityButton"
            visible: banner.card.verification === "unverified"
            text: qsTr("Accept")
            Accessible.name: qsTr("Accept the new safety number and send")
            onClicked: banner.card.setVerified(false)
        }
    }
}
