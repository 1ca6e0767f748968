#include "crypto/signal/SealedSender.h"

#include <algorithm>
#include <sodium.h>

#include "crypto/Padding.h"
#include "tandem/signal.pb.h"

namespace tandem::crypto::signal {

namespace {

constexpr std::uint32_t kSealedVersion = 1;
constexpr std::string_view kStaticInfo = "Tandem Sealed Sender v1 static";
constexpr std::string_view kContentInfo = "Tandem Sealed Sender v1 content";
constexpr std::size_t kMaxEnvelopeBytes = RatchetSession::kMaxMessageBytes + 4096;

struct StaticKeys {
    SecretBytes chainKey;
    SecretBytes cipherKey;
};

StaticKeys staticKeys(const SecretBytes& dh, const PublicKey& recipient,
                      const PublicKey& ephemeral) {
    const Bytes salt = concat({recipient, ephemeral});
    const SecretBytes out = hkdfSha256(dh.span(), salt, view(kStaticInfo), 2 * kKeySize);
    return {SecretBytes(out.span().first(kKeySize)), SecretBytes(out.span().last(kKeySize))};
}

SecretBytes contentKey(const SecretBytes& dh, const SecretBytes& chainKey,
                       ByteView encryptedStatic) {
    const Bytes salt = concat({chainKey.span(), encryptedStatic});
    return hkdfSha256(dh.span(), salt, view(kContentInfo), kKeySize);
}

}  // namespace

Bytes SenderCertificate::issue(const Ed25519KeyPair& relayKey, std::uint32_t relayKeyId,
                               ByteView senderAci, const QString& sender,
                               std::uint32_t senderDevice, const PublicKey& identityKey,
                               std::uint64_t expiresMs) {
    proto::SenderCertificate::Body body;
    body.set_sender_aci(toString(senderAci));
    body.set_sender(sender.toStdString());
    body.set_sender_device(senderDevice);
    body.set_identity_key(toString(identityKey));
    body.set_expires_ms(expiresMs);
    body.set_signer_key_id(relayKeyId);
    proto::SenderCertificate certificate;
    certificate.set_body(body.SerializeAsString());
    certificate.set_signature(toString(relayKey.sign(view(certificate.body()))));
    const std::string bytes = certificate.SerializeAsString();
    return {bytes.begin(), bytes.end()};
}

CryptoResult<SenderCertificate> SenderCertificate::verify(
    ByteView bytes, const std::map<std::uint32_t, PublicKey>& trusted, std::uint64_t nowMs) {
    proto::SenderCertificate certificate;
    proto::SenderCertificate::Body body;
    if (bytes.size() > kMaxBytes ||
        !certificate.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) ||
        !body.ParseFromString(certificate.body()) || body.sender_aci().size() != kAciBytes) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("the sender certificate is malformed"));
    }
    const auto signer = trusted.find(body.signer_key_id());
    if (signer == trusted.end() ||
        !ed25519Verify(signer->second, view(certificate.body()), view(certificate.signature()))) {
        return cryptoError(CryptoErrorCode::UntrustedCertificate,
                           QStringLiteral("the sender certificate is not signed by a trusted "
                                          "relay key"));
    }
    if (body.expires_ms() <= nowMs) {
        return cryptoError(CryptoErrorCode::Expired,
                           QStringLiteral("the sender certificate has expired"));
    }
    SenderCertificate out;
    out.sender = QString::fromStdString(body.sender());
    out.senderAci = Bytes(body.sender_aci().begin(), body.sender_aci().end());
    out.senderDevice = body.sender_device();
    TANDEM_TRY_ASSIGN(out.identityKey, publicKeyFrom(view(body.identity_key()), "identity key"));
    out.expiresMs = body.expires_ms();
    out.signerKeyId = body.signer_key_id();
    out.serialized.assign(bytes.begin(), bytes.end());
    return out;
}

CryptoResult<IdentityPublicKey> SealedSenderCache::identity(const PublicKey& ed25519) {
    if (const auto it = x25519_.find(ed25519); it != x25519_.end()) {
        return IdentityPublicKey{ed25519, it->second};
    }
    TANDEM_TRY_ASSIGN(const IdentityPublicKey key, IdentityPublicKey::fromEd25519(ed25519));
    if (x25519_.size() >= kMaxEntries) {
        x25519_.clear();
    }
    x25519_.emplace(ed25519, key.x25519);
    return key;
}

CryptoResult<SecretBytes> SealedSenderCache::staticSecret(const X25519KeyPair& ours,
                                                          const PublicKey& theirs) {
    const auto key = std::make_pair(ours.publicKey, theirs);
    if (const auto it = statics_.find(key); it != statics_.end()) {
        return it->second.clone();
    }
    TANDEM_TRY_ASSIGN(SecretBytes dh, x25519(ours.privateKey, theirs));
    if (statics_.size() >= kMaxEntries) {
        statics_.clear();  // SecretBytes wipe themselves
    }
    statics_.emplace(key, dh.clone());
    return dh;
}

CryptoResult<void> SealedSenderCache::prepareEphemeral(const PublicKey& recipientX25519) {
    X25519KeyPair keyPair = X25519KeyPair::generate();
    TANDEM_TRY_ASSIGN(SecretBytes agreement, x25519(keyPair.privateKey, recipientX25519));
    std::erase_if(prepared_, [&](const auto& p) { return p.first == recipientX25519; });
    if (prepared_.size() >= kMaxPrepared) {
        prepared_.pop_front();  // its SecretBytes wipe themselves
    }
    prepared_.emplace_back(recipientX25519, Ephemeral{std::move(keyPair), std::move(agreement)});
    return {};
}

std::optional<SealedSenderCache::Ephemeral> SealedSenderCache::takeEphemeral(
    const PublicKey& recipientX25519) {
    const auto it = std::find_if(prepared_.begin(), prepared_.end(),
                                 [&](const auto& p) { return p.first == recipientX25519; });
    if (it == prepared_.end()) {
        return std::nullopt;
    }
    Ephemeral taken = std::move(it->second);
    prepared_.erase(it);
    return taken;
}

CryptoResult<SenderCertificate> SealedSenderCache::verify(
    ByteView bytes, const std::map<std::uint32_t, PublicKey>& trusted, std::uint64_t nowMs) {
    Bytes digest(crypto_generichash_BYTES);
    crypto_generichash(digest.data(), digest.size(), bytes.data(), bytes.size(), nullptr, 0);
    if (const auto it = certificates_.find(digest); it != certificates_.end()) {
        const SenderCertificate& known = it->second.certificate;
        const auto signer = trusted.find(known.signerKeyId);
        if (signer != trusted.end() && signer->second == it->second.signer &&
            known.serialized.size() == bytes.size() &&
            std::equal(bytes.begin(), bytes.end(), known.serialized.begin())) {
            if (known.expiresMs <= nowMs) {
                return cryptoError(CryptoErrorCode::Expired,
                                   QStringLiteral("the sender certificate has expired"));
            }
            return known;
        }
    }
    TANDEM_TRY_ASSIGN(SenderCertificate certificate,
                      SenderCertificate::verify(bytes, trusted, nowMs));
    if (certificates_.size() >= kMaxEntries) {
        certificates_.clear();
    }
    certificates_[digest] = {certificate, trusted.at(certificate.signerKeyId)};
    return certificate;
}

CryptoResult<Bytes> sealSender(const IdentityKeyPair& sender, ByteView certificate,
                               MessageType type, ByteView message,
                               const IdentityPublicKey& recipient, SealedSenderCache* cache) {
    proto::SealedContent content;
    content.set_certificate(toString(certificate));
    content.set_type(static_cast<std::uint32_t>(type));
    content.set_message(toString(message));
    std::string plain = content.SerializeAsString();
    const Bytes padded = pad(view(plain));
    sodium_memzero(plain.data(), plain.size());

    std::optional<SealedSenderCache::Ephemeral> prepared =
        cache != nullptr ? cache->takeEphemeral(recipient.x25519) : std::nullopt;
    if (!prepared) {
        X25519KeyPair keyPair = X25519KeyPair::generate();
        TANDEM_TRY_ASSIGN(SecretBytes agreement, x25519(keyPair.privateKey, recipient.x25519));
        prepared.emplace(SealedSenderCache::Ephemeral{std::move(keyPair), std::move(agreement)});
    }
    const X25519KeyPair& ephemeral = prepared->keyPair;
    const SecretBytes& dh1 = prepared->agreement;
    const StaticKeys keys = staticKeys(dh1, recipient.x25519, ephemeral.publicKey);
    const Nonce staticNonce = randomNonce();
    const Bytes encryptedStatic = aeadSeal(keys.cipherKey.span(), staticNonce, ephemeral.publicKey,
                                           sender.publicKey().ed25519);
    TANDEM_TRY_ASSIGN(const SecretBytes dh2,
                      cache != nullptr ? cache->staticSecret(sender.agreement(), recipient.x25519)
                                       : x25519(sender.agreement().privateKey, recipient.x25519));
    const SecretBytes key = contentKey(dh2, keys.chainKey, encryptedStatic);
    const Nonce contentNonce = randomNonce();
    const Bytes encryptedContent =
        aeadSeal(key.span(), contentNonce, concat({ephemeral.publicKey, encryptedStatic}), padded);

    proto::SealedEnvelope envelope;
    envelope.set_version(kSealedVersion);
    envelope.set_ephemeral_key(toString(ephemeral.publicKey));
    envelope.set_static_nonce(toString(staticNonce));
    envelope.set_encrypted_static(toString(encryptedStatic));
    envelope.set_content_nonce(toString(contentNonce));
    envelope.set_encrypted_content(toString(encryptedContent));
    const std::string bytes = envelope.SerializeAsString();
    return Bytes(bytes.begin(), bytes.end());
}

CryptoResult<UnsealedMessage> openSealed(const IdentityKeyPair& recipient, ByteView envelopeBytes,
                                         const std::map<std::uint32_t, PublicKey>& trusted,
                                         std::uint64_t nowMs, SealedSenderCache* cache) {
    proto::SealedEnvelope envelope;
    if (envelopeBytes.size() > kMaxEnvelopeBytes ||
        !envelope.ParseFromArray(envelopeBytes.data(), static_cast<int>(envelopeBytes.size())) ||
        envelope.version() != kSealedVersion) {
        return cryptoError(CryptoErrorCode::Malformed, QStringLiteral("the envelope is malformed"));
    }
    TANDEM_TRY_ASSIGN(const PublicKey ephemeral,
                      publicKeyFrom(view(envelope.ephemeral_key()), "ephemeral key"));
    TANDEM_TRY_ASSIGN(const SecretBytes dh1, x25519(recipient.agreement().privateKey, ephemeral));
    const StaticKeys keys = staticKeys(dh1, recipient.publicKey().x25519, ephemeral);
    TANDEM_TRY_ASSIGN(const SecretBytes senderKeyBytes,
                      aeadOpen(keys.cipherKey.span(), view(envelope.static_nonce()), ephemeral,
                               view(envelope.encrypted_static())));
    TANDEM_TRY_ASSIGN(const PublicKey senderEd, publicKeyFrom(senderKeyBytes.span(), "sender key"));
    TANDEM_TRY_ASSIGN(
        const IdentityPublicKey senderIdentity,
        cache != nullptr ? cache->identity(senderEd) : IdentityPublicKey::fromEd25519(senderEd));
    TANDEM_TRY_ASSIGN(const SecretBytes dh2,
                      cache != nullptr
                          ? cache->staticSecret(recipient.agreement(), senderIdentity.x25519)
                          : x25519(recipient.agreement().privateKey, senderIdentity.x25519));
    const SecretBytes key = contentKey(dh2, keys.chainKey, view(envelope.encrypted_static()));
    TANDEM_TRY_ASSIGN(const SecretBytes padded,
                      aeadOpen(key.span(), view(envelope.content_nonce()),
                               concat({ephemeral, view(envelope.encrypted_static())}),
                               view(envelope.encrypted_content())));
    TANDEM_TRY_ASSIGN(const SecretBytes plain, unpad(padded.span()));
    proto::SealedContent content;
    if (!content.ParseFromArray(plain.data(), static_cast<int>(plain.size())) ||
        (content.type() < 1 || content.type() > 3)) {  // MessageType
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("the sealed content is malformed"));
    }
    TANDEM_TRY_ASSIGN(SenderCertificate certificate,
                      cache != nullptr
                          ? cache->verify(view(content.certificate()), trusted, nowMs)
                          : SenderCertificate::verify(view(content.certificate()), trusted, nowMs));
    if (sodium_memcmp(certificate.identityKey.data(), senderEd.data(), kKeySize) != 0) {
        return cryptoError(CryptoErrorCode::UntrustedCertificate,
                           QStringLiteral("the sender certificate belongs to another identity"));
    }
    UnsealedMessage out;
    out.certificate = std::move(certificate);
    out.type = static_cast<MessageType>(content.type());
    out.message = SecretBytes(view(content.message()));
    sodium_memzero(content.mutable_message()->data(), content.message().size());
    return out;
}

}  // namespace tandem::crypto::signal
