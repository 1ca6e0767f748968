// Registering this profile's Signal-mode account with a relay:
//   requestCode()  → the relay sends a code (false: it runs with --verify none, no code needed)
//   complete(code) → a fresh identity, password and access key; the account is registered
//                    (its number shown to contacts only with sharePhone, else only its id),
//                    stored in the profile with its signed prekey and 100 one-time prekeys,
//                    and the prekeys are uploaded.
// The network settings are stored in the profile too, so later commands need no --network.
#pragma once

#include <QFuture>
#include <QObject>
#include <QPointer>

#include "app/core/CoreError.h"
#include "app/core/NetworkConfig.h"
#include "storage/Store.h"
#include "transport/relay/RelayConnection.h"

namespace tandem::core {

class SignalRegistration : public QObject {
    Q_OBJECT
public:
    static constexpr int kInitialOneTimePreKeys = 100;

    SignalRegistration(storage::Store& store, NetworkConfig network, QString phone,
                       bool sharePhone = false, QObject* parent = nullptr);
    ~SignalRegistration() override;

    QFuture<CoreResult<bool>> requestCode();
    QFuture<CoreResult<void>> complete(const QString& code);

private:
    // Opens the connection if needed, then runs `then` (or fails the promise).
    template <class T>
    void withConnection(std::shared_ptr<QPromise<CoreResult<T>>> promise,
                        std::function<void()> then);

    storage::Store& store_;
    NetworkConfig network_;
    QString phone_;
    bool sharePhone_ = false;
    QPointer<transport::RelayConnection> connection_;
};

}  // namespace tandem::core
