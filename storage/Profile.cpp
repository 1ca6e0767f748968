#include "storage/Profile.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include "storage/FolderLock.h"
#include "storage/Keychain.h"
#include "storage/Schema.h"
#include "storage/StorageLog.h"

namespace tandem::storage {

namespace {

constexpr qint64 kDatabasePageSize = 4096;

QByteArray nativePath(const QString& path) {
    return QFile::encodeName(path);
}

QString errnoText() {
    return QString::fromLocal8Bit(std::strerror(errno));
}

// Writes `bytes` to `path` so that a crash leaves either the old file or the new one:
// a 0600 temporary file, fsync, rename over the target, fsync of the folder.
StoreResult<void> writeAtomically(const QString& path, std::span<const std::uint8_t> bytes) {
    const QString temporary = path + QStringLiteral(".tmp");
    const QByteArray tmpPath = nativePath(temporary);
    const int fd = ::open(tmpPath.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        return storeError(StoreErrorCode::Io,
                          QStringLiteral("Cannot write %1: %2.").arg(temporary, errnoText()));
    }
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            const QString reason = errnoText();
            ::close(fd);
            ::unlink(tmpPath.constData());
            return storeError(StoreErrorCode::Io,
                              QStringLiteral("Cannot write %1: %2.").arg(temporary, reason));
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const QString reason = errnoText();
        ::unlink(tmpPath.constData());
        return storeError(StoreErrorCode::Io,
                          QStringLiteral("Cannot write %1: %2.").arg(temporary, reason));
    }
    if (::rename(tmpPath.constData(), nativePath(path).constData()) != 0) {
        const QString reason = errnoText();
        ::unlink(tmpPath.constData());
        return storeError(StoreErrorCode::Io,
                          QStringLiteral("Cannot replace %1: %2.").arg(path, reason));
    }
    const QByteArray dir = nativePath(QFileInfo(path).absolutePath());
    if (const int dirFd = ::open(dir.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dirFd >= 0) {
        ::fsync(dirFd);
        ::close(dirFd);
    }
    return {};
}

StoreResult<void> syncDirectory(const QString& dir) {
    const QByteArray path = nativePath(dir);
    const int fd = ::open(path.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
        const QString reason = errnoText();
        if (fd >= 0) {
            ::close(fd);
        }
        return storeError(StoreErrorCode::Io,
                          QStringLiteral("Cannot sync the folder %1: %2.").arg(dir, reason));
    }
    ::close(fd);
    return {};
}

void removeDatabaseFiles(const QString& path) {
    for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")}) {
        QFile::remove(path + suffix);
    }
}

StoreResult<std::unique_ptr<Database>> openDatabase(const ProfileFiles& files,
                                                    const SecretBytes& key) {
    const QFileInfo info(files.database);
    // SQLCipher writes whole 4096-byte pages: any other size means the file was cut short.
    // Checked before SQLite sees the file, so nothing is written to a damaged database.
    if (info.size() == 0 || info.size() % kDatabasePageSize != 0) {
        return storeError(StoreErrorCode::DatabaseCorrupted,
                          QStringLiteral("The database file %1 is truncated (%2 bytes is not a "
                                         "whole number of pages).")
                              .arg(files.database)
                              .arg(info.size()));
    }
    // Every check first runs on a read-only connection: closing a read-write connection
    // checkpoints the WAL into the database file, which must not happen to a damaged file
    // or to one written by a newer Tandem.
    const QString wal = files.database + QStringLiteral("-wal");
    const QString shm = files.database + QStringLiteral("-shm");
    // A clean close checkpoints and removes the WAL; finding one means the last session
    // crashed or was killed (we hold the lock, so no one else has it open).
    const bool uncleanShutdown = QFileInfo::exists(wal);
    const bool hadShm = QFileInfo::exists(shm);
    auto checked = [&]() -> StoreResult<void> {
        DatabaseOptions readOnly;
        readOnly.readOnly = true;
        TANDEM_TRY_ASSIGN(auto check, Database::open(files.database, &key, readOnly));
        if (uncleanShutdown) {
            qCInfo(lcStorage) << "the last session did not close cleanly: checking the database";
            TANDEM_TRY(check->verify());
        }
        return checkSchemaVersion(*check);
    }();
    // A read-only connection creates an empty WAL and its index but cannot remove them;
    // remove what it made, so a refused file is left exactly as it was found.
    if (!uncleanShutdown && QFileInfo(wal).size() == 0) {
        QFile::remove(wal);
        if (!hadShm) {
            QFile::remove(shm);
        }
    }
    TANDEM_TRY(checked);
    TANDEM_TRY_ASSIGN(auto db, Database::open(files.database, &key));
    TANDEM_TRY(migrate(*db));
    return db;
}

}  // namespace

ProfileFiles::ProfileFiles(const QString& directory)
    : dir(QDir(directory).absolutePath()),
      keyFile(dir + QStringLiteral("/tandem.key")),
      database(dir + QStringLiteral("/tandem.db")),
      staging(dir + QStringLiteral("/tandem.db.new")),
      lock(dir + QStringLiteral("/tandem.lock")) {}

bool Profile::exists(const QString& dir) {
    return QFileInfo::exists(ProfileFiles(dir).keyFile);
}

StoreResult<std::unique_ptr<QLockFile>> Profile::lock(const ProfileFiles& files) {
    auto lock = lockFolder(files.lock);
    if (lock) {
        return std::move(lock).value();
    }
    if (lock.error().pid != 0) {
        return storeError(StoreErrorCode::ProfileLocked,
                          QStringLiteral("The profile %1 is open in another process (%2, "
                                         "pid %3).")
                              .arg(files.dir, lock.error().program)
                              .arg(lock.error().pid));
    }
    return storeError(StoreErrorCode::Io,
                      QStringLiteral("Cannot create the lock file %1.").arg(files.lock));
}

StoreResult<KeyFile> Profile::readKeyFile(const ProfileFiles& files) {
    QFile file(files.keyFile);
    if (!file.exists()) {
        return storeError(StoreErrorCode::KeyFileMissing,
                          QStringLiteral("There is no Tandem profile in %1 (%2 is missing).")
                              .arg(files.dir, files.keyFile));
    }
    if (!file.open(QIODevice::ReadOnly)) {
        return storeError(StoreErrorCode::Io, QStringLiteral("Cannot read the key file %1: %2.")
                                                  .arg(files.keyFile, file.errorString()));
    }
    const QByteArray bytes = file.read(kMaxKeyFileBytes + 1);
    if (bytes.size() > kMaxKeyFileBytes) {
        return storeError(
            StoreErrorCode::KeyFileCorrupted,
            QStringLiteral("The key file %1 is damaged: it is too large.").arg(files.keyFile));
    }
    auto parsed = KeyFile::parse(std::span<const std::uint8_t>(
        reinterpret_cast<const std::uint8_t*>(bytes.constData()),  // NOLINT
        static_cast<std::size_t>(bytes.size())));
    if (!parsed) {
        return storeError(
            StoreErrorCode::KeyFileCorrupted,
            QStringLiteral("The key file %1 is damaged: %2.").arg(files.keyFile, parsed.error()));
    }
    return std::move(parsed).value();
}

StoreResult<SecretBytes> Profile::unlockKey(const ProfileFiles& files, const KeyFile& keyFile,
                                            Unlock unlock, const Keychain& keychain) {
    if (keyFile.protection() == KeyProtection::Keychain) {
        TANDEM_TRY_ASSIGN(SecretBytes key, keychain.read(keyFile.keychainId()));
        if (key.size() != KeyFile::kKeySize || !keyFile.matchesKey(key)) {
            return storeError(StoreErrorCode::Keychain,
                              QStringLiteral("The system keychain does not hold the key of the "
                                             "profile in %1.")
                                  .arg(files.dir));
        }
        return key;
    }
    if (unlock.passphrase == nullptr || unlock.passphrase->empty()) {
        return storeError(StoreErrorCode::WrongPassphrase,
                          QStringLiteral("The profile in %1 needs its passphrase.").arg(files.dir));
    }
    auto key = keyFile.unwrap(*unlock.passphrase);
    if (!key) {
        if (key.error() == UnwrapError::OutOfMemory) {
            return storeError(StoreErrorCode::Io,
                              QStringLiteral("Not enough memory to unlock the profile (the key "
                                             "derivation needs %1 MiB).")
                                  .arg(keyFile.kdf().memlimit >> 20));
        }
        return storeError(StoreErrorCode::WrongPassphrase,
                          QStringLiteral("Wrong passphrase for the profile in %1.").arg(files.dir));
    }
    return std::move(key).value();
}

StoreResult<void> Profile::writeKeyFile(const ProfileFiles& files, const KeyFile& keyFile) {
    const auto bytes = keyFile.serialize();
    return writeAtomically(files.keyFile, bytes);
}

StoreResult<KeyFile> Profile::protectKey(const SecretBytes& key, Unlock target, KdfParams kdf,
                                         const Keychain& keychain) {
    if (target.protection == KeyProtection::Keychain) {
        KeyFile keyFile = KeyFile::forKeychain(key);
        TANDEM_TRY(keychain.write(keyFile.keychainId(), key));
        return keyFile;
    }
    if (target.passphrase == nullptr || target.passphrase->empty()) {
        return storeError(StoreErrorCode::InvalidArgument,
                          QStringLiteral("The passphrase must not be empty."));
    }
    auto wrapped = KeyFile::wrap(key, *target.passphrase, kdf);
    if (!wrapped) {
        return storeError(StoreErrorCode::Io,
                          QStringLiteral("Not enough memory for the key derivation (%1 MiB).")
                              .arg(kdf.memlimit >> 20));
    }
    return wrapped.value();
}

StoreResult<OpenProfile> Profile::create(const QString& dir, Unlock unlock, KdfParams kdf,
                                         const Keychain& keychain) {
    const ProfileFiles files(dir);
    if (!QDir().mkpath(files.dir)) {
        return storeError(StoreErrorCode::Io,
                          QStringLiteral("Cannot create the folder %1.").arg(files.dir));
    }
    ::chmod(nativePath(files.dir).constData(), 0700);
    TANDEM_TRY_ASSIGN(auto lockFile, lock(files));
    if (QFileInfo::exists(files.keyFile)) {
        return storeError(
            StoreErrorCode::ProfileExists,
            QStringLiteral("A profile already exists in %1; nothing was changed.").arg(files.dir));
    }
    if (QFileInfo::exists(files.database)) {
        return storeError(StoreErrorCode::ProfileExists,
                          QStringLiteral("%1 holds a database without its key file; Tandem will "
                                         "not overwrite it.")
                              .arg(files.dir));
    }
    // Leftovers of a create() that was interrupted before its key file existed: they never
    // held anything of the user's.
    removeDatabaseFiles(files.staging);

    SecretBytes key(KeyFile::kKeySize);
    randombytes_buf(key.data(), key.size());
    TANDEM_TRY_ASSIGN(const KeyFile keyFile, protectKey(key, unlock, kdf, keychain));
    const auto staged = [&]() -> StoreResult<void> {
        DatabaseOptions options;
        options.create = true;
        TANDEM_TRY_ASSIGN(auto staging, Database::open(files.staging, &key, options));
        ::chmod(nativePath(files.staging).constData(), 0600);  // WAL and SHM inherit it
        TANDEM_TRY(createFreshSchema(*staging));
        TANDEM_TRY(staging->close());  // checkpoints and removes the WAL
        return writeKeyFile(files, keyFile);
    }();
    if (!staged) {
        // Nothing of the user's is in it, and without its key file it is no profile: a failed
        // create leaves the folder as it found it.
        removeDatabaseFiles(files.staging);
        return unexpected(staged.error());
    }
    if (::rename(nativePath(files.staging).constData(), nativePath(files.database).constData()) !=
        0) {
        return storeError(StoreErrorCode::Io,
                          QStringLiteral("Cannot create %1: %2.").arg(files.database, errnoText()));
    }
    TANDEM_TRY(syncDirectory(files.dir));
    qCInfo(lcStorage) << "created a profile with"
                      << (unlock.protection == KeyProtection::Keychain ? "keychain" : "passphrase")
                      << "protection";
    TANDEM_TRY_ASSIGN(auto db, openDatabase(files, key));
    return OpenProfile{std::move(lockFile), std::move(db), keyFile.protection()};
}

StoreResult<OpenProfile> Profile::open(const QString& dir, Unlock unlock,
                                       const Keychain& keychain) {
    const ProfileFiles files(dir);
    if (!QFileInfo(files.dir).isDir() || !QFileInfo::exists(files.keyFile)) {
        return storeError(StoreErrorCode::KeyFileMissing,
                          QStringLiteral("There is no Tandem profile in %1.").arg(files.dir));
    }
    TANDEM_TRY_ASSIGN(auto lockFile, lock(files));
    TANDEM_TRY_ASSIGN(const KeyFile keyFile, readKeyFile(files));
    TANDEM_TRY_ASSIGN(const SecretBytes key, unlockKey(files, keyFile, unlock, keychain));
    if (!QFileInfo::exists(files.database)) {
        if (!QFileInfo::exists(files.staging)) {
            return storeError(
                StoreErrorCode::DatabaseMissing,
                QStringLiteral("The database file %1 is missing.").arg(files.database));
        }
        // create() stopped between writing the key file and renaming the finished database:
        // the key file is complete, so finish the rename.
        qCInfo(lcStorage) << "finishing an interrupted profile creation";
        if (::rename(nativePath(files.staging).constData(),
                     nativePath(files.database).constData()) != 0) {
            return storeError(
                StoreErrorCode::Io,
                QStringLiteral("Cannot create %1: %2.").arg(files.database, errnoText()));
        }
        TANDEM_TRY(syncDirectory(files.dir));
    }
    TANDEM_TRY_ASSIGN(auto db, openDatabase(files, key));
    return OpenProfile{std::move(lockFile), std::move(db), keyFile.protection()};
}

StoreResult<KeyProtection> Profile::protection(const QString& dir) {
    TANDEM_TRY_ASSIGN(const KeyFile keyFile, readKeyFile(ProfileFiles(dir)));
    return keyFile.protection();
}

StoreResult<void> Profile::changeKeyProtection(const QString& dir, Unlock current, Unlock target,
                                               KdfParams kdf, const Keychain& keychain) {
    const ProfileFiles files(dir);
    TANDEM_TRY_ASSIGN(const KeyFile oldFile, readKeyFile(files));
    TANDEM_TRY_ASSIGN(const SecretBytes key, unlockKey(files, oldFile, current, keychain));
    TANDEM_TRY_ASSIGN(const KeyFile newFile, protectKey(key, target, kdf, keychain));
    TANDEM_TRY(writeKeyFile(files, newFile));
    if (oldFile.protection() == KeyProtection::Keychain &&
        (newFile.protection() != KeyProtection::Keychain ||
         newFile.keychainId() != oldFile.keychainId())) {
        // The old entry is no longer needed; failing to remove it loses nothing.
        if (auto removed = keychain.remove(oldFile.keychainId()); !removed) {
            qCWarning(lcStorage) << "could not remove the old keychain entry";
        }
    }
    qCInfo(lcStorage) << "changed the key protection; the database was not touched";
    return {};
}

}  // namespace tandem::storage
