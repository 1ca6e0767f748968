#include "qml/core/ProfileSession.h"

#include <algorithm>

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
        return QObject::tr(
            "The system keychain did not give this profile's key. Unlock your "
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

bool ProfileSession::keychainProfile(const QString& dir) {
    if (!Profile::exists(dir)) {
        return false;
    }
    const auto protection = Profile::protection(dir);
    return protection && *protection == KeyProtection::Keychain;
}

ProfileSession::ProfileSession(Store& store, QString profileDir, QObject* parent)
    : QObject(parent), store_(store), profileDir_(std::move(profileDir)) {
    hadProfile_ = Profile::exists(profileDir_);
    keychain_ = keychainProfile(profileDir_);
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
    create(passphraseCredentials(passphrase));
}

void ProfileSession::createProfileWithKeychain() {
    if (state_ == State::NoProfile || state_ == State::Failed) {
        create(Credentials::withKeychain());
    }
}

void ProfileSession::create(Credentials credentials) {
    const bool keychain = credentials.protection == KeyProtection::Keychain;
    setState(State::Opening);
    store_.create(profileDir_, std::move(credentials))
        .then(this, [this, keychain](StoreResult<void> created) {
            if (!created) {
                setState(State::NoProfile,
                         created.error().code == StoreErrorCode::Keychain
                             ? tr("The system keychain did not take the new profile's key. "
                                  "Unlock your keyring (or start its service, such as GNOME "
                                  "Keyring) and try again, or choose a passphrase instead.")
                             : describe(created.error()));
                return;
            }
            if (keychain != keychain_) {
                keychain_ = keychain;
                emit keychainChanged();
            }
            readContents(false, attempts_);
        });
}

void ProfileSession::readProtection() {
    const auto protection = Profile::protection(profileDir_);
    const bool keychain = protection && *protection == KeyProtection::Keychain;
    if (keychain != keychain_) {
        keychain_ = keychain;
        emit keychainChanged();
    }
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
    const int attempt = ++attempts_;
    store_.open(profileDir_, std::move(credentials))
        .then(this, [this, onFailure](StoreResult<void> result) {
            if (!result) {
                ++attempts_;  // the read queued after this open is dropped
                setState(onFailure, describe(result.error()));
            }
        });
    // Read right after the open, on the storage thread (one queue), not once this thread has
    // seen it open: at start both are done while the window's QML loads. A keychain profile's
    // shell is made meanwhile (Main.qml): what it shows first is read in the same transaction.
    // Where the open failed, this read finds the store closed and is dropped.
    readContents(keychain_, attempt);
}

void ProfileSession::reload() {
    if (state_ == State::Ready) {
        readContents(false, attempts_);
    }
}

void ProfileSession::readContents(bool withFirstScreen, int attempt) {
    store_.read(
        [withFirstScreen, open = openAtStart_](Repositories& r) -> StoreResult<Contents> {
            Contents out;
            TANDEM_TRY_ASSIGN(out.accounts, r.accounts.all());
            TANDEM_TRY_ASSIGN(out.settings, core::UserSettings::load(r));
            const auto has = [&out](Mode mode) {
                return std::any_of(out.accounts.begin(), out.accounts.end(),
                                   [mode](const Account& a) { return a.mode == mode; });
            };
            out.mode = out.settings.shownMode                     ? *out.settings.shownMode
                       : !has(Mode::Signal) && has(Mode::Session) ? Mode::Session
                                                                  : Mode::Signal;
            if (withFirstScreen) {
                TANDEM_TRY_ASSIGN(out.first, FirstScreen::read(r, out.mode, open));
            }
            return out;
        },
        this,
        [this, attempt](StoreResult<Contents> contents) {
            if (attempt != attempts_ || (state_ != State::Opening && state_ != State::Ready)) {
                return;  // the open failed and said so, or another attempt began
            }
            if (!contents) {
                setState(State::Failed, describe(contents.error()));
                return;
            }
            emit opened(*contents);
            setState(State::Ready);
        });
}

}  // namespace tandem::gui
