// ShareLinks: "Share my ID" — for each mode this profile has an account in, its contact link
// (core::invitations: the account id in Signal mode, never the phone number) and the link's
// QR code, read on the storage thread whenever the accounts change.
#pragma once

#include <QObject>
#include <QPointer>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

#include "qml/core/AppCore.h"

namespace tandem::gui {

class ShareLinks : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(tandem::gui::AppCore* core READ core WRITE setCore NOTIFY coreChanged)
    // [{ mode: "signal" | "session", modeName, address, link, qr: "data:image/png;base64,…" }]
    Q_PROPERTY(QVariantList links READ links NOTIFY linksChanged)
    Q_PROPERTY(QString error READ error NOTIFY linksChanged)

public:
    explicit ShareLinks(QObject* parent = nullptr) : QObject(parent) {}

    [[nodiscard]] AppCore* core() const { return core_; }
    void setCore(AppCore* core);
    [[nodiscard]] QVariantList links() const { return links_; }
    [[nodiscard]] QString error() const { return error_; }

    // Reads the accounts again (the dialog calls it when it opens).
    Q_INVOKABLE void reload();
    // Puts `text` on the clipboard.
    Q_INVOKABLE static void copy(const QString& text);

signals:
    void coreChanged();
    void linksChanged();

private:
    QPointer<AppCore> core_;
    QVariantList links_;
    QString error_;
    int generation_ = 0;  // answers for an earlier read are dropped
};

}  // namespace tandem::gui
