#include "crypto/session/SessionMessage.h"

#include <sodium.h>

#include "crypto/Padding.h"
#include "crypto/session/SessionKeys.h"

namespace tandem::crypto::session {

CryptoResult<Bytes> encryptSessionMessage(ByteView content, const Ed25519KeyPair& sender,
                                          const PublicKey& recipientX25519) {
    const Bytes padded = pad(content);
    const Bytes signedPart = concat({padded, sender.publicKey, recipientX25519});
    const Signature sig = sender.sign(signedPart);
    Bytes plaintext = concat({padded, sender.publicKey, sig});
    Bytes out(plaintext.size() + crypto_box_SEALBYTES);
    const int sealed =
        crypto_box_seal(out.data(), plaintext.data(), plaintext.size(), recipientX25519.data());
    sodium_memzero(plaintext.data(), plaintext.size());
    if (sealed != 0) {
        return cryptoError(CryptoErrorCode::InvalidKey,
                           QStringLiteral("the recipient's key cannot be encrypted to (a key of "
                                          "small order)"));
    }
    return out;
}

CryptoResult<SessionPlaintext> decryptSessionMessage(ByteView ciphertext,
                                                     const X25519KeyPair& recipient,
                                                     const std::optional<QString>& expectedSender) {
    constexpr std::size_t kTrailer = crypto_sign_PUBLICKEYBYTES + crypto_sign_BYTES;
    if (ciphertext.size() > kMaxSessionMessageBytes + 1024) {
        return cryptoError(CryptoErrorCode::TooLarge, QStringLiteral("the message is too large"));
    }
    if (ciphertext.size() < crypto_box_SEALBYTES + kTrailer + 1) {
        return cryptoError(CryptoErrorCode::Malformed, QStringLiteral("the message is truncated"));
    }
    SecretBytes plaintext(ciphertext.size() - crypto_box_SEALBYTES);
    if (crypto_box_seal_open(plaintext.data(), ciphertext.data(), ciphertext.size(),
                             recipient.publicKey.data(), recipient.privateKey.data()) != 0) {
        return cryptoError(CryptoErrorCode::DecryptFailed,
                           QStringLiteral("the message is not encrypted for this Session ID, or "
                                          "was tampered with"));
    }
    const ByteView all = plaintext.span();
    const ByteView padded = all.first(all.size() - kTrailer);
    TANDEM_TRY_ASSIGN(
        const PublicKey senderEd,
        publicKeyFrom(all.subspan(padded.size(), crypto_sign_PUBLICKEYBYTES), "sender key"));
    const ByteView sig = all.last(crypto_sign_BYTES);
    const Bytes signedPart = concat({padded, senderEd, recipient.publicKey});
    if (!ed25519Verify(senderEd, signedPart, sig)) {
        return cryptoError(CryptoErrorCode::WrongRecipient,
                           QStringLiteral("the message's signature does not verify for this "
                                          "recipient"));
    }
    TANDEM_TRY_ASSIGN(const PublicKey senderX, ed25519ToX25519(senderEd));
    SessionPlaintext out;
    out.senderEd25519 = senderEd;
    out.senderSessionId = sessionIdOf(senderX);
    if (expectedSender && out.senderSessionId != expectedSender->toLower()) {
        return cryptoError(CryptoErrorCode::WrongSender,
                           QStringLiteral("the message was signed by someone other than the "
                                          "expected sender"));
    }
    TANDEM_TRY_ASSIGN(out.content, unpad(padded));
    return out;
}

}  // namespace tandem::crypto::session
