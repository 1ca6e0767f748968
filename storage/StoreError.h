// Errors of the storage layer. Each carries a code the caller can branch on and a message
// written as a sentence for the user; messages name the file involved, never key material.
#pragma once

#include <QString>

#include <tandem/common/Expected.h>

namespace tandem::storage {

enum class StoreErrorCode {
    WrongPassphrase,    // the key file is intact but the passphrase does not unwrap it
    KeyFileMissing,     // no key file: the folder holds no profile
    KeyFileCorrupted,   // truncated, damaged or of an unknown format
    DatabaseMissing,    // the key file exists but the database does not
    DatabaseCorrupted,  // truncated, damaged, or not the database this key belongs to
    DatabaseTooNew,     // written by a newer Tandem: we refuse to touch it
    ProfileExists,      // create() found an existing profile: nothing is overwritten
    ProfileLocked,      // another process has the profile open
    Keychain,           // the OS keychain is unavailable or refused the request
    InvalidArgument,    // the caller passed something out of bounds (explicit limits)
    NotFound,           // a row that should exist does not
    Constraint,         // a uniqueness or foreign-key rule would be broken
    Busy,               // the database stayed locked past the busy timeout
    Io,                 // the file system failed (disk full, permissions, …)
    Closed,             // the store is not open (or was closed after a fatal error)
    Internal,           // a bug: SQL error that should not happen
};

struct StoreError {
    StoreErrorCode code = StoreErrorCode::Internal;
    QString message;
};

template <class T>
using StoreResult = Expected<T, StoreError>;

inline Unexpected<StoreError> storeError(StoreErrorCode code, QString message) {
    return unexpected(StoreError{code, std::move(message)});
}

}  // namespace tandem::storage
