import QtQuick

// A part of a page made from its URL while `when` holds, and dropped once it no longer does:
// its QML is compiled the first time it shows, not with the page, whose first frame then
// compiles and makes only what it shows (docs/app.md, "Start"). For what most pages never
// show — a warning, a request's bar; OnDemand is this, made once and kept. `properties`
// are given as it is made (its required properties among them).
Loader {
    id: part
    property bool when: false
    property url url
    property var properties: ({})
    visible: item !== null
    function follow() {
        if (part.when && part.item === null)
            part.setSource(part.url, part.properties)
        else if (!part.when && part.source.toString().length > 0)
            part.source = ""
    }
    onWhenChanged: follow()
    Component.onCompleted: follow()
}
