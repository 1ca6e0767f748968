// Sealed sender: the relay delivers an envelope knowing only the recipient.
//
// The relay issues each registered account a SenderCertificate (account id, the phone number
// only if the account shares it, identity key, expiry) signed with the relay's Ed25519 key. To
// send, the sender seals
//   { certificate, message type, message }  (padded to 160-byte buckets)
// to the recipient's identity key in two layers, as Signal's v1 does:
//   e      ephemeral X25519;  (CK, K1) = HKDF(DH(e, IK_R), salt = IK_R ‖ e)
//   static = AEAD(K1, sender's identity key)
//   K2     = HKDF(DH(IK_S, IK_R), salt = CK ‖ static)
//   content= AEAD(K2, padded content)
// Opening proves the sender holds IK_S (the second DH) and checks that the certificate is
// signed by a trusted relay key, unexpired, and names that same identity key.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>

#include <QString>

#include "crypto/signal/Identity.h"
#include "crypto/signal/Ratchet.h"

namespace tandem::crypto::signal {

struct SenderCertificate {
    static constexpr std::size_t kAciBytes = 16;

    QString sender;   // E.164, empty unless the sender shares the number
    Bytes senderAci;  // kAciBytes: the sender's account id, always present
    std::uint32_t senderDevice = 1;
    PublicKey identityKey{};  // Ed25519
    std::uint64_t expiresMs = 0;
    std::uint32_t signerKeyId = 0;
    Bytes serialized;  // exactly as issued (body + signature)

    static constexpr std::size_t kMaxBytes = 1024;

    static Bytes issue(const Ed25519KeyPair& relayKey, std::uint32_t relayKeyId, ByteView senderAci,
                       const QString& sender, std::uint32_t senderDevice,
                       const PublicKey& identityKey, std::uint64_t expiresMs);
    // Parses and checks signature (against trusted relay keys by id) and expiry.
    static CryptoResult<SenderCertificate> verify(ByteView bytes,
                                                  const std::map<std::uint32_t, PublicKey>& trusted,
                                                  std::uint64_t nowMs);
};

// What sealing and opening for the same peers would recompute every time: the X25519 form of
// a sender's identity key (a field inversion), the signature check of a certificate seen
// before (byte-identical, signed by the same trusted key; its expiry is checked every time),
// and the static-static DH of two identities (a function of the two long-term keys only; held
// in guarded memory like the identity key it derives from). Bounded; for one thread (the
// store's).
class SealedSenderCache {
public:
    static constexpr std::size_t kMaxEntries = 512;

    CryptoResult<IdentityPublicKey> identity(const PublicKey& ed25519);
    CryptoResult<SecretBytes> staticSecret(const X25519KeyPair& ours, const PublicKey& theirs);
    CryptoResult<SenderCertificate> verify(ByteView bytes,
                                           const std::map<std::uint32_t, PublicKey>& trusted,
                                           std::uint64_t nowMs);

    // An ephemeral key pair and its agreement with one recipient's identity, made ahead — after
    // a send, while the store thread is idle — so that the next seal to that recipient skips
    // both scalar multiplications. Each is used once (taken, then wiped); a newer one for the
    // same recipient replaces an unused one; at most kMaxPrepared recipients, the oldest
    // dropped. Not a weaker key: the same X25519KeyPair::generate(), made a little earlier.
    static constexpr std::size_t kMaxPrepared = 32;
    CryptoResult<void> prepareEphemeral(const PublicKey& recipientX25519);
    struct Ephemeral {
        X25519KeyPair keyPair;
        SecretBytes agreement;  // X25519(keyPair.privateKey, the recipient's identity)
    };
    std::optional<Ephemeral> takeEphemeral(const PublicKey& recipientX25519);

private:
    struct Verified {
        SenderCertificate certificate;
        PublicKey signer{};
    };
    std::map<PublicKey, PublicKey> x25519_;
    std::map<Bytes, Verified> certificates_;  // by BLAKE2b-256 of the bytes
    std::map<std::pair<PublicKey, PublicKey>, SecretBytes> statics_;
    std::deque<std::pair<PublicKey, Ephemeral>> prepared_;  // oldest first
};

struct UnsealedMessage {
    SenderCertificate certificate;
    MessageType type = MessageType::Whisper;
    SecretBytes message;
};

CryptoResult<Bytes> sealSender(const IdentityKeyPair& sender, ByteView certificate,
                               MessageType type, ByteView message,
                               const IdentityPublicKey& recipient,
                               SealedSenderCache* cache = nullptr);

CryptoResult<UnsealedMessage> openSealed(const IdentityKeyPair& recipient, ByteView envelope,
                                         const std::map<std::uint32_t, PublicKey>& trusted,
                                         std::uint64_t nowMs, SealedSenderCache* cache = nullptr);

}  // namespace tandem::crypto::signal
