#include "transport/onion/Swarm.h"

#include <algorithm>
#include <limits>

namespace tandem::transport::onion {

std::uint64_t ringPosition(const crypto::PublicKey& x25519PublicKey) {
    std::uint64_t position = 0;
    for (std::size_t word = 0; word < 4; ++word) {
        std::uint64_t value = 0;
        for (std::size_t i = 0; i < 8; ++i) {  // big-endian
            value = (value << 8) | x25519PublicKey[word * 8 + i];
        }
        position ^= value;
    }
    return position;
}

std::optional<std::uint64_t> swarmFor(std::uint64_t position,
                                      std::span<const std::uint64_t> swarmIds) {
    if (swarmIds.empty()) {
        return std::nullopt;
    }
    std::vector<std::uint64_t> ids(swarmIds.begin(), swarmIds.end());
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    // The first id at or above the position (wrapping to the lowest), and the one before it
    // (wrapping to the highest); unsigned arithmetic measures both distances around the ring.
    auto above = std::lower_bound(ids.begin(), ids.end(), position);
    if (above == ids.end()) {
        above = ids.begin();
    }
    const auto below = above == ids.begin() ? ids.end() - 1 : above - 1;
    const std::uint64_t up = *above - position;
    const std::uint64_t down = position - *below;
    return up < down ? *above : *below;
}

std::vector<std::uint64_t> assignSwarms(std::size_t nodeCount, std::size_t minSize) {
    const std::size_t swarms =
        std::max<std::size_t>(1, nodeCount / std::max<std::size_t>(1, minSize));
    const std::uint64_t step = std::numeric_limits<std::uint64_t>::max() / swarms;
    std::vector<std::uint64_t> out(nodeCount);
    for (std::size_t i = 0; i < nodeCount; ++i) {
        // Each swarm in the middle of an equal arc of the ring.
        out[i] = step / 2 + static_cast<std::uint64_t>(i % swarms) * step;
    }
    return out;
}

}  // namespace tandem::transport::onion
