// Signal-mode identities and prekeys.
//
// An identity is an Ed25519 key pair (it signs prekeys); its X25519 key, used for every
// Diffie-Hellman and for safety numbers, is derived from it with libsodium's birational map,
// so one public key (Ed25519, 32 bytes) identifies both. Signal serializes public keys as
// 33 bytes, 0x05 ‖ X25519 key; we do the same wherever Signal does (safety numbers, X3DH AD).
// (Signal signs with XEdDSA from the X25519 key; libsodium 1.0.18 has no XEdDSA, hence the
// Ed25519-first identity.)
#pragma once

#include <cstdint>
#include <optional>

#include "crypto/Primitives.h"

namespace tandem::crypto::signal {

using SerializedKey = std::array<std::uint8_t, 33>;
inline constexpr std::uint8_t kDjbKeyType = 0x05;

SerializedKey serializeKey(const PublicKey& x25519);
CryptoResult<PublicKey> deserializeKey(ByteView bytes);

struct IdentityPublicKey {
    PublicKey ed25519{};
    PublicKey x25519{};
    static CryptoResult<IdentityPublicKey> fromEd25519(const PublicKey& ed25519);
    [[nodiscard]] SerializedKey serialized() const { return serializeKey(x25519); }
    friend bool operator==(const IdentityPublicKey&, const IdentityPublicKey&) = default;
};

class IdentityKeyPair {
public:
    static IdentityKeyPair generate();
    // From the 64-byte Ed25519 secret key as stored (seed ‖ public key).
    static CryptoResult<IdentityKeyPair> fromSecret(ByteView ed25519Secret);

    [[nodiscard]] const IdentityPublicKey& publicKey() const { return public_; }
    [[nodiscard]] const Ed25519KeyPair& signing() const { return signing_; }
    [[nodiscard]] const X25519KeyPair& agreement() const { return agreement_; }
    [[nodiscard]] IdentityKeyPair clone() const;

private:
    Ed25519KeyPair signing_;
    X25519KeyPair agreement_;
    IdentityPublicKey public_;
};

struct SignedPreKey {
    std::uint32_t id = 0;
    X25519KeyPair keyPair;
    Signature signature{};  // by the identity, over serializeKey(keyPair.publicKey)
    static SignedPreKey generate(const IdentityKeyPair& identity, std::uint32_t id);
};

struct OneTimePreKey {
    std::uint32_t id = 0;
    X25519KeyPair keyPair;
    static OneTimePreKey generate(std::uint32_t id);
};

// What a recipient publishes (through the relay) so others can start sessions with it.
struct PreKeyBundle {
    IdentityPublicKey identity;
    std::uint32_t signedPreKeyId = 0;
    PublicKey signedPreKey{};
    Signature signedPreKeySignature{};
    std::optional<std::pair<std::uint32_t, PublicKey>> oneTimePreKey;

    static PreKeyBundle of(const IdentityKeyPair& identity, const SignedPreKey& signedPreKey,
                           const OneTimePreKey* oneTimePreKey);
    // BadSignature unless the identity signed the signed prekey.
    [[nodiscard]] CryptoResult<void> verify() const;
    [[nodiscard]] Bytes serialize() const;
    static CryptoResult<PreKeyBundle> parse(ByteView bytes);
};

}  // namespace tandem::crypto::signal
