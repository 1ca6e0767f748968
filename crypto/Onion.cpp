#include "crypto/Onion.h"

#include <sodium.h>

#include "tandem/onion.pb.h"

namespace tandem::crypto {

namespace {

constexpr std::string_view kReplyAd = "tandem onion reply v1";

SecretBytes layerKey(const SecretBytes& shared, const PublicKey& ephemeral, const PublicKey& node) {
    SecretBytes key(kKeySize);
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, key.size());
    crypto_generichash_update(&state, shared.data(), shared.size());
    crypto_generichash_update(&state, ephemeral.data(), ephemeral.size());
    crypto_generichash_update(&state, node.data(), node.size());
    crypto_generichash_final(&state, key.data(), key.size());
    sodium_memzero(&state, sizeof state);
    return key;
}

}  // namespace

CryptoResult<OnionRequest> wrapOnion(const std::vector<OnionHop>& path, ByteView request) {
    if (path.empty() || path.size() > kMaxOnionHops) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("an onion path has 1 to %1 hops").arg(kMaxOnionHops));
    }
    if (request.size() + path.size() * (kOnionLayerOverhead + 64) > kMaxOnionBytes) {
        return cryptoError(CryptoErrorCode::TooLarge, QStringLiteral("the request is too large"));
    }
    OnionRequest out;
    out.layerKeys.resize(path.size());
    Bytes inner(request.begin(), request.end());
    for (std::size_t i = path.size(); i-- > 0;) {
        proto::OnionLayer layer;
        if (i + 1 == path.size()) {
            layer.set_destination(true);
        } else {
            layer.set_next_hop(path[i + 1].address.toStdString());
        }
        layer.set_payload(toString(inner));
        std::string plain = layer.SerializeAsString();
        const X25519KeyPair ephemeral = X25519KeyPair::generate();
        TANDEM_TRY_ASSIGN(const SecretBytes shared,
                          x25519(ephemeral.privateKey, path[i].publicKey));
        SecretBytes key = layerKey(shared, ephemeral.publicKey, path[i].publicKey);
        const Nonce nonce = randomNonce();
        const Bytes sealed = aeadSeal(key.span(), nonce, ephemeral.publicKey, view(plain));
        sodium_memzero(plain.data(), plain.size());
        inner = concat({ephemeral.publicKey, nonce, sealed});
        out.layerKeys[i] = std::move(key);
    }
    out.packet = std::move(inner);
    return out;
}

CryptoResult<PeeledLayer> peelOnion(const X25519KeyPair& node, ByteView layer) {
    if (layer.size() > kMaxOnionBytes) {
        return cryptoError(CryptoErrorCode::TooLarge,
                           QStringLiteral("the onion layer is too large"));
    }
    if (layer.size() < kOnionLayerOverhead) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("the onion layer is truncated"));
    }
    TANDEM_TRY_ASSIGN(const PublicKey ephemeral, publicKeyFrom(layer.first(32), "ephemeral key"));
    TANDEM_TRY_ASSIGN(const SecretBytes shared, x25519(node.privateKey, ephemeral));
    SecretBytes key = layerKey(shared, ephemeral, node.publicKey);
    TANDEM_TRY_ASSIGN(const SecretBytes plain,
                      aeadOpen(key.span(), layer.subspan(32, 24), ephemeral, layer.subspan(56)));
    proto::OnionLayer parsed;
    if (!parsed.ParseFromArray(plain.data(), static_cast<int>(plain.size())) ||
        parsed.next_case() == proto::OnionLayer::NEXT_NOT_SET ||
        (parsed.has_next_hop() && (parsed.next_hop().empty() || parsed.next_hop().size() > 255)) ||
        (parsed.has_destination() && !parsed.destination())) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("the onion layer is malformed"));
    }
    PeeledLayer out;
    if (parsed.has_next_hop()) {
        out.nextHop = QString::fromStdString(parsed.next_hop());
    }
    out.payload.assign(parsed.payload().begin(), parsed.payload().end());
    out.layerKey = std::move(key);
    out.ephemeral = ephemeral;
    return out;
}

Bytes sealOnionReply(ByteView layerKey, ByteView reply) {
    return aeadSealWithNonce(layerKey, view(kReplyAd), reply);
}

CryptoResult<SecretBytes> openOnionReply(const std::vector<SecretBytes>& layerKeys,
                                         ByteView reply) {
    if (reply.size() > kMaxOnionBytes) {
        return cryptoError(CryptoErrorCode::TooLarge, QStringLiteral("the reply is too large"));
    }
    SecretBytes current(reply);
    for (const SecretBytes& key : layerKeys) {
        if (current.size() < 24 + kAeadTagSize) {
            return cryptoError(CryptoErrorCode::Malformed,
                               QStringLiteral("the reply is truncated"));
        }
        TANDEM_TRY_ASSIGN(SecretBytes opened, aeadOpen(key.span(), current.span().first(24),
                                                       view(kReplyAd), current.span().subspan(24)));
        current = std::move(opened);
    }
    return current;
}

}  // namespace tandem::crypto
