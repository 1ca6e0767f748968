// AppCore: setting up accounts — a Signal-mode registration at the relay (with a code when the
// relay verifies), a new Session ID confirmed by words of its recovery phrase, or one
// restored from its phrase. The rest of AppCore is in AppCore.cpp.
#include <QDateTime>
#include <QRandomGenerator>

#include "app/core/Messenger.h"
#include "app/core/NetworkConfig.h"
#include "app/core/session/SessionCodec.h"
#include "app/core/session/SessionSetup.h"
#include "app/core/signal/SignalRegistration.h"
#include "crypto/session/RecoveryPhrase.h"
#include "qml/AppCore.h"

namespace tandem::gui {

using namespace tandem::storage;

void AppCore::accountsAdded() {
    setBusy(false);
    stopCore();
    opened();  // reads the accounts again and starts the core with them
}

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

void AppCore::registerSignal(const QString& phone, const QString& networkFile, bool sharePhone,
                             const QString& pin) {
    if (messenger_ == nullptr || busy_ || hasSignal()) {
        return;
    }
    auto network = core::NetworkConfig::load(networkFile);
    if (!network || !network->relay) {
        emit setupFailed(network ? tr("That network has no relay.") : network.error());
        return;
    }
    setBusy(true);
    networkFile_ = networkFile;  // offered again for the other mode
    QObject* coreSide = messenger_;
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
                    emit setupFailed(why);
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
                    emit setupFailed(why);
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
                                emit setupFailed(why);
                                return;
                            }
                            dropRegistration();
                            if (!why.isEmpty()) {
                                setBusy(false);
                                emit setupFailed(why);
                                return;
                            }
                            accountsAdded();
                        });
                });
            }
        });
    });
}

void AppCore::dropRegistration() {
    if (registration_) {
        registration_->deleteLater();  // on its own thread
    }
    registration_ = nullptr;
}

void AppCore::confirmSignalCode(const QString& code, const QString& pin) {
    if (busy_) {
        return;
    }
    if (!registration_) {  // the core restarted (another account was added) in between
        emit registrationInterrupted();
        emit setupFailed(tr("The registration was interrupted. Register the number again."));
        return;
    }
    setBusy(true);
    core::SignalRegistration* registration = registration_.data();
    QMetaObject::invokeMethod(registration, [this, registration, code = code.trimmed(), pin] {
        if (!pin.isEmpty()) {
            if (auto accepted = registration->setPin(pinBytes(pin)); !accepted) {
                QMetaObject::invokeMethod(this, [this, why = accepted.error().message] {
                    setBusy(false);
                    emit setupFailed(why);
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
                        emit setupFailed(why);  // a wrong code or PIN: try again
                        return;
                    }
                    dropRegistration();
                    accountsAdded();
                });
        });
    });
}

QVariantMap AppCore::newSessionIdentity() {
    pendingSession_ = std::make_unique<crypto::session::SessionIdentity>(
        crypto::session::SessionIdentity::generate());
    const QStringList words =
        crypto::session::encodeRecoveryPhrase(pendingSession_->seed.span()).split(u' ');
    confirmPositions_.clear();
    while (confirmPositions_.size() < 3) {
        const int at = static_cast<int>(QRandomGenerator::system()->bounded(words.size()));
        if (!confirmPositions_.contains(at)) {
            confirmPositions_.push_back(at);
        }
    }
    std::sort(confirmPositions_.begin(), confirmPositions_.end());
    return {{QStringLiteral("sessionId"), pendingSession_->sessionId},
            {QStringLiteral("words"), words}};
}

void AppCore::confirmSessionIdentity(const QVariantList& answers, const QString& networkFile) {
    if (!pendingSession_ || busy_) {
        return;
    }
    const QStringList words =
        crypto::session::encodeRecoveryPhrase(pendingSession_->seed.span()).split(u' ');
    if (answers.size() != confirmPositions_.size()) {
        emit setupFailed(tr("Type the words asked for."));
        return;
    }
    for (qsizetype i = 0; i < answers.size(); ++i) {
        const QString given = answers[i].toString().trimmed().toLower();
        if (given != words.value(confirmPositions_[i])) {
            emit setupFailed(tr("Word %1 is not the one shown. Check what you wrote down.")
                                 .arg(confirmPositions_[i] + 1));
            return;
        }
    }
    saveSessionAccount(*pendingSession_, networkFile);
}

void AppCore::restoreSessionIdentity(const QString& phrase, const QString& networkFile) {
    if (busy_) {
        return;
    }
    auto identity = core::sessionmode::restoreIdentity(phrase);
    if (!identity) {
        QString why = identity.error();
        why[0] = why[0].toUpper();  // a sentence of its own here
        emit setupFailed(why);
        return;
    }
    saveSessionAccount(*identity, networkFile);
}

void AppCore::saveSessionAccount(const crypto::session::SessionIdentity& identity,
                                 const QString& networkFile) {
    if (hasSession()) {
        emit setupFailed(tr("This profile already has a Session ID."));
        return;
    }
    auto network = core::NetworkConfig::load(networkFile);
    if (!network || !network->onion) {
        emit setupFailed(network ? tr("That network has no onion nodes.") : network.error());
        return;
    }
    setBusy(true);
    networkFile_ = networkFile;  // offered again for the other mode
    core::sessionmode::saveAccount(store_, identity, *network)
        .then(this, [this](core::CoreResult<core::sessionmode::Saved> saved) {
            if (!saved || !saved->existing.isEmpty()) {
                setBusy(false);
                emit setupFailed(saved ? tr("This profile already has a Session ID.")
                                       : saved.error().message);
                return;
            }
            pendingSession_.reset();  // the seed is in the profile now, not in memory here
            accountsAdded();
        });
}

}  // namespace tandem::gui
