#include "qml/core/ProfileSession.h"

#include "storage/Profile.h"

namespace tandem::gui {

using namespace tandem::storage;

namespace {

QString describe(const StoreError& e) {
    if (e.code == StoreErrorCode::WrongPassphrase) {
        return QObject::tr("That passphrase does not open this profile. Check it and try again.");
    }
    if (e.code == StoreErrorCode::Keychain) {
        // Not the keychain's own words (they name the profile's folder, in English).
        return QObject::tr("The system keychain did not give this profile's key. Unlock your "
                           "keyring (or start its service, such as GNOME Keyring), then try "
                           "again.");
    }
    return e.message;
}

}  // namespace

Credentials ProfileSession::passphraseCredentials(const QString& passphrase) {
    QByteArray utf8 = passphrase.toUtf8();
    SecretBytes secret = SecretBytes::fromString(
        std::string_view(utf8.constData(), static_cast<std::size_t>(utf8.size())));
    utf8.fill('\0');
    return Credentials::withPassphrase(std::move(secret));
}

ProfileSession::ProfileSession(Store& store, QString profileDir, QObject* parent)
    : QObject(parent), store_(store), profileDir_(std::move(profileDir)) {
    hadProfile_ = Profile::exists(profileDir_);
    if (hadProfile_) {
        // Only the key file is read (a few hundred bytes): it says how the key is kept.
        const auto protection = Profile::protection(profileDir_);
        keychain_ = protection && *protection == KeyProtection::Keychain;
    }
    state_ = hadProfile_ ? State::Locked : State::NoProfile;
}

void ProfileSession::setState(State state, const QString& error) {
    const bool errorMoved = error != error_;
    error_ = error;
    if (state != state_) {
        state_ = state;
        emit stateChanged();
    }
    if (errorMoved) {
        emit errorChanged();
    }
}

void ProfileSession::createProfile(const QString& passphrase) {
    if (state_ != State::NoProfile && state_ != State::Failed) {
        return;
    }
    if (passphrase.size() < kMinPassphraseLength) {
        setState(state_,
                 tr("Choose a passphrase of at least %1 characters.").arg(kMinPassphraseLength));
        return;
    }
    setState(State::Opening);
    store_.create(profileDir_, passphraseCredentials(passphrase))
        .then(this, [this](StoreResult<void> created) {
            if (!created) {
                setState(State::NoProfile, describe(created.error()));
                return;
            }
            readContents();
        });
}

void ProfileSession::unlock(const QString& passphrase) {
    if (state_ != State::Locked) {
        return;
    }
    if (passphrase.isEmpty()) {
        setState(State::Locked, tr("Enter your passphrase."));
        return;
    }
    // A wrong passphrase (or a damaged profile) is said as such; the profile is untouched and
    // the user can try again.
    openWith(passphraseCredentials(passphrase), State::Locked);
}

void ProfileSession::unlockWithKeychain() {
    if (state_ == State::Locked && keychain_) {
        // A locked keyring, a cancelled prompt, no Secret Service: said, the profile
        // untouched, and the unlock page offers to try again.
        openWith(Credentials::withKeychain(), State::Locked);
    }
}

void ProfileSession::openWith(Credentials credentials, State onFailure) {
    setState(State::Opening);
    store_.open(profileDir_, std::move(credentials))
        .then(this, [this, onFailure](StoreResult<void> result) {
            if (!result) {
                setState(onFailure, describe(result.error()));
                return;
            }
            readContents();
        });
}

void ProfileSession::reload() {
    if (state_ == State::Ready) {
        readContents();
    }
}

void ProfileSession::readContents() {
    store_.read(
        [](Repositories& r) -> StoreResult<Contents> {
            Contents out;
            TANDEM_TRY_ASSIGN(out.accounts, r.accounts.all());
            TANDEM_TRY_ASSIGN(out.settings, core::UserSettings::load(r));
            return out;
        },
        this,
        [this](StoreResult<Contents> contents) {
            if (!contents) {
                setState(State::Failed, describe(contents.error()));
                return;
            }
            emit opened(*contents);
            setState(State::Ready);
        });
}

}  // namespace tandem::gui
