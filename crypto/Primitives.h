// The libsodium primitives every protocol here is built from, with types that say what a
// byte string is: public keys are plain arrays, private keys and derived keys SecretBytes
// (wiped on destruction). HKDF is built from HMAC-SHA256 (libsodium 1.0.18 has no HKDF).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tandem/common/SecretBytes.h>

#include "crypto/CryptoError.h"

namespace tandem::crypto {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;
using PublicKey = std::array<std::uint8_t, 32>;
using Signature = std::array<std::uint8_t, 64>;
using Nonce = std::array<std::uint8_t, 24>;

inline constexpr std::size_t kKeySize = 32;
inline constexpr std::size_t kAeadTagSize = 16;

inline ByteView view(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};  // NOLINT
}
inline std::string toString(ByteView bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};  // NOLINT
}
// A public key from exactly 32 bytes; Malformed otherwise.
CryptoResult<PublicKey> publicKeyFrom(ByteView bytes, const char* what);
Bytes concat(std::initializer_list<ByteView> parts);

struct X25519KeyPair {
    PublicKey publicKey{};
    SecretBytes privateKey;  // 32
    static X25519KeyPair generate();
    static X25519KeyPair fromPrivate(SecretBytes privateKey);
    [[nodiscard]] X25519KeyPair clone() const;
};

struct Ed25519KeyPair {
    PublicKey publicKey{};
    SecretBytes secretKey;  // 64: libsodium's seed ‖ public key
    static Ed25519KeyPair generate();
    static Ed25519KeyPair fromSeed(ByteView seed32);
    [[nodiscard]] Signature sign(ByteView message) const;
    // The X25519 key pair of the same identity (crypto_sign_ed25519_*_to_curve25519).
    [[nodiscard]] X25519KeyPair toX25519() const;
    [[nodiscard]] Ed25519KeyPair clone() const;
};

bool ed25519Verify(const PublicKey& publicKey, ByteView message, ByteView signature);
// The X25519 public key of an Ed25519 public key; InvalidKey for points that have none.
CryptoResult<PublicKey> ed25519ToX25519(const PublicKey& edPublicKey);
// X25519 Diffie-Hellman; InvalidKey when the peer's key is a low-order point (all-zero
// shared secret), which libsodium refuses.
CryptoResult<SecretBytes> x25519(const SecretBytes& privateKey, const PublicKey& publicKey);

SecretBytes hmacSha256(ByteView key, ByteView data);
// RFC 5869 with SHA-256: extract with `salt` (empty = 32 zero bytes), expand to `length`
// (at most 255 × 32 bytes).
SecretBytes hkdfSha256(ByteView ikm, ByteView salt, ByteView info, std::size_t length);
SecretBytes hkdfExpand(ByteView prk, ByteView info, std::size_t length);

Nonce randomNonce();
// XChaCha20-Poly1305 (IETF). seal returns ciphertext ‖ tag.
Bytes aeadSeal(ByteView key, const Nonce& nonce, ByteView associatedData, ByteView plaintext);
CryptoResult<SecretBytes> aeadOpen(ByteView key, ByteView nonce, ByteView associatedData,
                                   ByteView ciphertext);
// nonce ‖ ciphertext ‖ tag with a fresh random nonce, in one buffer (no copy of large data).
Bytes aeadSealWithNonce(ByteView key, ByteView associatedData, ByteView plaintext);
// Opens what aeadSealWithNonce made.
CryptoResult<SecretBytes> aeadOpenWithNonce(ByteView key, ByteView associatedData, ByteView sealed);

}  // namespace tandem::crypto
