// What a node adds to the requests it sends to the other members of a swarm (replicate, a
// replicated delete, a replicated blob): its directory key, the time, and its signature over
// both and the request. A node accepts such a request only from a member of the swarm it is
// for, within kMaxSkewMs of its own clock — not from a client, not from a node of another
// swarm, not from a key the signed directory does not list.
#pragma once

#include <cstdint>
#include <optional>

#include "crypto/Primitives.h"
#include "tandem/node.pb.h"
#include "transport/onion/Directory.h"

namespace tandem::transport::onion {

class MemberProof {
public:
    static constexpr std::int64_t kMaxSkewMs = 5 * 60 * 1000;

    // Signs `request` (its body; the request id is the link's) as `node` at `nowMs`.
    static void sign(proto::node::NodeRequest& request, const crypto::Ed25519KeyPair& node,
                     std::int64_t nowMs);
    // The signing node's entry in `directory` when the proof holds; nullopt otherwise.
    static std::optional<NodeInfo> verify(const proto::node::NodeRequest& request,
                                          const NodeDirectory& directory, std::int64_t nowMs);
    // Whether `node` is one of `members`.
    static bool isAmong(const NodeInfo& node, const std::vector<NodeInfo>& members);

private:
    static crypto::Bytes signedBytes(const proto::node::NodeRequest& request,
                                     std::uint64_t timestampMs);
};

}  // namespace tandem::transport::onion
