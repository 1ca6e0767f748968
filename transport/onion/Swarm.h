// Swarms: which nodes keep a Session ID's messages.
//
// As in Session's storage servers, a Session ID has a place on a 64-bit ring — the four
// 8-byte words of its X25519 public key XORed, read big-endian — and belongs to the swarm
// whose id is nearest on the ring (distances wrap around; of two equally near, the one below).
// Every node of that swarm stores and replicates the ID's messages. The directory (see
// Directory.h) says which swarm each node is in; assignSwarms() is how tandem-localnet (or an
// operator) spreads nodes over swarms of at least kMinSwarmSize.
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

}  // namespace tandem::transport::onion
