#include "SimNetwork.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "crypto/Primitives.h"
#include "crypto/session/SessionKeys.h"
#include "transport/onion/NodeChooser.h"
#include "transport/onion/Swarm.h"

namespace tandem::bench::sim {

using namespace tandem::transport::onion;

Node makeNode(std::size_t serial) {
    const auto key = crypto::Ed25519KeyPair::generate();
    Node n;
    n.ed25519 = key.publicKey;
    n.x25519 = key.toX25519().publicKey;
    n.address = QStringLiteral("10.%1.%2.%3:22021")
                    .arg((serial >> 16) & 0xFF)
                    .arg((serial >> 8) & 0xFF)
                    .arg(serial & 0xFF);
    return n;
}

NodeDirectory directoryOf(const std::vector<const Node*>& nodes,
                          const std::vector<std::uint64_t>& swarms, std::uint64_t version,
                          std::int64_t atMs) {
    NodeDirectory d;
    d.version = version;
    d.issuedAtMs = atMs;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        d.nodes.push_back({nodes[i]->ed25519, nodes[i]->x25519, nodes[i]->address, swarms[i]});
    }
    return d;
}

double quantile(std::vector<double> v, double q) {
    if (v.empty()) {
        return 0;
    }
    std::sort(v.begin(), v.end());
    const auto at = static_cast<std::size_t>(std::llround(q * static_cast<double>(v.size() - 1)));
    return v[at];
}

double secondsSince(const QElapsedTimer& t) {
    return static_cast<double>(t.nsecsElapsed()) / 1e9;
}

std::vector<std::uint64_t> swarmsOfClients(const std::vector<Client>& clients,
                                           const std::vector<std::uint64_t>& nodeSwarms) {
    std::vector<std::uint64_t> ids(nodeSwarms);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::vector<std::uint64_t> out;
    out.reserve(clients.size());
    for (const Client& c : clients) {
        out.push_back(*swarmFor(c.position, ids));
    }
    return out;
}

ClientPaths drawPaths(const NodeDirectory& directory, const Client& client) {
    NodeChooser chooser(directory, client.sessionId);
    ClientPaths paths;
    std::vector<PathRelays> built;
    for (auto& path : paths) {
        const auto chosen =
            PathChoice::choose(chooser, PathWish{built, std::nullopt, std::nullopt});
        if (chosen.guard && chosen.middle) {
            path = PathRelays{*chosen.guard, *chosen.middle};
            built.push_back(*path);
        }
    }
    return paths;
}

std::size_t KeyHash::operator()(const crypto::PublicKey& k) const {
    std::size_t h = 0;
    std::memcpy(&h, k.data(), sizeof h);
    return h;
}

Client makeClient() {
    const auto key = crypto::X25519KeyPair::generate();
    Client c;
    c.x25519 = key.publicKey;
    c.sessionId = crypto::session::sessionIdOf(key.publicKey);
    c.position = ringPosition(key.publicKey);
    return c;
}

NodeIndex indexOf(const NodeDirectory& d) {
    NodeIndex index;
    for (const NodeInfo& n : d.nodes) {
        index.emplace(n.ed25519, &n);
    }
    return index;
}

std::size_t rebuildUnlisted(const NodeDirectory& d, const NodeIndex& index, const Client& client,
                            std::uint64_t own, ClientPaths& paths, bool redraw) {
    const auto now = [&](const NodeInfo& n) -> const NodeInfo* {
        const auto it = index.find(n.ed25519);
        return it == index.end() ? nullptr : it->second;
    };
    const auto listed = [&](const NodeInfo& n) {
        const NodeInfo* is = now(n);
        return is != nullptr && is->address == n.address && is->swarmId == n.swarmId;
    };
    const auto inOurs = [&](const NodeInfo& n) {
        const NodeInfo* is = now(n);
        return is != nullptr && is->swarmId == own;
    };
    std::size_t rebuilt = 0;
    std::optional<NodeChooser> chooser;
    for (std::size_t i = 0; i < paths.size(); ++i) {
        auto& path = paths[i];
        if (!path || (listed(path->guard) && listed(path->middle) && !inOurs(path->guard) &&
                      !inOurs(path->middle))) {
            continue;
        }
        ++rebuilt;
        if (!redraw) {
            if (const NodeInfo* g = now(path->guard)) {
                path->guard = *g;
            }
            if (const NodeInfo* m = now(path->middle)) {
                path->middle = *m;
            }
            continue;
        }
        if (!chooser) {
            chooser.emplace(d, client.sessionId);
        }
        const bool newGuard = !listed(path->guard) || inOurs(path->guard);
        std::vector<PathRelays> others;
        if (const auto& other = paths[1 - i]) {
            others.push_back(*other);
        }
        PathWish wish{others, std::nullopt, std::nullopt};
        if (newGuard) {
            wish.replacing = path->guard.address;
        } else {
            wish.keep = *now(path->guard);
        }
        const auto chosen = PathChoice::choose(*chooser, wish);
        path.reset();
        if (chosen.guard && chosen.middle) {
            path = PathRelays{*chosen.guard, *chosen.middle};
        }
    }
    return rebuilt;
}

}  // namespace tandem::bench::sim
