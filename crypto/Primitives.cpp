#include "crypto/Primitives.h"

#include <algorithm>
#include <sodium.h>

#include <QtGlobal>

namespace tandem::crypto {

CryptoResult<PublicKey> publicKeyFrom(ByteView bytes, const char* what) {
    if (bytes.size() != kKeySize) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("the %1 has %2 bytes instead of 32")
                               .arg(QLatin1String(what))
                               .arg(bytes.size()));
    }
    PublicKey key{};
    std::copy(bytes.begin(), bytes.end(), key.begin());
    return key;
}

Bytes concat(std::initializer_list<ByteView> parts) {
    std::size_t size = 0;
    for (const ByteView part : parts) {
        size += part.size();
    }
    Bytes out;
    out.reserve(size);
    for (const ByteView part : parts) {
        out.insert(out.end(), part.begin(), part.end());
    }
    return out;
}

X25519KeyPair X25519KeyPair::generate() {
    X25519KeyPair pair;
    pair.privateKey = SecretBytes(crypto_scalarmult_SCALARBYTES);
    randombytes_buf(pair.privateKey.data(), pair.privateKey.size());
    crypto_scalarmult_base(pair.publicKey.data(), pair.privateKey.data());
    return pair;
}

X25519KeyPair X25519KeyPair::fromPrivate(SecretBytes privateKey) {
    X25519KeyPair pair;
    pair.privateKey = std::move(privateKey);
    crypto_scalarmult_base(pair.publicKey.data(), pair.privateKey.data());
    return pair;
}

X25519KeyPair X25519KeyPair::clone() const {
    X25519KeyPair copy;
    copy.publicKey = publicKey;
    copy.privateKey = privateKey.clone();
    return copy;
}

Ed25519KeyPair Ed25519KeyPair::generate() {
    Ed25519KeyPair pair;
    pair.secretKey = SecretBytes(crypto_sign_SECRETKEYBYTES);
    crypto_sign_keypair(pair.publicKey.data(), pair.secretKey.data());
    return pair;
}

Ed25519KeyPair Ed25519KeyPair::fromSeed(ByteView seed32) {
    Ed25519KeyPair pair;
    pair.secretKey = SecretBytes(crypto_sign_SECRETKEYBYTES);
    crypto_sign_seed_keypair(pair.publicKey.data(), pair.secretKey.data(), seed32.data());
    return pair;
}

Signature Ed25519KeyPair::sign(ByteView message) const {
    Signature signature{};
    crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(),
                         secretKey.data());
    return signature;
}

X25519KeyPair Ed25519KeyPair::toX25519() const {
    X25519KeyPair pair;
    pair.privateKey = SecretBytes(crypto_scalarmult_curve25519_BYTES);
    crypto_sign_ed25519_sk_to_curve25519(pair.privateKey.data(), secretKey.data());
    crypto_scalarmult_base(pair.publicKey.data(), pair.privateKey.data());
    return pair;
}

Ed25519KeyPair Ed25519KeyPair::clone() const {
    Ed25519KeyPair copy;
    copy.publicKey = publicKey;
    copy.secretKey = secretKey.clone();
    return copy;
}

bool ed25519Verify(const PublicKey& publicKey, ByteView message, ByteView signature) {
    return signature.size() == crypto_sign_BYTES &&
           crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                       publicKey.data()) == 0;
}

CryptoResult<PublicKey> ed25519ToX25519(const PublicKey& edPublicKey) {
    PublicKey out{};
    if (crypto_sign_ed25519_pk_to_curve25519(out.data(), edPublicKey.data()) != 0) {
        return cryptoError(CryptoErrorCode::InvalidKey,
                           QStringLiteral("the Ed25519 public key is not a valid point"));
    }
    return out;
}

CryptoResult<SecretBytes> x25519(const SecretBytes& privateKey, const PublicKey& publicKey) {
    SecretBytes shared(crypto_scalarmult_BYTES);
    if (crypto_scalarmult(shared.data(), privateKey.data(), publicKey.data()) != 0) {
        return cryptoError(CryptoErrorCode::InvalidKey,
                           QStringLiteral("the peer's X25519 key is a low-order point"));
    }
    return shared;
}

SecretBytes hmacSha256(ByteView key, ByteView data) {
    SecretBytes out(crypto_auth_hmacsha256_BYTES);
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, key.data(), key.size());
    crypto_auth_hmacsha256_update(&state, data.data(), data.size());
    crypto_auth_hmacsha256_final(&state, out.data());
    sodium_memzero(&state, sizeof state);
    return out;
}

SecretBytes hkdfExpand(ByteView prk, ByteView info, std::size_t length) {
    constexpr std::size_t kHash = crypto_auth_hmacsha256_BYTES;
    Q_ASSERT(length <= 255 * kHash);
    SecretBytes out(length);
    std::array<std::uint8_t, kHash> block{};
    std::size_t done = 0;
    for (std::uint8_t counter = 1; done < length; ++counter) {
        crypto_auth_hmacsha256_state state;
        crypto_auth_hmacsha256_init(&state, prk.data(), prk.size());
        if (counter > 1) {
            crypto_auth_hmacsha256_update(&state, block.data(), block.size());
        }
        crypto_auth_hmacsha256_update(&state, info.data(), info.size());
        crypto_auth_hmacsha256_update(&state, &counter, 1);
        crypto_auth_hmacsha256_final(&state, block.data());
        sodium_memzero(&state, sizeof state);
        const std::size_t n = std::min(kHash, length - done);
        std::copy_n(block.begin(), n, out.data() + done);
        done += n;
    }
    sodium_memzero(block.data(), block.size());
    return out;
}

SecretBytes hkdfSha256(ByteView ikm, ByteView salt, ByteView info, std::size_t length) {
    static constexpr std::array<std::uint8_t, crypto_auth_hmacsha256_BYTES> kZeroSalt{};
    const SecretBytes prk = hmacSha256(salt.empty() ? ByteView(kZeroSalt) : salt, ikm);
    return hkdfExpand(prk.span(), info, length);
}

Nonce randomNonce() {
    Nonce nonce{};
    randombytes_buf(nonce.data(), nonce.size());
    return nonce;
}

Bytes aeadSeal(ByteView key, const Nonce& nonce, ByteView associatedData, ByteView plaintext) {
    Bytes out(plaintext.size() + kAeadTagSize);
    unsigned long long written = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        out.data(), &written, plaintext.data(), plaintext.size(), associatedData.data(),
        associatedData.size(), nullptr, nonce.data(), key.data());
    out.resize(static_cast<std::size_t>(written));
    return out;
}

CryptoResult<SecretBytes> aeadOpen(ByteView key, ByteView nonce, ByteView associatedData,
                                   ByteView ciphertext) {
    if (key.size() != crypto_aead_xchacha20poly1305_ietf_KEYBYTES ||
        nonce.size() != crypto_aead_xchacha20poly1305_ietf_NPUBBYTES ||
        ciphertext.size() < kAeadTagSize) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("the ciphertext or its nonce is truncated"));
    }
    SecretBytes plaintext(ciphertext.size() - kAeadTagSize);
    unsigned long long written = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            plaintext.data(), &written, nullptr, ciphertext.data(), ciphertext.size(),
            associatedData.data(), associatedData.size(), nonce.data(), key.data()) != 0) {
        return cryptoError(CryptoErrorCode::DecryptFailed,
                           QStringLiteral("the message failed authentication (tampered, or "
                                          "not encrypted for this key)"));
    }
    return plaintext;
}

Bytes aeadSealWithNonce(ByteView key, ByteView associatedData, ByteView plaintext) {
    constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    Bytes out(kNonce + plaintext.size() + kAeadTagSize);
    randombytes_buf(out.data(), kNonce);
    unsigned long long written = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        out.data() + kNonce, &written, plaintext.data(), plaintext.size(), associatedData.data(),
        associatedData.size(), nullptr, out.data(), key.data());
    return out;
}

CryptoResult<SecretBytes> aeadOpenWithNonce(ByteView key, ByteView associatedData,
                                            ByteView sealed) {
    constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    if (sealed.size() < kNonce + kAeadTagSize) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("the ciphertext is truncated"));
    }
    return aeadOpen(key, sealed.first(kNonce), associatedData, sealed.subspan(kNonce));
}

}  // namespace tandem::crypto
