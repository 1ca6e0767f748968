// Swarms: which nodes keep a Session ID's messages.
//
// As in Session's storage servers, a Session ID has a place on a 64-bit ring — the four
// 8-byte words of its X25519 public key XORed, read big-endian — and belongs to the swarm
// whose id is nearest on the ring (distances wrap around; of two equally near, the one below).
// Every node of that swarm stores and replicates the ID's messages. The directory (see
// Directory.h) says which swarm each node is in; assignSwarms() is how tandem-localnet (or an
// operator) spreads nodes over swarms of at least kMinSwarmSize for a new network, and
// rebalanceSwarms() how the next directory keeps them so as nodes leave and join.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "crypto/Primitives.h"

namespace tandem::transport::onion {

inline constexpr std::size_t kMinSwarmSize = 3;

std::uint64_t ringPosition(const crypto::PublicKey& x25519PublicKey);

// The swarm id nearest to `position`; nullopt when there is no swarm. `swarmIds` need not be
// sorted or unique.
std::optional<std::uint64_t> swarmFor(std::uint64_t position,
                                      std::span<const std::uint64_t> swarmIds);

// Swarm ids for `nodeCount` nodes: as many swarms as hold at least `minSize` nodes each (one
// swarm when there are fewer nodes than that), their ids spread evenly over the ring, nodes
// dealt to them in turn. Element i is node i's swarm id.
std::vector<std::uint64_t> assignSwarms(std::size_t nodeCount, std::size_t minSize = kMinSwarmSize);

// The swarms of a network whose nodes changed, moving as few nodes and Session IDs as it can
// (dealing all nodes again with assignSwarms moves nearly every one: bench/onion_scale_sim).
// `staying` holds the swarm id of each node that stays, `joining` counts the new nodes; the
// result holds the staying nodes' ids (same order), then the joining nodes'. In turn:
//  1. a swarm left with fewer than `minSize` nodes takes a joining node, else one from the
//     largest swarm that can spare one; when none can, it is dissolved: its nodes go to the
//     smallest swarms, and its Session IDs to the swarms beside it on the ring (unless it is
//     the only swarm);
//  2. each joining node goes to the smallest swarm (of equal ones, the lowest id);
//  3. a swarm of 2 × `minSize` nodes gives `minSize` of them to a new swarm, whose id is the
//     middle of the widest arc between two swarm ids (it takes the Session IDs nearest it).
// So swarms hold minSize to 2 × minSize − 1 nodes, and only a new or dissolved swarm moves
// Session IDs. With no node staying it is assignSwarms(joining).
std::vector<std::uint64_t> rebalanceSwarms(std::span<const std::uint64_t> staying,
                                           std::size_t joining,
                                           std::size_t minSize = kMinSwarmSize);

}  // namespace tandem::transport::onion
