// Errors of the crypto layer: a code to branch on and a sentence saying what is wrong.
// Nothing here ever puts key material or plaintext into a message.
#pragma once

#include <QString>

#include <tandem/common/Expected.h>

namespace tandem::crypto {

enum class CryptoErrorCode {
    Malformed,             // bytes that do not decode (truncated, wrong sizes, bad fields)
    TooLarge,              // over an explicit size limit
    InvalidKey,            // a public key that is not a usable curve point
    BadSignature,          // a signature that does not verify
    DecryptFailed,         // authentication failed: tampered, or not for this key
    Replayed,              // a message whose key was already used
    TooFarAhead,           // a counter jump past the skipped-key bound
    UnknownPrekey,         // a prekey id we do not hold (used up or never issued)
    Expired,               // a certificate past its expiry
    UntrustedCertificate,  // signed by a key we do not trust, or not matching the sender
    WrongRecipient,        // signed for someone else
    WrongSender,           // signed by a key other than the one expected
    InvalidPhrase,         // a recovery phrase that does not decode
    InvalidLink,           // a share link that does not parse
};

struct CryptoError {
    CryptoErrorCode code = CryptoErrorCode::Malformed;
    QString message;
};

template <class T>
using CryptoResult = Expected<T, CryptoError>;

inline Unexpected<CryptoError> cryptoError(CryptoErrorCode code, QString message) {
    return unexpected(CryptoError{code, std::move(message)});
}

}  // namespace tandem::crypto
