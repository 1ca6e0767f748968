// Session-mode identity, as Session makes it: a 16-byte random seed, padded with 16 zero
// bytes into an Ed25519 seed; the X25519 key comes from the Ed25519 key
// (crypto_sign_ed25519_pk_to_curve25519) and the Session ID is "05" + hex of it.
#pragma once

#include <QString>

#include "crypto/Primitives.h"

namespace tandem::crypto::session {

inline constexpr std::size_t kSeedBytes = 16;

struct SessionIdentity {
    SecretBytes seed;  // 16 bytes: what the recovery phrase encodes
    Ed25519KeyPair ed25519;
    X25519KeyPair x25519;
    QString sessionId;

    static SessionIdentity generate();
    static CryptoResult<SessionIdentity> fromSeed(ByteView seed16);
};

QString sessionIdOf(const PublicKey& x25519);
// The X25519 key of a Session ID: exactly "05" + 64 lowercase hex digits (one spelling per
// key). Syntax only, and cheap: nodes parse one per request.
CryptoResult<PublicKey> parseSessionId(const QString& sessionId);
// False for a key of small order (all zeros among them): nobody holds its secret, so whatever
// is sealed to it anyone opens. Costs one X25519 multiplication: checked where a person names
// a recipient, not on every parse (sealing refuses such keys anyway).
bool isUsableKey(const PublicKey& x25519);

}  // namespace tandem::crypto::session
