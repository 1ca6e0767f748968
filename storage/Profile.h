// Profile: a user's data folder. It holds
//   tandem.key   the database key, wrapped by the passphrase or kept in the OS keychain
//   tandem.db    the SQLCipher database (plus its -wal and -shm while open)
//   tandem.lock  held while a process has the profile open
//
// Contract: nothing here ever overwrites an existing profile; a wrong passphrase or a damaged
// file is reported before anything is written, and the files stay byte-identical. These
// calls block (Argon2id, disk, keychain): the Store runs them on the storage thread.
#pragma once

#include <memory>

#include <QLockFile>
#include <QString>

#include <tandem/common/SecretBytes.h>

#include "storage/Database.h"
#include "storage/KeyFile.h"
#include "storage/StoreError.h"

namespace tandem::storage {

class Keychain;

struct ProfileFiles {
    explicit ProfileFiles(const QString& directory);
    QString dir;
    QString keyFile;
    QString database;
    QString staging;  // the database while create() builds it
    QString lock;
};

struct OpenProfile {
    std::unique_ptr<QLockFile> lock;
    std::unique_ptr<Database> db;
    KeyProtection protection = KeyProtection::Passphrase;
};

// How to get at the key: a passphrase, or the OS keychain.
struct Unlock {
    KeyProtection protection = KeyProtection::Passphrase;
    const SecretBytes* passphrase = nullptr;  // for KeyProtection::Passphrase
};

class Profile {
public:
    static constexpr qint64 kMaxKeyFileBytes = 4096;

    // Creates a new profile in `dir` (made if missing, mode 0700) and opens it.
    static StoreResult<OpenProfile> create(const QString& dir, Unlock unlock, KdfParams kdf,
                                           const Keychain& keychain);
    static StoreResult<OpenProfile> open(const QString& dir, Unlock unlock,
                                         const Keychain& keychain);
    // Which protection the profile in `dir` uses (so the caller knows whether to ask for a
    // passphrase). Reads only the key file.
    static StoreResult<KeyProtection> protection(const QString& dir);
    // Re-wraps the key under a new passphrase (or moves it into the keychain, when
    // `target.protection` is Keychain). The database is not touched. The caller must hold
    // the profile's lock (the Store does while open).
    static StoreResult<void> changeKeyProtection(const QString& dir, Unlock current, Unlock target,
                                                 KdfParams kdf, const Keychain& keychain);
    // Whether the profile's own files exist (a key file is what makes a folder a profile).
    static bool exists(const QString& dir);

private:
    static StoreResult<std::unique_ptr<QLockFile>> lock(const ProfileFiles& files);
    static StoreResult<KeyFile> readKeyFile(const ProfileFiles& files);
    static StoreResult<SecretBytes> unlockKey(const ProfileFiles& files, const KeyFile& keyFile,
                                              Unlock unlock, const Keychain& keychain);
    static StoreResult<void> writeKeyFile(const ProfileFiles& files, const KeyFile& keyFile);
    static StoreResult<KeyFile> protectKey(const SecretBytes& key, Unlock target, KdfParams kdf,
                                           const Keychain& keychain);
};

}  // namespace tandem::storage
