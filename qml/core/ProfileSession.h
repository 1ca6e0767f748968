// ProfileSession: taking the profile from closed to open — creating it with a passphrase,
// unlocking it with one or with the OS keychain's key — and reading what the app needs of it
// once open (the accounts, the user's settings). It says where it stands (State, and why not
// further in error); what is done with an open profile (the core, the views) is AppCore's.
#pragma once

#include <vector>

#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

#include "app/core/UserSettings.h"
#include "qml/core/FirstScreen.h"
#include "storage/Store.h"
#include "storage/Types.h"

namespace tandem::gui {

class ProfileSession : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the app's AppCore has its ProfileSession")

public:
    enum class State { NoProfile, Locked, Opening, Ready, Failed };
    Q_ENUM(State)

    // What a new passphrase must be at least (creating a profile, changing it in Settings).
    static constexpr int kMinPassphraseLength = 8;
    // A passphrase as the store takes it (its UTF-8 copy wiped).
    static storage::Credentials passphraseCredentials(const QString& passphrase);

    // What the app reads of a profile as it opens.
    struct Contents {
        std::vector<storage::Account> accounts;
        core::UserSettings settings;
        // The mode shown: the remembered one, else the one this profile has an account for.
        storage::Mode mode = storage::Mode::Signal;
        // What the first screen shows (read as the profile opens, not when read again).
        std::optional<FirstScreen> first;
    };

    // Whether the profile in `dir` exists and keeps its key in the OS keychain (only its key
    // file is read: a few hundred bytes).
    static bool keychainProfile(const QString& dir);

    // `store` is opened here, and must outlive this object.
    ProfileSession(storage::Store& store, QString profileDir, QObject* parent = nullptr);

    [[nodiscard]] State state() const { return state_; }
    // Whether the profile existed when the app started (Opening then means unlocking).
    [[nodiscard]] bool hadProfile() const { return hadProfile_; }
    // Whether the profile's key is kept in the OS keychain.
    [[nodiscard]] bool keychain() const { return keychain_; }
    [[nodiscard]] QString error() const { return error_; }
    [[nodiscard]] QString profileDir() const { return profileDir_; }

    // A new profile at profileDir, protected by the passphrase (at least 8 characters).
    void createProfile(const QString& passphrase);
    // A new profile whose key is kept in the OS keychain: it opens without a passphrase.
    // Where the keychain does not take the key, that is said and nothing is made.
    void createProfileWithKeychain();
    // The key was moved into the keychain or back under a passphrase (Settings): the key
    // file says which now.
    void readProtection();
    // Opens the profile; a wrong passphrase is a clear error, and the user can try again.
    void unlock(const QString& passphrase);
    // Opens a keychain profile with the key the OS keychain holds. Where the keychain cannot
    // give it, that is said, the profile stays closed and untouched, and it can be tried
    // again (Locked).
    void unlockWithKeychain();
    // Reads the open profile's contents again (accounts were added): opened again.
    void reload();
    // The conversation opened at start (tandem --open ADDRESS): its newest page is read with
    // the profile's contents.
    void setOpenAtStart(const QString& address) { openAtStart_ = address; }

signals:
    void stateChanged();
    void keychainChanged();
    void errorChanged();
    // The profile is open and read: emitted before the state becomes Ready (and again on
    // reload), so what the app sets up from it is there when Ready is seen.
    void opened(const tandem::gui::ProfileSession::Contents& contents);

private:
    void setState(State state, const QString& error = QString());
    void create(storage::Credentials credentials);
    // Opens the store; on failure the state becomes `onFailure`, with the reason.
    void openWith(storage::Credentials credentials, State onFailure);
    // Reads what the app needs of the open profile; dropped if `attempt` is no longer the
    // latest open (the open failed, or the user tried again).
    void readContents(bool withFirstScreen, int attempt);

    storage::Store& store_;
    QString profileDir_;
    State state_ = State::NoProfile;
    bool hadProfile_ = false;
    bool keychain_ = false;
    QString error_;
    QString openAtStart_;
    int attempts_ = 0;  // opens asked for (an open's read belongs to one)
};

}  // namespace tandem::gui
