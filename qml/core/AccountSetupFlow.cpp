#include "qml/core/AccountSetupFlow.h"

#include <sodium.h>

#include <QFileInfo>
#include <QStandardPaths>

#include "app/core/Messenger.h"
#include "app/core/NetworkConfig.h"
#include "app/core/session/SessionCodec.h"
#include "app/core/session/SessionSetup.h"
#include "app/core/signal/SignalRegistration.h"

namespace tandem::gui {

using namespace tandem::storage;

namespace {

// The PIN as the CLI reads it (NFKC, UTF-8), for SignalRegistration::setPin.
SecretBytes pinBytes(const QString& pin) {
    QByteArray utf8 = pin.normalized(QString::NormalizationForm_KC).toUtf8();
    SecretBytes out(reinterpret_cast<const std::uint8_t*>(utf8.constData()),  // NOLINT
                    static_cast<std::size_t>(utf8.size()));
    sodium_memzero(utf8.data(), static_cast<std::size_t>(utf8.size()));
    return out;
}

}  // namespace

AccountSetupFlow::AccountSetupFlow(Store& store, Hooks hooks, QObject* parent)
    : QObject(parent), store_(store), hooks_(std::move(hooks)) {
    // The network to offer when an account is set up: $TANDEM_NETWORK, else the local demo's.
    networkFile_ = qEnvironmentVariable("TANDEM_NETWORK");
    if (networkFile_.isEmpty()) {
        const QString demo = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
                             QStringLiteral("/tandem-demo/net/network.json");
        if (QFileInfo::exists(demo)) {
            networkFile_ = demo;
        }
    }
}

AccountSetupFlow::~AccountSetupFlow() {
    dropRegistration();
}

void AccountSetupFlow::setBusy(bool busy) {
    if (busy != busy_) {
        busy_ = busy;
        emit busyChanged();
    }
}

void AccountSetupFlow::setNetworkFile(const QString& file) {
    if (file != networkFile_) {
        networkFile_ = file;
        emit networkFileChanged();
    }
}

void AccountSetupFlow::added() {
    setBusy(false);
    emit accountAdded();  // the core starts again with it
}

void AccountSetupFlow::coreStopped() {
    registration_ = nullptr;  // deleted with the core it lived beside
}

void AccountSetupFlow::registerSignal(const QString& phone, const QString& networkFile,
                                      bool sharePhone, const QString& pin) {
    if (hooks_.coreSide() == nullptr || busy_ || hooks_.hasAccount(Mode::Signal)) {
        return;
    }
    auto network = core::NetworkConfig::load(networkFile);
    if (!network || !network->relay) {
        emit failed(network ? tr("That network has no relay.") : network.error());
        return;
    }
    setBusy(true);
    setNetworkFile(networkFile);  // offered again for the other mode
    QObject* coreSide = hooks_.coreSide();
    QMetaObject::invokeMethod(coreSide, [this, coreSide, network = std::move(network).value(),
                                         phone = phone.trimmed(), sharePhone, pin] {
        // On the core thread: registration talks to the relay.
        auto* registration = new core::SignalRegistration(store_, network, phone, sharePhone);
        registration->setParent(coreSide);
        if (!pin.isEmpty()) {
            if (auto accepted = registration->setPin(pinBytes(pin)); !accepted) {
                registration->deleteLater();
                QMetaObject::invokeMethod(this, [this, why = accepted.error().message] {
                    setBusy(false);
                    emit failed(why);
                });
                return;
            }
        }
        // Posted before any answer below, so it is set when they arrive.
        QMetaObject::invokeMethod(this, [this, registration] { registration_ = registration; });
        registration->requestCode().then([this, registration](core::CoreResult<bool> requested) {
            if (!requested) {
                QMetaObject::invokeMethod(this, [this, why = requested.error().message] {
                    setBusy(false);
                    dropRegistration();
                    emit failed(why);
                });
            } else if (*requested) {
                QMetaObject::invokeMethod(this, [this] {
                    setBusy(false);
                    emit codeNeeded();
                });
            } else {
                registration->complete(QString()).then([this](core::CoreResult<void> done) {
                    const bool locked = !done && done.error().code == core::CoreErrorCode::Locked;
                    QMetaObject::invokeMethod(
                        this, [this, locked, why = done ? QString() : done.error().message] {
                            if (locked) {  // kept: confirmSignalCode with the PIN
                                setBusy(false);
                                emit pinNeeded();
                                emit failed(why);
                                return;
                            }
                            dropRegistration();
                            if (!why.isEmpty()) {
                                setBusy(false);
                                emit failed(why);
                                return;
                            }
                            added();
                        });
                });
            }
        });
    });
}

void AccountSetupFlow::dropRegistration() {
    if (registration_) {
        registration_->deleteLater();  // on its own thread
    }
    registration_ = nullptr;
}

void AccountSetupFlow::confirmSignalCode(const QString& code, const QString& pin) {
    if (busy_) {
        return;
    }
    if (!registration_) {  // the core restarted (another account was added) in between
        emit registrationInterrupted();
        emit failed(tr("The registration was interrupted. Register the number again."));
        return;
    }
    setBusy(true);
    core::SignalRegistration* registration = registration_.data();
    QMetaObject::invokeMethod(registration, [this, registration, code = code.trimmed(), pin] {
        if (!pin.isEmpty()) {
            if (auto accepted = registration->setPin(pinBytes(pin)); !accepted) {
                QMetaObject::invokeMethod(this, [this, why = accepted.error().message] {
                    setBusy(false);
                    emit failed(why);
                });
                return;
            }
        }
        registration->complete(code).then([this](core::CoreResult<void> done) {
            const bool locked = !done && done.error().code == core::CoreErrorCode::Locked;
            QMetaObject::invokeMethod(
                this, [this, locked, why = done ? QString() : done.error().message] {
                    if (!why.isEmpty()) {
                        setBusy(false);
                        if (locked) {
                            emit pinNeeded();
                        }
                        emit failed(why);  // a wrong code or PIN: try again
                        return;
                    }
                    dropRegistration();
                    added();
                });
        });
    });
}

QVariantMap AccountSetupFlow::newSessionIdentity() {
    pendingSession_ = core::sessionmode::newIdentity();
    return {{QStringLiteral("sessionId"), pendingSession_->identity.sessionId},
            {QStringLiteral("words"), pendingSession_->words}};
}

QList<int> AccountSetupFlow::confirmationPositions() const {
    return pendingSession_ ? pendingSession_->confirm : QList<int>();
}

void AccountSetupFlow::confirmSessionIdentity(const QVariantList& answers,
                                              const QString& networkFile) {
    if (!pendingSession_ || busy_) {
        return;
    }
    QStringList given;
    for (const QVariant& answer : answers) {
        given.push_back(answer.toString());
    }
    const int wrong = core::sessionmode::firstWrongWord(*pendingSession_, given);
    if (wrong == -2) {
        emit failed(tr("Type the words asked for."));
        return;
    }
    if (wrong >= 0) {
        emit failed(tr("Word %1 is not the one shown. Check what you wrote down.").arg(wrong + 1));
        return;
    }
    saveSession(pendingSession_->identity, networkFile);
}

void AccountSetupFlow::restoreSessionIdentity(const QString& phrase, const QString& networkFile) {
    if (busy_) {
        return;
    }
    auto identity = core::sessionmode::restoreIdentity(phrase);
    if (!identity) {
        QString why = identity.error();
        why[0] = why[0].toUpper();  // a sentence of its own here
        emit failed(why);
        return;
    }
    saveSession(*identity, networkFile);
}

void AccountSetupFlow::saveSession(const crypto::session::SessionIdentity& identity,
                                   const QString& networkFile) {
    if (hooks_.hasAccount(Mode::Session)) {
        emit failed(tr("This profile already has a Session ID."));
        return;
    }
    auto network = core::NetworkConfig::load(networkFile);
    if (!network || !network->onion) {
        emit failed(network ? tr("That network has no onion nodes.") : network.error());
        return;
    }
    setBusy(true);
    setNetworkFile(networkFile);  // offered again for the other mode
    core::sessionmode::saveAccount(store_, identity, *network)
        .then(this, [this](core::CoreResult<core::sessionmode::Saved> saved) {
            if (!saved || !saved->existing.isEmpty()) {
                setBusy(false);
                emit failed(saved ? tr("This profile already has a Session ID.")
                                  : saved.error().message);
                return;
            }
            pendingSession_.reset();  // the seed is in the profile now, not in memory here
            added();
        });
}

}  // namespace tandem::gui
