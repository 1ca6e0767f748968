// Registering this profile's Signal-mode account with a relay:
//   requestCode()  → the relay sends a code (false: it runs with --verify none, no code needed)
//   complete(code) → a fresh identity, password and access key; the account is registered
//                    (its number shown to contacts only with sharePhone, else only its id),
//                    stored in the profile with its signed prekey and 100 one-time prekeys,
//                    and the prekeys are uploaded.
//   setPin(pin)      → before complete(): the registration lock's PIN. It proves the PIN if
//                    the number is locked (else complete() fails with CoreErrorCode::Locked),
//                    and the new account is locked with it. Without one, the account has no
//                    lock.
//   changeRegistrationLock(pin) → locks this profile's registered account with a PIN, or
//                    unlocks it (nullopt), at the relay.
// The network settings are stored in the profile too, so later commands need no --network,
// and so is whether the account is locked (kRegistrationLockSetting: "on" or absent).
#pragma once

#include <QFuture>
#include <QObject>
#include <QPointer>

#include "app/core/CoreError.h"
#include "app/core/NetworkConfig.h"
#include "storage/Store.h"
#include "transport/relay/RelayConnection.h"

namespace tandem::core {

namespace signalmode {
class PreKeyPublisher;
}

class SignalRegistration : public QObject {
    Q_OBJECT
public:
    static constexpr int kInitialOneTimePreKeys = 100;

    SignalRegistration(storage::Store& store, NetworkConfig network, QString phone,
                       bool sharePhone = false, QObject* parent = nullptr);
    ~SignalRegistration() override;

    static constexpr auto kRegistrationLockSetting = "signal.registration_lock";

    QFuture<CoreResult<bool>> requestCode();
    // Derives the lock's token (Argon2id, up to 0.35 s). An unacceptable PIN is refused with
    // the reason (crypto::signal::pinProblem); every PIN ever set passed the same rules.
    CoreResult<void> setPin(const SecretBytes& pin);
    QFuture<CoreResult<void>> complete(const QString& code);
    QFuture<CoreResult<void>> changeRegistrationLock(std::optional<SecretBytes> pin);

private:
    // Opens the connection if needed, then runs `then` (or fails the promise).
    template <class T>
    void withConnection(std::shared_ptr<QPromise<CoreResult<T>>> promise,
                        std::function<void()> then);
    void sendLockChange(std::shared_ptr<QPromise<CoreResult<void>>> promise,
                        const QByteArray& password);

    storage::Store& store_;
    NetworkConfig network_;
    QString phone_;
    bool sharePhone_ = false;
    SecretBytes lockToken_;  // empty: no PIN
    QPointer<transport::RelayConnection> connection_;
    signalmode::PreKeyPublisher* publisher_;
};

}  // namespace tandem::core
