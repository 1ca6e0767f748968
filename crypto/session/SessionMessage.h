// Session's one-to-one message encryption:
//   ciphertext = crypto_box_seal(padded ‖ sender_ed25519_pk ‖ sig, recipient_x25519_pk)
//   sig        = Ed25519(padded ‖ sender_ed25519_pk ‖ recipient_x25519_pk)
// with the content padded to 160-byte buckets. The signature binds the recipient: a message
// signed for someone else, or not by the expected sender, is refused.
#pragma once

#include <optional>

#include <QString>

#include "crypto/Primitives.h"

namespace tandem::crypto::session {

inline constexpr std::size_t kMaxSessionMessageBytes = 256 * 1024;

// Fails (InvalidKey) for a recipient key of small order, the all-zero key among them: such a
// key has no secret, so anyone could open what was sealed to it.
CryptoResult<Bytes> encryptSessionMessage(ByteView content, const Ed25519KeyPair& sender,
                                          const PublicKey& recipientX25519);

struct SessionPlaintext {
    SecretBytes content;
    PublicKey senderEd25519{};
    QString senderSessionId;
};

// Opens a message sent to `recipient`. With `expectedSender` (a Session ID), a message from
// anyone else is WrongSender.
CryptoResult<SessionPlaintext> decryptSessionMessage(
    ByteView ciphertext, const X25519KeyPair& recipient,
    const std::optional<QString>& expectedSender = {});

}  // namespace tandem::crypto::session
