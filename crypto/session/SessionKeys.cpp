#include "crypto/session/SessionKeys.h"

#include <sodium.h>

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
    const QByteArray hex = sessionId.mid(2).toLatin1();
    PublicKey key{};
    std::size_t written = 0;
    const char* end = nullptr;
    if (sodium_hex2bin(key.data(), key.size(), hex.constData(),
                       static_cast<std::size_t>(hex.size()), nullptr, &written, &end) != 0 ||
        written != key.size() || end != hex.constData() + hex.size()) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("a Session ID holds only hexadecimal digits"));
    }
    return key;
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
