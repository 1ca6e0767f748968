#include "crypto/session/SessionKeys.h"

#include <array>
#include <sodium.h>

#include <tandem/common/Ascii.h>

namespace tandem::crypto::session {

QString sessionIdOf(const PublicKey& x25519) {
    std::array<char, 65> hex{};
    sodium_bin2hex(hex.data(), hex.size(), x25519.data(), x25519.size());
    return QStringLiteral("05") + QString::fromLatin1(hex.data());
}

CryptoResult<PublicKey> parseSessionId(const QString& sessionId) {
    if (sessionId.size() != 66 || !sessionId.startsWith(QLatin1String("05"))) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("a Session ID is 66 hexadecimal characters starting "
                                          "with 05"));
    }
    // Lowercase only: one spelling per key, so no two strings name one person. Input a person
    // typed is lowercased where it is read (the app's fields, tandemctl's arguments).
    const auto key = parseLowerHex(QStringView(sessionId).mid(2), 32);
    if (!key) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("a Session ID holds only lowercase hexadecimal digits"));
    }
    PublicKey out{};
    std::copy(key->begin(), key->end(), out.begin());
    return out;
}

bool isUsableKey(const PublicKey& x25519) {
    // X25519 with any scalar gives all zeros for exactly the keys of small order, which
    // crypto_scalarmult reports as a failure.
    std::array<unsigned char, crypto_scalarmult_BYTES> product{};
    const std::array<unsigned char, crypto_scalarmult_SCALARBYTES> scalar{1};
    return crypto_scalarmult(product.data(), scalar.data(), x25519.data()) == 0;
}

SessionIdentity SessionIdentity::generate() {
    SecretBytes seed(kSeedBytes);
    randombytes_buf(seed.data(), seed.size());
    return fromSeed(seed.span()).value();
}

CryptoResult<SessionIdentity> SessionIdentity::fromSeed(ByteView seed16) {
    if (seed16.size() != kSeedBytes) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("a Session seed has 16 bytes"));
    }
    SecretBytes padded(crypto_sign_SEEDBYTES);  // zero-filled: seed ‖ 16 × 0x00
    std::copy(seed16.begin(), seed16.end(), padded.data());
    SessionIdentity identity;
    identity.seed = SecretBytes(seed16);
    identity.ed25519 = Ed25519KeyPair::fromSeed(padded.span());
    identity.x25519 = identity.ed25519.toX25519();
    identity.sessionId = sessionIdOf(identity.x25519.publicKey);
    return identity;
}

}  // namespace tandem::crypto::session
