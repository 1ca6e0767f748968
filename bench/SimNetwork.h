// The onion network of onion_scale_sim, as data: nodes and clients with real keys, the signed
// directory they would publish, and the paths a client draws or builds again with the real
// PathChoice and NodeChooser. No sockets and no clock: the simulation moves time itself.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include <QElapsedTimer>
#include <QString>

#include "crypto/Primitives.h"
#include "transport/onion/Directory.h"
#include "transport/onion/PathChoice.h"

namespace tandem::bench::sim {

struct Node {
    crypto::PublicKey ed25519{};
    crypto::PublicKey x25519{};
    QString address;
};

struct Client {
    crypto::PublicKey x25519{};
    QString sessionId;
    std::uint64_t position = 0;
};

using ClientPaths = std::array<std::optional<transport::onion::PathRelays>, 2>;

// Real keys: an Ed25519 identity and its X25519 form, as a node has; a 10.x.y.z address.
Node makeNode(std::size_t serial);
// Real keys for a client: its Session ID and ring position.
Client makeClient();

transport::onion::NodeDirectory directoryOf(const std::vector<const Node*>& nodes,
                                            const std::vector<std::uint64_t>& swarms,
                                            std::uint64_t version, std::int64_t atMs);

// The swarm of each client's ring position, for a directory's swarm ids (swarmFor, the real
// rule; the ids sorted once here instead of at every call).
std::vector<std::uint64_t> swarmsOfClients(const std::vector<Client>& clients,
                                           const std::vector<std::uint64_t>& nodeSwarms);

// Both paths of a client, as OnionPaths::buildMissing draws them.
ClientPaths drawPaths(const transport::onion::NodeDirectory& directory, const Client& client);

// A directory's nodes by identity (NodeDirectory::find scans the list).
struct KeyHash {
    std::size_t operator()(const crypto::PublicKey& k) const;
};
using NodeIndex = std::unordered_map<crypto::PublicKey, const transport::onion::NodeInfo*, KeyHash>;
NodeIndex indexOf(const transport::onion::NodeDirectory& d);

// OnionPaths::rebuildUnlisted on a client's two paths after it adopted `d`: how many it built
// again. Without `redraw` they are only counted (a policy that makes every path stale at
// every directory would take 200 000 draws a directory): a stale path then takes its relays'
// new entries, as if drawn again with the same relays, and a relay that left stays stale.
std::size_t rebuildUnlisted(const transport::onion::NodeDirectory& d, const NodeIndex& index,
                            const Client& client, std::uint64_t own, ClientPaths& paths,
                            bool redraw);

double quantile(std::vector<double> v, double q);
double secondsSince(const QElapsedTimer& t);

}  // namespace tandem::bench::sim
