#include "transport/onion/Swarm.h"

#include <algorithm>
#include <limits>
#include <map>

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

namespace {

// Swarm id → the indexes of its nodes.
using Members = std::map<std::uint64_t, std::vector<std::size_t>>;

Members::iterator smallest(Members& swarms) {
    return std::min_element(swarms.begin(), swarms.end(), [](const auto& a, const auto& b) {
        return a.second.size() < b.second.size();  // the first of equals: the lowest id
    });
}

Members::iterator largest(Members& swarms) {
    return std::max_element(swarms.begin(), swarms.end(), [](const auto& a, const auto& b) {
        return a.second.size() < b.second.size();
    });
}

// The middle of the widest arc between two neighbouring swarm ids (wrapping round the ring).
std::uint64_t middleOfWidestArc(const Members& swarms) {
    std::uint64_t bestStart = swarms.begin()->first;
    std::uint64_t bestWidth = 0;
    for (auto it = swarms.begin(); it != swarms.end(); ++it) {
        const auto next = std::next(it) == swarms.end() ? swarms.begin() : std::next(it);
        // Unsigned arithmetic wraps: the arc to the next id, or (one swarm) the whole ring.
        const std::uint64_t width =
            next == it ? std::numeric_limits<std::uint64_t>::max() : next->first - it->first;
        if (width > bestWidth) {
            bestWidth = width;
            bestStart = it->first;
        }
    }
    return bestStart + bestWidth / 2;
}

}  // namespace

std::vector<std::uint64_t> rebalanceSwarms(std::span<const std::uint64_t> staying,
                                           std::size_t joining, std::size_t minSize) {
    minSize = std::max<std::size_t>(1, minSize);
    if (staying.empty()) {
        return assignSwarms(joining, minSize);
    }
    std::vector<std::uint64_t> out(staying.begin(), staying.end());
    out.resize(staying.size() + joining);
    Members swarms;
    for (std::size_t i = 0; i < staying.size(); ++i) {
        swarms[staying[i]].push_back(i);
    }
    const auto moveNode = [&](Members::iterator from, Members::iterator to) {
        const std::size_t node = from->second.back();
        from->second.pop_back();
        to->second.push_back(node);
        out[node] = to->first;
    };
    // 1. Too small: first a joining node (a node replaced in the same directory moves nobody),
    // then a node from the largest swarm, or dissolved.
    std::size_t nextJoining = staying.size();
    for (auto weak = smallest(swarms); weak->second.size() < minSize && nextJoining < out.size();
         weak = smallest(swarms)) {
        weak->second.push_back(nextJoining);
        out[nextJoining++] = weak->first;
    }
    while (swarms.size() > 1) {
        auto weak = swarms.end();
        for (auto it = swarms.begin(); it != swarms.end(); ++it) {
            if (it->second.size() < minSize &&
                (weak == swarms.end() || it->second.size() < weak->second.size())) {
                weak = it;
            }
        }
        if (weak == swarms.end()) {
            break;
        }
        if (auto big = largest(swarms); big->second.size() > minSize) {
            moveNode(big, weak);
            continue;
        }
        std::vector<std::size_t> homeless = std::move(weak->second);
        swarms.erase(weak);
        for (const std::size_t node : homeless) {
            auto to = smallest(swarms);
            to->second.push_back(node);
            out[node] = to->first;
        }
    }
    // 2. The other joining nodes, each to the smallest swarm.
    for (std::size_t node = nextJoining; node < out.size(); ++node) {
        auto to = smallest(swarms);
        to->second.push_back(node);
        out[node] = to->first;
    }
    // 3. Large enough to split.
    for (auto big = largest(swarms); big->second.size() >= 2 * minSize; big = largest(swarms)) {
        const std::uint64_t id = middleOfWidestArc(swarms);
        if (swarms.count(id) != 0) {
            break;  // a ring with no room left between ids (2^64 swarms): never in practice
        }
        auto fresh = swarms.emplace(id, std::vector<std::size_t>{}).first;
        big = largest(swarms);
        for (std::size_t i = 0; i < minSize; ++i) {
            moveNode(big, fresh);
        }
    }
    return out;
}

}  // namespace tandem::transport::onion
