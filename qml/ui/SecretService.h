// SecretService: whether the desktop's Secret Service (GNOME Keyring, KeePassXC, KWallet's
// bridge: org.freedesktop.secrets on the session bus) answers, so that keeping a profile's key
// in the system keychain (storage/Keychain.h) is offered only where it can work: on the
// create-profile page and in Settings. Asked once, asynchronously, when made (at most
// kTimeoutMs): `available` is false until it answers, and stays false where nothing does.
#pragma once

#include <QObject>
#include <QtQml/qqmlregistration.h>

namespace tandem::gui {

class SecretService : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(bool available READ available NOTIFY checkedChanged)
    // The answer (or its absence) is in.
    Q_PROPERTY(bool checked READ checked NOTIFY checkedChanged)

public:
    static constexpr int kTimeoutMs = 3000;

    explicit SecretService(QObject* parent = nullptr);

    [[nodiscard]] bool available() const { return available_; }
    [[nodiscard]] bool checked() const { return checked_; }

signals:
    void checkedChanged();

private:
    bool available_ = false;
    bool checked_ = false;
};

}  // namespace tandem::gui
