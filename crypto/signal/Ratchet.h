// The Double Ratchet (Signal's specification), with Signal's KDF chains:
//   root step   RK', CK = HKDF-SHA256(ikm = DH(DHs, DHr), salt = RK, info)   (64 bytes)
//   chain step  MK = HMAC-SHA256(CK, 0x01), CK' = HMAC-SHA256(CK, 0x02)
// Message keys encrypt with XChaCha20-Poly1305 under a random 24-byte nonce; the header
// (ratchet key, previous chain length, counter) and the X3DH AD are the associated data.
//
// Bounds: at most kMaxSkip message keys are skipped in one chain (a bigger forward jump is
// refused), at most kMaxStoredSkipped are kept (oldest dropped). A message whose key was
// used already is refused as a replay. decrypt() is all-or-nothing: a message that fails
// authentication leaves the state exactly as it was.
#pragma once

#include <deque>
#include <optional>

#include "crypto/signal/Identity.h"

namespace tandem::crypto::signal {

// Probe: sealed-sender content that is not ratchet-encrypted — latency probes (docs/latency.md),
// which carry only padding and timings, so they cross the relay exactly as messages do without
// advancing (or needing) a session. Never used for anything a user wrote.
enum class MessageType : std::uint32_t { Whisper = 1, PreKey = 2, Probe = 3 };

struct OutgoingMessage {
    MessageType type = MessageType::Whisper;
    Bytes bytes;  // a serialized SignalMessage or PreKeySignalMessage
};

// A parsed PreKeySignalMessage (the first messages of a session).
struct PreKeyMessage {
    IdentityPublicKey identity;
    PublicKey baseKey{};
    std::uint32_t signedPreKeyId = 0;
    std::optional<std::uint32_t> oneTimePreKeyId;
    Bytes message;  // the inner SignalMessage
    static CryptoResult<PreKeyMessage> parse(ByteView bytes);
};

class RatchetSession {
public:
    static constexpr std::uint32_t kMaxSkip = 2000;
    static constexpr std::size_t kMaxStoredSkipped = 4000;
    static constexpr std::size_t kRememberedChains = 16;
    static constexpr std::size_t kMaxMessageBytes = 256 * 1024 + 1024;
    static constexpr std::size_t kMaxPlaintextBytes = 256 * 1024;

    // Initiator: X3DH with the peer's bundle (signature checked), then the first DH step.
    // Outgoing messages are PreKey messages until the peer has answered.
    static CryptoResult<RatchetSession> initiate(const IdentityKeyPair& local,
                                                 const PreKeyBundle& bundle);
    // Responder: X3DH from a PreKey message, then decrypts the message it carries.
    struct Accepted;
    static CryptoResult<Accepted> accept(const IdentityKeyPair& local, const PreKeyMessage& message,
                                         const SignedPreKey& signedPreKey,
                                         const OneTimePreKey* oneTimePreKey);

    CryptoResult<OutgoingMessage> encrypt(ByteView plaintext);
    // decrypt() on a new ratchet key makes only the receiving half of the DH step (one X25519
    // instead of three on the way to the user); the sending half — a new key pair and its root
    // step — is made by the first encrypt() after it, or here, by a caller that knows no send
    // follows soon. Nothing else can arrive on a new key meanwhile: the peer moves to one only
    // after it has seen our next ratchet key. No-op when the sending chain is there.
    CryptoResult<void> prepareToSend();
    // Decrypts a serialized SignalMessage.
    CryptoResult<SecretBytes> decrypt(ByteView signalMessage);

    [[nodiscard]] SecretBytes serialize() const;
    static CryptoResult<RatchetSession> deserialize(ByteView bytes);

    [[nodiscard]] const IdentityPublicKey& remoteIdentity() const { return remoteIdentity_; }
    // The initiator's X3DH base key: a later PreKey message with the same base key belongs to
    // this session, one with another base key starts a new one.
    [[nodiscard]] const std::optional<PublicKey>& remoteBaseKey() const { return remoteBaseKey_; }
    [[nodiscard]] bool awaitingReply() const { return pending_.has_value(); }
    [[nodiscard]] std::size_t skippedKeyCount() const { return skipped_.size(); }

    RatchetSession(RatchetSession&&) noexcept = default;
    RatchetSession& operator=(RatchetSession&&) noexcept = default;
    ~RatchetSession() = default;

private:
    RatchetSession() = default;

    struct Skipped {
        PublicKey ratchetKey{};
        std::uint32_t counter = 0;
        SecretBytes messageKey;
    };
    struct Pending {
        PublicKey baseKey{};
        std::uint32_t signedPreKeyId = 0;
        std::optional<std::uint32_t> oneTimePreKeyId;
    };

    Bytes associatedData_;
    SecretBytes rootKey_;
    X25519KeyPair sending_;
    std::optional<PublicKey> receiving_;
    SecretBytes sendingChain_;
    SecretBytes receivingChain_;
    std::uint32_t sendingCounter_ = 0;
    std::uint32_t receivingCounter_ = 0;
    std::uint32_t previousCounter_ = 0;
    std::deque<Skipped> skipped_;
    std::deque<PublicKey> oldChains_;  // receiving ratchet keys we have moved past
    std::optional<Pending> pending_;
    IdentityPublicKey localIdentity_;
    IdentityPublicKey remoteIdentity_;
    std::optional<PublicKey> remoteBaseKey_;
};

struct RatchetSession::Accepted {
    RatchetSession session;
    SecretBytes plaintext;
};

}  // namespace tandem::crypto::signal
