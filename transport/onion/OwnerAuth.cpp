#include "transport/onion/OwnerAuth.h"

#include <array>
#include <sodium.h>

#include "crypto/session/SessionKeys.h"

namespace tandem::transport::onion {

namespace {

crypto::Bytes signedBytes(std::string_view method, const QString& sessionId,
                          std::int64_t timestampMs, crypto::ByteView extra) {
    constexpr std::string_view kOwnerContext = "tandem owner v1";
    const QByteArray id = sessionId.toUtf8();
    std::array<std::uint8_t, 8> time{};
    const auto t = static_cast<std::uint64_t>(timestampMs);
    for (std::size_t i = 0; i < 8; ++i) {
        time[i] = static_cast<std::uint8_t>(t >> (56 - 8 * i));
    }
    const std::array<std::uint8_t, 1> zero{};
    return crypto::concat(
        {crypto::view(kOwnerContext), crypto::view(method), zero,
         crypto::view(std::string_view(id.constData(), static_cast<std::size_t>(id.size()))), zero,
         time, extra});
}

}  // namespace

OwnerProof signAsOwner(const crypto::Ed25519KeyPair& owner, std::string_view method,
                       const QString& sessionId, std::int64_t timestampMs, crypto::ByteView extra) {
    return {owner.publicKey, timestampMs,
            owner.sign(signedBytes(method, sessionId, timestampMs, extra))};
}

Expected<void, QString> checkOwner(const OwnerProof& proof, std::string_view method,
                                   const QString& sessionId, std::int64_t now,
                                   crypto::ByteView extra) {
    const auto idKey = crypto::session::parseSessionId(sessionId);
    if (!idKey) {
        return unexpected(QStringLiteral("not a Session ID"));
    }
    const auto converted = crypto::ed25519ToX25519(proof.ed25519);
    if (!converted || sodium_memcmp(converted->data(), idKey->data(), idKey->size()) != 0) {
        return unexpected(QStringLiteral("the signing key does not belong to this Session ID"));
    }
    const std::int64_t skew =
        proof.timestampMs > now ? proof.timestampMs - now : now - proof.timestampMs;
    if (proof.timestampMs < 0 || skew > kMaxSkewMs) {
        return unexpected(QStringLiteral("the request's time is more than %1 s from the node's")
                              .arg(kMaxSkewMs / 1000));
    }
    if (!crypto::ed25519Verify(proof.ed25519,
                               signedBytes(method, sessionId, proof.timestampMs, extra),
                               proof.signature)) {
        return unexpected(QStringLiteral("the owner's signature does not verify"));
    }
    return {};
}

}  // namespace tandem::transport::onion
