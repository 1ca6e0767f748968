// X3DH (Signal's Extended Triple Diffie-Hellman) key agreement.
//   DH1 = DH(IK_A, SPK_B)  DH2 = DH(EK_A, IK_B)  DH3 = DH(EK_A, SPK_B)  [DH4 = DH(EK_A, OPK_B)]
//   SK  = HKDF-SHA256(F ‖ DH1 ‖ DH2 ‖ DH3 [‖ DH4]), F = 32 × 0xFF, salt = 32 zero bytes
//   AD  = Encode(IK_A) ‖ Encode(IK_B)   (33-byte serialized X25519 identity keys)
#pragma once

#include <optional>

#include "crypto/signal/Identity.h"

namespace tandem::crypto::signal {

struct X3dhResult {
    SecretBytes sharedSecret;     // SK, 32 bytes: the Double Ratchet's first root key
    Bytes associatedData;         // AD
    PublicKey ephemeralPublic{};  // EK_A (initiator only)
};

// The initiator's side; the bundle's signature is checked first (BadSignature).
CryptoResult<X3dhResult> x3dhInitiate(const IdentityKeyPair& initiator, const PreKeyBundle& bundle);

// The responder's side, from the prekey message's identity and base key.
CryptoResult<X3dhResult> x3dhRespond(const IdentityKeyPair& responder,
                                     const SignedPreKey& signedPreKey,
                                     const OneTimePreKey* oneTimePreKey,
                                     const IdentityPublicKey& initiator,
                                     const PublicKey& initiatorEphemeral);

}  // namespace tandem::crypto::signal
