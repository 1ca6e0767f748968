#include "crypto/signal/X3dh.h"

namespace tandem::crypto::signal {

namespace {

constexpr std::string_view kInfo = "Tandem X3DH v1";

Bytes associatedData(const IdentityPublicKey& initiator, const IdentityPublicKey& responder) {
    return concat({initiator.serialized(), responder.serialized()});
}

CryptoResult<SecretBytes> deriveSecret(std::initializer_list<const SecretBytes*> dhs) {
    Bytes ikm(32, 0xFF);
    for (const SecretBytes* dh : dhs) {
        if (dh != nullptr) {
            ikm.insert(ikm.end(), dh->data(), dh->data() + dh->size());
        }
    }
    SecretBytes secret = hkdfSha256(ikm, {}, view(kInfo), kKeySize);
    sodium_memzero(ikm.data(), ikm.size());
    return secret;
}

}  // namespace

CryptoResult<X3dhResult> x3dhInitiate(const IdentityKeyPair& initiator,
                                      const PreKeyBundle& bundle) {
    TANDEM_TRY(bundle.verify());
    const X25519KeyPair ephemeral = X25519KeyPair::generate();
    TANDEM_TRY_ASSIGN(const SecretBytes dh1,
                      x25519(initiator.agreement().privateKey, bundle.signedPreKey));
    TANDEM_TRY_ASSIGN(const SecretBytes dh2, x25519(ephemeral.privateKey, bundle.identity.x25519));
    TANDEM_TRY_ASSIGN(const SecretBytes dh3, x25519(ephemeral.privateKey, bundle.signedPreKey));
    std::optional<SecretBytes> dh4;
    if (bundle.oneTimePreKey) {
        TANDEM_TRY_ASSIGN(dh4, x25519(ephemeral.privateKey, bundle.oneTimePreKey->second));
    }
    TANDEM_TRY_ASSIGN(SecretBytes sk, deriveSecret({&dh1, &dh2, &dh3, dh4 ? &*dh4 : nullptr}));
    return X3dhResult{std::move(sk), associatedData(initiator.publicKey(), bundle.identity),
                      ephemeral.publicKey};
}

CryptoResult<X3dhResult> x3dhRespond(const IdentityKeyPair& responder,
                                     const SignedPreKey& signedPreKey,
                                     const OneTimePreKey* oneTimePreKey,
                                     const IdentityPublicKey& initiator,
                                     const PublicKey& initiatorEphemeral) {
    TANDEM_TRY_ASSIGN(const SecretBytes dh1,
                      x25519(signedPreKey.keyPair.privateKey, initiator.x25519));
    TANDEM_TRY_ASSIGN(const SecretBytes dh2,
                      x25519(responder.agreement().privateKey, initiatorEphemeral));
    TANDEM_TRY_ASSIGN(const SecretBytes dh3,
                      x25519(signedPreKey.keyPair.privateKey, initiatorEphemeral));
    std::optional<SecretBytes> dh4;
    if (oneTimePreKey != nullptr) {
        TANDEM_TRY_ASSIGN(dh4, x25519(oneTimePreKey->keyPair.privateKey, initiatorEphemeral));
    }
    TANDEM_TRY_ASSIGN(SecretBytes sk, deriveSecret({&dh1, &dh2, &dh3, dh4 ? &*dh4 : nullptr}));
    return X3dhResult{std::move(sk), associatedData(initiator, responder.publicKey()), {}};
}

}  // namespace tandem::crypto::signal
