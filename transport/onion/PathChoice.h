// PathChoice: which relays an onion path gets, apart from its links and requests. OnionPaths
// builds its paths with it; bench/onion_scale_sim draws the paths of 100 000 simulated clients
// with it. The rules (OnionPaths.h, "relays are kept out"), each a preference a network too
// small for it (or with dead nodes) gives up in turn:
//  - no guard or middle in our own swarm;
//  - paths share no guard, and relay through swarms no other path relays through;
//  - a path's middle from its guard's swarm;
//  - with fewer than kSwarmsToSpreadPaths swarms, relays from every node.
#pragma once

#include <cstddef>
#include <optional>
#include <span>

#include <QString>

#include "transport/onion/Directory.h"

namespace tandem::transport::onion {

class NodeChooser;

struct PathRelays {
    NodeInfo guard;
    NodeInfo middle;
};

struct PathWish {
    // The relays of the other paths already built.
    std::span<const PathRelays> others;
    // A guard to keep if the rules allow it (a kept guard, or the path's own), and one being
    // replaced, never drawn again.
    std::optional<NodeInfo> keep;
    std::optional<QString> replacing;
};

struct PathChoice {
    static constexpr std::size_t kSwarmsToSpreadPaths = 3;

    // The guard (nullopt: no node at all) and, given a guard, the middle (nullopt: no node
    // but the guard). Random draws come from NodeChooser::randomNode.
    struct Result {
        std::optional<NodeInfo> guard;
        std::optional<NodeInfo> middle;
    };
    static Result choose(const NodeChooser& nodes, const PathWish& wish);
};

}  // namespace tandem::transport::onion
