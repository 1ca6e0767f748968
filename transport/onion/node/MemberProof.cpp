#include "transport/onion/node/MemberProof.h"

#include <sodium.h>
#include <string_view>

namespace tandem::transport::onion {

namespace {

constexpr std::string_view kMemberContext = "tandem member v1";

}  // namespace

crypto::Bytes MemberProof::signedBytes(const proto::node::NodeRequest& request,
                                       std::uint64_t timestampMs) {
    proto::node::NodeRequest body = request;
    body.clear_request_id();
    body.clear_member();
    const std::string serialized = body.SerializeAsString();
    crypto::Bytes out(kMemberContext.begin(), kMemberContext.end());
    for (int shift = 56; shift >= 0; shift -= 8) {
        out.push_back(static_cast<std::uint8_t>(timestampMs >> shift));
    }
    std::uint8_t digest[crypto_generichash_BYTES];
    crypto_generichash(digest, sizeof digest,
                       reinterpret_cast<const unsigned char*>(serialized.data()),  // NOLINT
                       serialized.size(), nullptr, 0);
    out.insert(out.end(), digest, digest + sizeof digest);
    return out;
}

void MemberProof::sign(proto::node::NodeRequest& request, const crypto::Ed25519KeyPair& node,
                       std::int64_t nowMs) {
    const auto timestamp = static_cast<std::uint64_t>(nowMs);
    const crypto::Signature signature = node.sign(signedBytes(request, timestamp));
    auto* proof = request.mutable_member();
    proof->set_ed25519(crypto::toString(node.publicKey));
    proof->set_timestamp_ms(timestamp);
    proof->set_signature(crypto::toString(signature));
}

std::optional<NodeInfo> MemberProof::verify(const proto::node::NodeRequest& request,
                                            const NodeDirectory& directory, std::int64_t nowMs) {
    if (!request.has_member() || request.member().ed25519().size() != 32) {
        return std::nullopt;
    }
    const auto& proof = request.member();
    const auto at = static_cast<std::int64_t>(
        std::min<std::uint64_t>(proof.timestamp_ms(), std::uint64_t{1} << 62));
    if (at < nowMs - kMaxSkewMs || at > nowMs + kMaxSkewMs) {
        return std::nullopt;
    }
    const NodeInfo* signer = nullptr;
    for (const NodeInfo& n : directory.nodes) {
        if (sodium_memcmp(n.ed25519.data(), proof.ed25519().data(), 32) == 0) {
            signer = &n;
            break;
        }
    }
    if (signer == nullptr ||
        !crypto::ed25519Verify(signer->ed25519, signedBytes(request, proof.timestamp_ms()),
                               crypto::view(proof.signature()))) {
        return std::nullopt;
    }
    return *signer;
}

bool MemberProof::isAmong(const NodeInfo& node, const std::vector<NodeInfo>& members) {
    return std::any_of(members.begin(), members.end(), [&](const NodeInfo& m) {
        return sodium_memcmp(m.ed25519.data(), node.ed25519.data(), 32) == 0;
    });
}

}  // namespace tandem::transport::onion
