// Onion layers for Session mode's onion requests.
//
// For each hop the client picks an ephemeral X25519 key e and derives
//   layer key = BLAKE2b-256(DH(e, node) ‖ e_pub ‖ node_pub)
// A layer on the wire is e_pub (32) ‖ nonce (24) ‖ XChaCha20-Poly1305(layer key, OnionLayer),
// with e_pub as associated data; OnionLayer names the next hop (or says "destination") and
// carries the next layer. Each hop learns only the next hop. The reply travels back the same
// path: every hop seals it under its layer key; the client opens the layers in path order.
#pragma once

#include <optional>
#include <vector>

#include <QString>

#include "crypto/Primitives.h"

namespace tandem::crypto {

struct OnionHop {
    QString address;        // how the previous hop reaches this one ("host:port")
    PublicKey publicKey{};  // the node's X25519 key
};

struct OnionRequest {
    Bytes packet;                        // send this to path[0]
    std::vector<SecretBytes> layerKeys;  // path order; to open the reply
};

struct PeeledLayer {
    std::optional<QString> nextHop;  // empty: this node is the destination
    Bytes payload;                   // the next layer, or the request
    SecretBytes layerKey;            // seals the reply
    PublicKey ephemeral{};           // for the node's replay cache
};

inline constexpr std::size_t kMaxOnionHops = 8;
inline constexpr std::size_t kMaxOnionBytes = 1024 * 1024;
inline constexpr std::size_t kOnionLayerOverhead = 32 + 24 + 16;

CryptoResult<OnionRequest> wrapOnion(const std::vector<OnionHop>& path, ByteView request);
CryptoResult<PeeledLayer> peelOnion(const X25519KeyPair& node, ByteView layer);
Bytes sealOnionReply(ByteView layerKey, ByteView reply);
CryptoResult<SecretBytes> openOnionReply(const std::vector<SecretBytes>& layerKeys, ByteView reply);

}  // namespace tandem::crypto
