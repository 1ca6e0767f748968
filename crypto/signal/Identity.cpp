#include "crypto/signal/Identity.h"

#include <sodium.h>

#include "tandem/signal.pb.h"

namespace tandem::crypto::signal {

SerializedKey serializeKey(const PublicKey& x25519) {
    SerializedKey out{};
    out[0] = kDjbKeyType;
    std::copy(x25519.begin(), x25519.end(), out.begin() + 1);
    return out;
}

CryptoResult<PublicKey> deserializeKey(ByteView bytes) {
    if (bytes.size() != 33 || bytes[0] != kDjbKeyType) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("a public key has 33 bytes starting with 05"));
    }
    return publicKeyFrom(bytes.subspan(1), "public key");
}

CryptoResult<IdentityPublicKey> IdentityPublicKey::fromEd25519(const PublicKey& ed25519) {
    TANDEM_TRY_ASSIGN(const PublicKey x25519, ed25519ToX25519(ed25519));
    return IdentityPublicKey{ed25519, x25519};
}

IdentityKeyPair IdentityKeyPair::generate() {
    IdentityKeyPair pair;
    pair.signing_ = Ed25519KeyPair::generate();
    pair.agreement_ = pair.signing_.toX25519();
    pair.public_ = {pair.signing_.publicKey, pair.agreement_.publicKey};
    return pair;
}

CryptoResult<IdentityKeyPair> IdentityKeyPair::fromSecret(ByteView ed25519Secret) {
    if (ed25519Secret.size() != crypto_sign_SECRETKEYBYTES) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("an identity secret key has 64 bytes"));
    }
    IdentityKeyPair pair;
    pair.signing_ = Ed25519KeyPair::fromSeed(ed25519Secret.first(crypto_sign_SEEDBYTES));
    if (!std::equal(pair.signing_.publicKey.begin(), pair.signing_.publicKey.end(),
                    ed25519Secret.begin() + crypto_sign_SEEDBYTES)) {
        return cryptoError(CryptoErrorCode::InvalidKey,
                           QStringLiteral("the identity secret key is inconsistent"));
    }
    pair.agreement_ = pair.signing_.toX25519();
    pair.public_ = {pair.signing_.publicKey, pair.agreement_.publicKey};
    return pair;
}

IdentityKeyPair IdentityKeyPair::clone() const {
    IdentityKeyPair copy;
    copy.signing_ = signing_.clone();
    copy.agreement_ = agreement_.clone();
    copy.public_ = public_;
    return copy;
}

SignedPreKey SignedPreKey::generate(const IdentityKeyPair& identity, std::uint32_t id) {
    SignedPreKey key;
    key.id = id;
    key.keyPair = X25519KeyPair::generate();
    key.signature = identity.signing().sign(serializeKey(key.keyPair.publicKey));
    return key;
}

OneTimePreKey OneTimePreKey::generate(std::uint32_t id) {
    return {id, X25519KeyPair::generate()};
}

PreKeyBundle PreKeyBundle::of(const IdentityKeyPair& identity, const SignedPreKey& signedPreKey,
                              const OneTimePreKey* oneTimePreKey) {
    PreKeyBundle bundle;
    bundle.identity = identity.publicKey();
    bundle.signedPreKeyId = signedPreKey.id;
    bundle.signedPreKey = signedPreKey.keyPair.publicKey;
    bundle.signedPreKeySignature = signedPreKey.signature;
    if (oneTimePreKey != nullptr) {
        bundle.oneTimePreKey = std::make_pair(oneTimePreKey->id, oneTimePreKey->keyPair.publicKey);
    }
    return bundle;
}

CryptoResult<void> PreKeyBundle::verify() const {
    if (!ed25519Verify(identity.ed25519, serializeKey(signedPreKey), signedPreKeySignature)) {
        return cryptoError(CryptoErrorCode::BadSignature,
                           QStringLiteral("the signed prekey is not signed by the identity key"));
    }
    return {};
}

Bytes PreKeyBundle::serialize() const {
    proto::PreKeyBundle p;
    p.set_identity_key(toString(identity.ed25519));
    p.set_signed_prekey_id(signedPreKeyId);
    p.set_signed_prekey(toString(signedPreKey));
    p.set_signed_prekey_signature(toString(signedPreKeySignature));
    if (oneTimePreKey) {
        p.set_has_one_time_prekey(true);
        p.set_one_time_prekey_id(oneTimePreKey->first);
        p.set_one_time_prekey(toString(oneTimePreKey->second));
    }
    const std::string bytes = p.SerializeAsString();
    return {bytes.begin(), bytes.end()};
}

CryptoResult<PreKeyBundle> PreKeyBundle::parse(ByteView bytes) {
    proto::PreKeyBundle p;
    if (bytes.size() > 4096 || !p.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("the prekey bundle is malformed"));
    }
    PreKeyBundle bundle;
    TANDEM_TRY_ASSIGN(const PublicKey ed, publicKeyFrom(view(p.identity_key()), "identity key"));
    TANDEM_TRY_ASSIGN(bundle.identity, IdentityPublicKey::fromEd25519(ed));
    bundle.signedPreKeyId = p.signed_prekey_id();
    TANDEM_TRY_ASSIGN(bundle.signedPreKey, publicKeyFrom(view(p.signed_prekey()), "signed prekey"));
    if (p.signed_prekey_signature().size() != bundle.signedPreKeySignature.size()) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("the signed prekey signature has the wrong size"));
    }
    std::copy(p.signed_prekey_signature().begin(), p.signed_prekey_signature().end(),
              bundle.signedPreKeySignature.begin());
    if (p.has_one_time_prekey()) {
        TANDEM_TRY_ASSIGN(const PublicKey otk,
                          publicKeyFrom(view(p.one_time_prekey()), "one-time prekey"));
        bundle.oneTimePreKey = std::make_pair(p.one_time_prekey_id(), otk);
    }
    return bundle;
}

}  // namespace tandem::crypto::signal
