// LinkReader: what the views need to know of a tandem:// link someone pasted or opened —
// its kind, what it names, or the sentence saying why it is refused — as QML values. The
// parsing is core::parseLink's; nothing here decides anything.
#pragma once

#include <QObject>
#include <QUrl>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

namespace tandem::gui {

class LinkReader : public QObject {
    Q_OBJECT
    QML_ELEMENT

public:
    explicit LinkReader(QObject* parent = nullptr) : QObject(parent) {}

    // Whether the (trimmed) text is meant as a link, well-formed or not.
    Q_INVOKABLE static bool isLink(const QString& text);
    // { ok, error, kind ("network", "contact", "stickers"); for a contact: mode ("signal",
    // "session"), address, nameHint; for a network: summary, fingerprint }.
    Q_INVOKABLE static QVariantMap read(const QString& text);
    // The account set-up's network field: a network link or a network file's path, read as
    // the set-up will read it. { ok, error, summary, fingerprint, isLink }; an empty field is
    // neither ok nor an error.
    Q_INVOKABLE static QVariantMap checkNetwork(const QString& pathOrLink);
    // The path of a local file's URL (a file dialog's answer); empty for any other URL.
    Q_INVOKABLE static QString localFile(const QUrl& url);
};

}  // namespace tandem::gui
