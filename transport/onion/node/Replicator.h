// Replicator: a node's copies to the other members of a swarm (a stored message, a delete,
// a blob), each signed as this node (MemberProof), before the one who asked hears the answer:
// a member that dies right after loses nothing. The answer says how many members confirmed.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "crypto/Primitives.h"
#include "tandem/node.pb.h"
#include "transport/onion/Directory.h"
#include "transport/onion/NodeLink.h"

namespace tandem::transport::onion {

class Replicator {
public:
    using SetReplicas = std::function<void(proto::node::SwarmReply&, std::uint32_t)>;

    Replicator(NodeLinkPool& links, const crypto::Ed25519KeyPair& identity, int timeoutMs);

    // `copy` to every one of `others`; `answer` gets `reply` once each has replied or timed
    // out, with the number that confirmed set by `setReplicas` (at once if there are none).
    void replicateThenAnswer(const std::vector<NodeInfo>& others,
                             const proto::node::NodeRequest& copy, proto::node::SwarmReply reply,
                             SetReplicas setReplicas, SwarmAnswer answer);

    // `copy` to every one of `others`, sent to the kernel before this returns (the caller
    // commits its own copy meanwhile); `done` gets the number that confirmed once each has
    // replied or timed out (at once if there are none).
    void replicate(const std::vector<NodeInfo>& others, const proto::node::NodeRequest& copy,
                   std::function<void(std::uint32_t)> done);

private:
    NodeLinkPool& links_;
    const crypto::Ed25519KeyPair& identity_;
    int timeoutMs_;
};

}  // namespace tandem::transport::onion
