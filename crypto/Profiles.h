// Profiles (docs/people.md): a name and an avatar, published as a signed record
// (crypto/SignedRecord.h) whose payload is sealed under the profile key. Contacts the user
// accepted receive the record's name and the key inside end-to-end encrypted messages; the
// server that keeps the record (the relay, or the onion network's swarm) sees ciphertext of a
// fixed size.
//
// Sealed payload: XChaCha20-Poly1305 (random nonce) over the plaintext padded to
// kProfilePaddedBytes, with "tandem profile v1" ‖ record address ‖ version (8 bytes,
// big-endian) as associated data, so a payload cannot be moved to another record or version.
#pragma once

#include <QByteArray>

#include "crypto/CryptoError.h"
#include "crypto/Primitives.h"

namespace tandem::crypto {

inline constexpr qsizetype kProfileKeyBytes = 32;
inline constexpr qsizetype kMaxProfileAvatarBytes = 32 * 1024;
inline constexpr qsizetype kMaxProfileNameBytes = 256;
// Every profile's plaintext is padded to this, whatever its name and avatar: the record's size
// says nothing about them. It leaves room for the proto's framing.
inline constexpr qsizetype kProfilePaddedBytes = kMaxProfileAvatarBytes + 1024;

// A new random profile key.
SecretBytes generateProfileKey();

// `plain` (a serialized proto::ProfileData, at most kProfilePaddedBytes − 1 bytes) sealed for
// the record `address` at `version`; Malformed if it is too long or the key is not 32 bytes.
CryptoResult<QByteArray> sealProfile(ByteView key, const QByteArray& address, quint64 version,
                                     const QByteArray& plain);
// The plaintext again; Malformed or Unauthenticated (a sentence) otherwise.
CryptoResult<QByteArray> openProfile(ByteView key, const QByteArray& address, quint64 version,
                                     const QByteArray& sealed);

}  // namespace tandem::crypto
