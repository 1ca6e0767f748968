#include "app/core/signal/SignalRegistration.h"

#include <sodium.h>

#include <QDateTime>

#include <tandem/common/Redact.h>

#include "app/core/CoreLog.h"
#include "app/core/Guarded.h"
#include "app/core/Messenger.h"
#include "app/core/signal/PreKeyPublisher.h"
#include "app/core/signal/PreKeys.h"
#include "app/core/signal/SignalCodec.h"
#include "crypto/QtBytes.h"
#include "crypto/signal/Identity.h"
#include "crypto/signal/RegistrationLock.h"
#include "tandem/common/Clock.h"
#include "tandem/core.pb.h"
#include "transport/relay/Address.h"

namespace tandem::core {

using namespace tandem::storage;
using transport::RelayAccountClient;
using transport::RelayConnection;
using transport::TransportError;

namespace {

template <class T>
void finish(const std::shared_ptr<QPromise<CoreResult<T>>>& promise, CoreResult<T> value) {
    promise->addResult(std::move(value));
    promise->finish();
}

QByteArray random(qsizetype n) {
    QByteArray out(n, Qt::Uninitialized);
    randombytes_buf(out.data(), static_cast<std::size_t>(n));
    return out;
}

QByteArray tokenBytes(const SecretBytes& token) {
    return {reinterpret_cast<const char*>(token.data()),  // NOLINT
            static_cast<qsizetype>(token.size())};
}

StoreResult<void> rememberLock(Repositories& repos, bool locked) {
    return repos.settings.set(QString::fromLatin1(SignalRegistration::kRegistrationLockSetting),
                              locked ? QByteArrayLiteral("on") : QByteArrayLiteral("off"));
}

}  // namespace

SignalRegistration::SignalRegistration(Store& store, NetworkConfig network, QString phone,
                                       bool sharePhone, QObject* parent)
    : QObject(parent),
      store_(store),
      network_(std::move(network)),
      phone_(std::move(phone)),
      sharePhone_(sharePhone),
      publisher_(new signalmode::PreKeyPublisher(store, this)) {}

SignalRegistration::~SignalRegistration() {
    if (connection_) {
        connection_->abandon(QStringLiteral("registration abandoned"));
        connection_->close();
    }
    store_.post([] {}).waitForFinished();  // see ~Messenger
}

template <class T>
void SignalRegistration::withConnection(std::shared_ptr<QPromise<CoreResult<T>>> promise,
                                        std::function<void()> then) {
    if (!network_.relay) {
        finish<T>(promise, coreError(CoreErrorCode::InvalidArgument,
                                     QStringLiteral("the network file names no relay")));
        return;
    }
    if (connection_ && connection_->isReady()) {
        then();
        return;
    }
    connection_ = new RelayConnection(*network_.relay, this);
    connect(connection_, &RelayConnection::ready, this, then);
    connect(connection_, &RelayConnection::closed, this,
            [promise, host = network_.relay->host](const QString& reason) {
                if (!promise->future().isFinished()) {
                    finish<T>(
                        promise,
                        coreError(
                            CoreErrorCode::Network,
                            QStringLiteral("cannot reach the relay at %1 (%2)").arg(host, reason)));
                }
            });
    connection_->open();
}

QFuture<CoreResult<bool>> SignalRegistration::requestCode() {
    auto promise = std::make_shared<QPromise<CoreResult<bool>>>();
    promise->start();
    if (Messenger::modeOf(phone_) != Mode::Signal) {
        finish<bool>(promise,
                     coreError(CoreErrorCode::InvalidArgument,
                               QStringLiteral("\"%1\" is not a phone number in E.164 form (+4915…)")
                                   .arg(phone_.left(32))));
        return promise->future();
    }
    withConnection<bool>(promise, [this, promise] {
        RelayAccountClient(connection_)
            .requestCode(phone_)
            .then(guarded(this, [promise](Expected<bool, TransportError> required) {
                finish<bool>(promise, required ? CoreResult<bool>(*required)
                                               : unexpected(fromTransport(required.error())));
            }));
    });
    return promise->future();
}

CoreResult<void> SignalRegistration::setPin(const SecretBytes& pin) {
    QString text = QString::fromUtf8(reinterpret_cast<const char*>(pin.data()),  // NOLINT
                                     static_cast<qsizetype>(pin.size()));
    const auto problem = crypto::signal::pinProblem(text);
    sodium_memzero(text.data(), static_cast<std::size_t>(text.size()) * sizeof(QChar));
    if (problem) {
        return coreError(CoreErrorCode::InvalidArgument, *problem);
    }
    lockToken_ = crypto::signal::registrationLockToken(phone_.toStdString(), pin);
    if (lockToken_.size() != crypto::signal::kRegistrationLockTokenBytes) {
        return coreError(CoreErrorCode::Crypto,
                         QStringLiteral("not enough memory to derive the PIN's key"));
    }
    return {};
}

QFuture<CoreResult<void>> SignalRegistration::complete(const QString& code) {
    auto promise = std::make_shared<QPromise<CoreResult<void>>>();
    promise->start();
    auto identity = std::make_shared<crypto::signal::IdentityKeyPair>(
        crypto::signal::IdentityKeyPair::generate());
    const QByteArray password = random(32);
    const QByteArray accessKey = random(16);
    withConnection<void>(promise, [this, promise, identity, password, accessKey, code] {
        transport::RelayRegistration registration;
        registration.phone = phone_;
        registration.code = code;
        registration.identityKey = crypto::qbytes(identity->publicKey().ed25519);
        registration.password = password;
        registration.accessKey = accessKey;
        registration.sharePhone = sharePhone_;
        registration.registrationLock = tokenBytes(lockToken_);
        RelayAccountClient(connection_)
            .registerAccount(registration)
            .then(guarded(this, [this, promise, identity, password,
                                 accessKey](Expected<QByteArray, TransportError> registered) {
                if (!registered) {
                    finish<void>(promise, unexpected(fromTransport(registered.error())));
                    return;
                }
                const std::string aci = registered->toStdString();
                if (aci.size() != static_cast<std::size_t>(relay::kAciBytes)) {
                    finish<void>(promise,
                                 coreError(CoreErrorCode::Rejected,
                                           QStringLiteral("the relay assigned no account id")));
                    return;
                }
                // Registered: keep the account, its prekeys and the network settings.
                store_.write(
                    [phone = phone_, sharePhone = sharePhone_, aci, identity, password, accessKey,
                     network = network_.json,
                     locked = lockToken_.size() > 0](Repositories& repos) -> StoreResult<void> {
                        const std::int64_t now = nowMs();
                        Account account;
                        account.mode = Mode::Signal;
                        account.address = phone;
                        account.identityPublic = QByteArray(
                            reinterpret_cast<const char*>(identity->publicKey().ed25519.data()),
                            32);  // NOLINT
                        account.identitySecret = makeSecret(identity->signing().secretKey.clone());
                        proto::core::SignalCredentials credentials;
                        credentials.set_password(password.toStdString());
                        credentials.set_access_key(accessKey.toStdString());
                        credentials.set_aci(aci);
                        credentials.set_share_phone(sharePhone);
                        std::string serialized = credentials.SerializeAsString();
                        account.credentials = makeSecret(SecretBytes(crypto::view(serialized)));
                        sodium_memzero(serialized.data(), serialized.size());
                        account.createdAt = now;
                        TANDEM_TRY(repos.accounts.put(account));
                        TANDEM_TRY(repos.settings.set(QStringLiteral("network"), network));
                        TANDEM_TRY(rememberLock(repos, locked));
                        // A new identity invalidates every old prekey and session of this mode,
                        // and every message sealed with them that has not left yet.
                        TANDEM_TRY(repos.sessions.removeMode(Mode::Signal));
                        TANDEM_TRY(signalmode::unsealAll(repos));
                        for (const PrekeyKind kind : {PrekeyKind::Signed, PrekeyKind::OneTime}) {
                            TANDEM_TRY_ASSIGN(const std::int64_t max, repos.prekeys.maxKeyId(kind));
                            for (std::int64_t id = 0; id <= max; ++id) {
                                TANDEM_TRY(repos.prekeys.remove(kind, id));
                            }
                        }
                        TANDEM_TRY(signalmode::makeSignedPreKey(repos, *identity, 1, now));
                        TANDEM_TRY(
                            signalmode::makeOneTimePreKeys(repos, kInitialOneTimePreKeys, now));
                        return {};
                    },
                    this,
                    [this, promise, password](StoreResult<void> stored) {
                        if (!stored) {
                            finish<void>(promise, unexpected(fromStore(stored.error())));
                            return;
                        }
                        qCInfo(lcCore) << "registered" << redact(phone_) << "with the relay";
                        // Authenticate and upload the prekeys; a failure here is repaired on the
                        // next connection (Messenger uploads whatever was never uploaded).
                        RelayAccountClient relay(connection_);
                        relay.authenticate(phone_, password)
                            .then(guarded(
                                this, [this, promise, relay](Expected<void, TransportError> in) {
                                    if (!in) {
                                        finish<void>(promise, {});
                                        return;
                                    }
                                    publisher_->uploadPending(relay).then(
                                        guarded(this, [promise](const CoreResult<int>&) {
                                            finish<void>(promise, {});
                                        }));
                                }));
                    });
            }));
    });
    return promise->future();
}

QFuture<CoreResult<void>> SignalRegistration::changeRegistrationLock(
    std::optional<SecretBytes> pin) {
    auto promise = std::make_shared<QPromise<CoreResult<void>>>();
    promise->start();
    auto given = std::make_shared<std::optional<SecretBytes>>(std::move(pin));
    store_.read([](Repositories& repos) { return signalmode::loadIdentity(repos); }, this,
                [this, promise, given](StoreResult<std::optional<signalmode::Identity>> me) {
                    if (!me) {
                        finish<void>(promise, unexpected(fromStore(me.error())));
                        return;
                    }
                    if (!*me || (*me)->password.isEmpty()) {
                        finish<void>(promise,
                                     coreError(CoreErrorCode::NotRegistered,
                                               QStringLiteral("this profile has no Signal-mode "
                                                              "account (tandemctl init signal)")));
                        return;
                    }
                    phone_ = (*me)->phone;
                    lockToken_ = SecretBytes();
                    if (*given) {
                        if (auto derived = setPin(**given); !derived) {
                            finish<void>(promise, unexpected(derived.error()));
                            return;
                        }
                    }
                    sendLockChange(promise, (*me)->password);
                });
    return promise->future();
}

void SignalRegistration::sendLockChange(std::shared_ptr<QPromise<CoreResult<void>>> promise,
                                        const QByteArray& password) {
    withConnection<void>(promise, [this, promise, password] {
        RelayAccountClient relay(connection_);
        relay.authenticate(phone_, password)
            .then(guarded(this, [this, promise, relay](Expected<void, TransportError> in) mutable {
                if (!in) {
                    finish<void>(promise, unexpected(fromTransport(in.error())));
                    return;
                }
                relay.setRegistrationLock(tokenBytes(lockToken_))
                    .then(guarded(this, [this, promise](Expected<void, TransportError> changed) {
                        if (!changed) {
                            finish<void>(promise, unexpected(fromTransport(changed.error())));
                            return;
                        }
                        store_.write(
                            [locked = lockToken_.size() > 0](Repositories& repos) {
                                return rememberLock(repos, locked);
                            },
                            this,
                            [promise](StoreResult<void> stored) {
                                if (!stored) {
                                    finish<void>(promise, unexpected(fromStore(stored.error())));
                                    return;
                                }
                                finish<void>(promise, {});
                            });
                    }));
            }));
    });
}

}  // namespace tandem::core
