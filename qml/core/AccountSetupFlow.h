// AccountSetupFlow: what the set-up page (AccountSetup.qml) drives — a Signal-mode
// registration at the relay (with a code when the relay verifies, and the registration lock's
// PIN when the number is locked), a new Session ID confirmed by words of its recovery phrase,
// or one restored from its phrase. The work is the core's (SignalRegistration, sessionmode::
// saveAccount), the same as tandemctl's; this object holds the page's state between steps.
//
// Threads: registration talks to the relay, so it lives on the core thread (the side object
// AppCore names); its answers come back here, on the GUI thread.
#pragma once

#include <functional>
#include <memory>

#include <QObject>
#include <QPointer>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

#include "app/core/session/SessionSetup.h"
#include "storage/Store.h"

namespace tandem::core {
class SignalRegistration;
}  // namespace tandem::core

namespace tandem::gui {

class AccountSetupFlow : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("AppCore has one: core.setup")

    // The network file to offer (the profile's, $TANDEM_NETWORK, else the local demo's).
    Q_PROPERTY(QString networkFile READ networkFile NOTIFY networkFileChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)

public:
    struct Hooks {
        std::function<QObject*()> coreSide;  // an object on the core thread; nullptr: none
        std::function<bool(storage::Mode)> hasAccount;
    };
    AccountSetupFlow(storage::Store& store, Hooks hooks, QObject* parent = nullptr);
    ~AccountSetupFlow() override;

    [[nodiscard]] QString networkFile() const { return networkFile_; }
    [[nodiscard]] bool busy() const { return busy_; }

    // Signal mode: registers `phone` at the network's relay; codeNeeded() when the relay sent
    // a verification code (then confirmSignalCode), accountAdded() when done, failed().
    // `pin` (may be empty): the registration lock PIN the number is locked with; pinNeeded()
    // when the number is locked and no PIN or a wrong one was given (confirmSignalCode again,
    // with the PIN).
    Q_INVOKABLE void registerSignal(const QString& phone, const QString& networkFile,
                                    bool sharePhone, const QString& pin = {});
    Q_INVOKABLE void confirmSignalCode(const QString& code, const QString& pin = {});
    // Session mode: a new identity, held here until confirmed: {sessionId, words: [13]}.
    Q_INVOKABLE QVariantMap newSessionIdentity();
    // Three positions (0-based) of words the user must type back to show they wrote them down.
    Q_INVOKABLE QList<int> confirmationPositions() const;
    // Saves the held identity if `answers` (word per position) match; else failed().
    Q_INVOKABLE void confirmSessionIdentity(const QVariantList& answers,
                                            const QString& networkFile);
    Q_INVOKABLE void restoreSessionIdentity(const QString& phrase, const QString& networkFile);
    // The core restarted: a registration waiting for its code is gone with it.
    void coreStopped();

signals:
    void networkFileChanged();
    void busyChanged();
    void codeNeeded();
    void pinNeeded();
    void registrationInterrupted();
    void failed(const QString& reason);
    // An account was stored: the core starts again with it.
    void accountAdded();

private:
    void setBusy(bool busy);
    void setNetworkFile(const QString& file);
    void added();
    void dropRegistration();
    // Stores a Session identity with the network settings.
    void saveSession(const crypto::session::SessionIdentity& identity, const QString& networkFile);

    storage::Store& store_;
    Hooks hooks_;
    QString networkFile_;
    bool busy_ = false;
    std::unique_ptr<core::sessionmode::NewIdentity> pendingSession_;
    // Lives on the core thread (it talks to the relay); set and cleared here.
    QPointer<core::SignalRegistration> registration_;
};

}  // namespace tandem::gui
