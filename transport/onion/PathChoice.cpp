#include "transport/onion/PathChoice.h"

#include <algorithm>
#include <cstdint>
#include <set>

#include "transport/onion/NodeChooser.h"

namespace tandem::transport::onion {

PathChoice::Result PathChoice::choose(const NodeChooser& nodes, const PathWish& wish) {
    std::set<QString> avoid;        // paths share no guard
    std::set<std::uint64_t> taken;  // the swarms the other paths relay through
    for (const PathRelays& other : wish.others) {
        avoid.insert(other.guard.address);
        taken.insert(other.guard.swarmId);
        taken.insert(other.middle.swarmId);
    }
    // With fewer than three swarms, keeping relays out of one would put every relay, and the
    // destinations too, into the few nodes of another (a dead one then breaks both paths).
    const NodeDirectory& directory = nodes.directory();
    const bool spread = directory.swarmIds().size() >= kSwarmsToSpreadPaths;
    const auto own = spread ? nodes.ownSwarm() : std::nullopt;
    const NodeChooser::NodeFilter notOurs = [own](const NodeInfo& n) {
        return !own || n.swarmId != *own;
    };
    const NodeChooser::NodeFilter untaken = [notOurs, spread, &taken](const NodeInfo& n) {
        return spread && notOurs(n) && taken.count(n.swarmId) == 0;
    };
    const bool outsideExists = std::any_of(directory.nodes.begin(), directory.nodes.end(),
                                           [&](const NodeInfo& n) { return notOurs(n); });

    Result result;
    if (wish.keep && (notOurs(*wish.keep) || !outsideExists)) {
        result.guard = wish.keep;
    } else {
        if (wish.replacing) {
            avoid.insert(*wish.replacing);
        }
        result.guard = nodes.randomNode(avoid, std::nullopt, {untaken, notOurs});
        if (!result.guard) {
            result.guard = nodes.randomNode({}, std::nullopt, {notOurs});
        }
    }
    if (!result.guard) {
        return result;
    }
    const NodeChooser::NodeFilter besideGuard = [notOurs, spread,
                                                 swarm = result.guard->swarmId](const NodeInfo& n) {
        return spread && notOurs(n) && n.swarmId == swarm;
    };
    result.middle =
        nodes.randomNode({result.guard->address}, std::nullopt, {besideGuard, untaken, notOurs});
    return result;
}

}  // namespace tandem::transport::onion
