// The onion network at scale, simulated: the real directory, swarm and path code (Directory,
// Swarm, NodeChooser, PathChoice) over a network of --nodes nodes and --clients clients that
// exist only as data, on virtual time (no sockets, no sleeping). What it reports, with what
// grows with the network:
//  1. the signed directory: bytes, per node, signing and checking time, and what the clients'
//     refreshes cost the nodes (every OnionTransport::kDirectoryRefreshMs and at each path test);
//  2. the swarms: how many, Session IDs per swarm, and the cost of finding one's swarm;
//  3. paths: every client draws its two paths with PathChoice; time per client, how evenly
//     guards are loaded, how often the preferences held;
//  4. churn over --days of virtual time: nodes join and leave (--churn of the nodes a day,
//     each way, at random times), the operator signs a new directory every --publish-hours,
//     its swarms either dealt again (assignSwarms) or rebalanced (rebalanceSwarms); per
//     directory, the nodes that change swarm, the Session IDs whose swarm changes (their
//     messages move), and the client paths that must be built again.
// docs/onion.md ("At scale") and BENCHMARKS.md hold the figures and the command.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <sodium.h>
#include <unordered_map>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <queue>

#include "crypto/session/SessionKeys.h"
#include "transport/onion/Directory.h"
#include "transport/onion/NodeChooser.h"
#include "transport/onion/OnionTransport.h"
#include "transport/onion/PathChoice.h"
#include "transport/onion/Swarm.h"

using namespace tandem;
using namespace tandem::transport::onion;

namespace {

struct Node {
    crypto::PublicKey ed25519{};
    crypto::PublicKey x25519{};
    QString address;
    bool up = true;
};

struct Client {
    crypto::PublicKey x25519{};
    QString sessionId;
    std::uint64_t position = 0;
};

// Real keys: an Ed25519 identity and its X25519 form, as a node has.
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

// The swarm of each client's ring position, for a directory's swarm ids (swarmFor, the real
// rule; the ids sorted once here instead of at every call).
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

struct PathOf {
    QString guard;
    QString middle;
};

// Both paths of a client, as OnionPaths::buildMissing draws them.
std::array<std::optional<PathRelays>, 2> drawPaths(const NodeDirectory& directory,
                                                   const Client& client) {
    NodeChooser chooser(directory, client.sessionId);
    std::array<std::optional<PathRelays>, 2> paths;
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

// A directory's nodes by identity (NodeDirectory::find scans the list).
struct KeyHash {
    std::size_t operator()(const crypto::PublicKey& k) const {
        std::size_t h = 0;
        std::memcpy(&h, k.data(), sizeof h);
        return h;
    }
};
using NodeIndex = std::unordered_map<crypto::PublicKey, const NodeInfo*, KeyHash>;

NodeIndex indexOf(const NodeDirectory& d) {
    NodeIndex index;
    for (const NodeInfo& n : d.nodes) {
        index.emplace(n.ed25519, &n);
    }
    return index;
}

// OnionPaths::rebuildUnlisted on a client's two paths after it adopted `d`: how many it built
// again. Without `redraw` they are only counted (a policy that makes every path stale at
// every directory would take 200 000 draws a directory): a stale path then takes its relays'
// new entries, as if drawn again with the same relays, and a relay that left stays stale.
std::size_t rebuildUnlisted(const NodeDirectory& d, const NodeIndex& index, const Client& client,
                            std::uint64_t own, std::array<std::optional<PathRelays>, 2>& paths,
                            bool redraw) {
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

struct Churn {
    std::vector<double> nodesMoved;    // per directory, % of the nodes listed
    std::vector<double> idsMoved;      // per directory, % of the Session IDs
    std::vector<double> pathsRebuilt;  // per directory, % of the client paths
    std::vector<double> swarmCount;
    std::size_t minSwarm = SIZE_MAX;
    std::size_t maxSwarm = 0;
    double maxIdsPerSwarmOverMean = 0;
};

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCommandLineParser cli;
    cli.setApplicationDescription(QStringLiteral("The onion network at scale, on virtual time."));
    cli.addHelpOption();
    const QCommandLineOption nodesOpt(QStringLiteral("nodes"), QStringLiteral("Nodes."),
                                      QStringLiteral("N"), QStringLiteral("1000"));
    const QCommandLineOption clientsOpt(QStringLiteral("clients"), QStringLiteral("Clients."),
                                        QStringLiteral("N"), QStringLiteral("100000"));
    const QCommandLineOption daysOpt(QStringLiteral("days"), QStringLiteral("Virtual days."),
                                     QStringLiteral("D"), QStringLiteral("30"));
    const QCommandLineOption churnOpt(QStringLiteral("churn"),
                                      QStringLiteral("Share of the nodes joining, and leaving, "
                                                     "per day."),
                                      QStringLiteral("F"), QStringLiteral("0.02"));
    const QCommandLineOption publishOpt(QStringLiteral("publish-hours"),
                                        QStringLiteral("Hours between signed directories."),
                                        QStringLiteral("H"), QStringLiteral("6"));
    const QCommandLineOption seedOpt(QStringLiteral("seed"), QStringLiteral("Event seed."),
                                     QStringLiteral("S"), QStringLiteral("1"));
    cli.addOptions({nodesOpt, clientsOpt, daysOpt, churnOpt, publishOpt, seedOpt});
    cli.process(app);
    if (sodium_init() < 0) {
        return 1;
    }
    const std::size_t nodeCount = cli.value(nodesOpt).toULongLong();
    const std::size_t clientCount = cli.value(clientsOpt).toULongLong();
    const double days = cli.value(daysOpt).toDouble();
    const double churn = cli.value(churnOpt).toDouble();
    const double publishHours = cli.value(publishOpt).toDouble();
    std::mt19937_64 random(cli.value(seedOpt).toULongLong());
    if (nodeCount < 3 || nodeCount > NodeDirectory::kMaxNodes || clientCount == 0 || days <= 0 ||
        churn < 0 || publishHours <= 0) {
        std::fprintf(stderr,
                     "onion_scale_sim: --nodes 3..%zu, --clients > 0, --days > 0, "
                     "--churn >= 0, --publish-hours > 0\n",
                     NodeDirectory::kMaxNodes);
        return 2;
    }
    std::printf(
        "onion_scale_sim: %llu nodes, %llu clients, %.0f virtual days, churn %.1f %% "
        "a day each way, a directory every %.0f h\n\n",
        static_cast<unsigned long long>(nodeCount), static_cast<unsigned long long>(clientCount),
        days, churn * 100, publishHours);

    // ---- 1. the signed directory ---------------------------------------------------------
    std::vector<Node> nodes;
    nodes.reserve(NodeDirectory::kMaxNodes + 10000);
    for (std::size_t i = 0; i < NodeDirectory::kMaxNodes; ++i) {
        nodes.push_back(makeNode(i));
    }
    const auto networkKey = crypto::Ed25519KeyPair::generate();
    std::printf("1. The signed directory (median of 5; \"again\": checked knowing the one held)\n");
    std::printf("   %6s  %9s  %8s  %8s  %8s  %8s  %26s  %26s\n", "nodes", "bytes", "per node",
                "sign ms", "check ms", "again ms", "refresh in full, client/node",
                "only when newer, client/node");
    std::vector<std::size_t> sizes = {100, 1000, NodeDirectory::kMaxNodes};
    if (std::find(sizes.begin(), sizes.end(), nodeCount) == sizes.end()) {
        sizes.insert(std::upper_bound(sizes.begin(), sizes.end(), nodeCount), nodeCount);
    }
    const double refreshesPerDay = 86'400'000.0 / OnionTransport::kDirectoryRefreshMs;
    for (const std::size_t n : sizes) {
        std::vector<const Node*> listed;
        for (std::size_t i = 0; i < n; ++i) {
            listed.push_back(&nodes[i]);
        }
        const NodeDirectory d = directoryOf(listed, assignSwarms(n), 1, 1'700'000'000'000);
        std::vector<double> signMs;
        std::vector<double> checkMs;
        std::vector<double> recheckMs;  // knowing the directory held (OnionTransport)
        crypto::Bytes signedBytes;
        for (int rep = 0; rep < 5; ++rep) {
            QElapsedTimer t;
            t.start();
            signedBytes = d.sign(networkKey);
            signMs.push_back(secondsSince(t) * 1e3);
            t.restart();
            const auto checked = NodeDirectory::verify(signedBytes, networkKey.publicKey);
            checkMs.push_back(secondsSince(t) * 1e3);
            t.restart();
            const auto recheck = NodeDirectory::verify(signedBytes, networkKey.publicKey, &d);
            recheckMs.push_back(secondsSince(t) * 1e3);
            if (!checked || !recheck) {
                std::fprintf(stderr, "the directory did not check: %s\n",
                             qPrintable(!checked ? checked.error() : recheck.error()));
                return 1;
            }
        }
        // Every client asks every kDirectoryRefreshMs, each time one node; spread over the
        // nodes, each serves clients × refreshes / nodes of them. In full (as before
        // GetDirectory.newer_than), or the directory only when a new one was signed (every
        // publishHours) and a few bytes otherwise (directory_unchanged: 8 counted).
        const double size = static_cast<double>(signedBytes.size());
        const double fullDay = size * refreshesPerDay;
        const double newDirectoriesPerDay = std::min(refreshesPerDay, 24.0 / publishHours);
        const double newerDay = size * newDirectoriesPerDay + 8.0 * refreshesPerDay;
        const double clientsPerNode = static_cast<double>(clientCount) / static_cast<double>(n);
        std::printf(
            "   %6zu  %9zu  %8.1f  %8.2f  %8.2f  %8.2f  %9.2f MB/d %9.2f kB/s  %9.2f MB/d "
            "%9.2f kB/s%s\n",
            n, signedBytes.size(), size / static_cast<double>(n), quantile(signMs, 0.5),
            quantile(checkMs, 0.5), quantile(recheckMs, 0.5), fullDay / 1e6,
            fullDay * clientsPerNode / 86'400.0 / 1e3, newerDay / 1e6,
            newerDay * clientsPerNode / 86'400.0 / 1e3,
            signedBytes.size() > NodeDirectory::kMaxBytes ? "  (over kMaxBytes)" : "");
    }
    std::printf("   limits: kMaxNodes %zu, kMaxBytes %zu\n\n", NodeDirectory::kMaxNodes,
                NodeDirectory::kMaxBytes);
    nodes.resize(nodeCount);

    // ---- 2. swarms -----------------------------------------------------------------------
    std::vector<Client> clients(clientCount);
    {
        QElapsedTimer t;
        t.start();
        for (Client& c : clients) {
            const auto key = crypto::X25519KeyPair::generate();
            c.x25519 = key.publicKey;
            c.sessionId = crypto::session::sessionIdOf(key.publicKey);
            c.position = ringPosition(key.publicKey);
        }
        std::printf("(%llu client keys made in %.1f s)\n\n",
                    static_cast<unsigned long long>(clientCount), secondsSince(t));
    }
    std::vector<const Node*> listed;
    for (const Node& n : nodes) {
        listed.push_back(&n);
    }
    std::vector<std::uint64_t> swarmOfNode = assignSwarms(nodeCount);
    NodeDirectory directory = directoryOf(listed, swarmOfNode, 1, 0);
    {
        const auto ofClient = swarmsOfClients(clients, swarmOfNode);
        std::map<std::uint64_t, double> perSwarm;
        for (auto s : ofClient) {
            perSwarm[s] += 1;
        }
        std::vector<double> counts;
        for (const auto& [id, c] : perSwarm) {
            counts.push_back(c);
        }
        // The real lookup a client makes (Directory::swarmOf: the directory's ids sorted, then
        // swarmFor), timed over 2 000 clients.
        std::vector<double> lookupUs;
        for (std::size_t i = 0; i < std::min<std::size_t>(2000, clients.size()); ++i) {
            QElapsedTimer t;
            t.start();
            const auto s = directory.swarmOf(clients[i].x25519);
            lookupUs.push_back(secondsSince(t) * 1e6);
            if (!s || *s != ofClient[i]) {
                std::fprintf(stderr, "Directory::swarmOf disagrees with swarmFor\n");
                return 1;
            }
        }
        std::printf("2. Swarms (assignSwarms at start)\n");
        std::printf(
            "   %zu swarms of %zu..%zu nodes; Session IDs per swarm: min %.0f, median "
            "%.0f, max %.0f (mean %.0f)\n",
            perSwarm.size(), nodeCount / perSwarm.size(),
            (nodeCount + perSwarm.size() - 1) / perSwarm.size(), quantile(counts, 0),
            quantile(counts, 0.5), quantile(counts, 1),
            static_cast<double>(clientCount) / static_cast<double>(perSwarm.size()));
        std::printf("   Directory::swarmOf: median %.1f µs, p99 %.1f µs per lookup\n\n",
                    quantile(lookupUs, 0.5), quantile(lookupUs, 0.99));
    }

    // ---- 3. paths ------------------------------------------------------------------------
    std::vector<std::array<std::optional<PathRelays>, 2>> paths(clients.size());
    {
        std::vector<double> perClientUs;
        perClientUs.reserve(clients.size());
        QElapsedTimer all;
        all.start();
        for (std::size_t i = 0; i < clients.size(); ++i) {
            QElapsedTimer t;
            t.start();
            paths[i] = drawPaths(directory, clients[i]);
            perClientUs.push_back(secondsSince(t) * 1e6);
        }
        const double total = secondsSince(all);
        std::unordered_map<QString, double> guardLoad;
        std::unordered_map<QString, double> relayLoad;
        std::size_t built = 0;
        std::size_t outsideOwn = 0;
        std::size_t middleBesideGuard = 0;
        std::size_t twoSwarms = 0;
        for (std::size_t i = 0; i < clients.size(); ++i) {
            const auto own = directory.swarmOf(clients[i].x25519);
            for (const auto& p : paths[i]) {
                if (!p) {
                    continue;
                }
                ++built;
                guardLoad[p->guard.address] += 1;
                relayLoad[p->guard.address] += 1;
                relayLoad[p->middle.address] += 1;
                outsideOwn += p->guard.swarmId != *own && p->middle.swarmId != *own ? 1U : 0U;
                middleBesideGuard += p->middle.swarmId == p->guard.swarmId ? 1U : 0U;
            }
            if (paths[i][0] && paths[i][1] &&
                paths[i][0]->guard.swarmId != paths[i][1]->guard.swarmId) {
                ++twoSwarms;
            }
        }
        std::vector<double> guards;
        for (const Node& n : nodes) {
            guards.push_back(guardLoad.count(n.address) != 0 ? guardLoad[n.address] : 0);
        }
        std::vector<double> relays;
        for (const Node& n : nodes) {
            relays.push_back(relayLoad.count(n.address) != 0 ? relayLoad[n.address] : 0);
        }
        const double mean = static_cast<double>(built) / static_cast<double>(nodeCount);
        std::printf("3. Paths (PathChoice, two per client)\n");
        std::printf("   %zu of %llu paths built in %.1f s: median %.0f µs, p99 %.0f µs a client\n",
                    built, static_cast<unsigned long long>(2 * clientCount), total,
                    quantile(perClientUs, 0.5), quantile(perClientUs, 0.99));
        std::printf(
            "   guard of: mean %.1f paths a node, p99 %.0f, max %.0f (max ÷ mean %.2f); "
            "relay of (guard or middle): max ÷ mean %.2f\n",
            mean, quantile(guards, 0.99), quantile(guards, 1), quantile(guards, 1) / mean,
            quantile(relays, 1) / (2 * mean));
        std::printf(
            "   preferences held: relays outside the own swarm %.2f %%, middle in the "
            "guard's swarm %.2f %%, the two paths in two swarms %.2f %%\n\n",
            100.0 * static_cast<double>(outsideOwn) / static_cast<double>(built),
            100.0 * static_cast<double>(middleBesideGuard) / static_cast<double>(built),
            100.0 * static_cast<double>(twoSwarms) / static_cast<double>(clientCount));
    }

    // ---- 4. churn on virtual time --------------------------------------------------------
    // Events: nodes join and leave (Poisson, churn × nodes a day each way); a directory is
    // signed every publishHours. Both policies see the same events.
    enum class Kind { Join, Leave, Publish };
    struct Event {
        std::int64_t atMs;
        Kind kind;
        bool operator>(const Event& o) const { return atMs > o.atMs; }
    };
    std::priority_queue<Event, std::vector<Event>, std::greater<>> events;
    const double ratePerMs = churn * static_cast<double>(nodeCount) / 86'400'000.0;
    const auto endMs = static_cast<std::int64_t>(days * 86'400'000.0);
    std::exponential_distribution<double> gap(ratePerMs > 0 ? ratePerMs : 1.0);
    if (ratePerMs > 0) {
        for (const Kind k : {Kind::Join, Kind::Leave}) {
            for (double at = gap(random); at < static_cast<double>(endMs); at += gap(random)) {
                events.push({static_cast<std::int64_t>(at), k});
            }
        }
    }
    const auto publishMs = static_cast<std::int64_t>(publishHours * 3'600'000.0);
    for (std::int64_t at = publishMs; at <= endMs; at += publishMs) {
        events.push({at, Kind::Publish});
    }

    // Per policy: which nodes are listed, their swarms, and the clients' swarms.
    struct Policy {
        const char* name;
        bool rebalance;
        std::vector<std::size_t> listed;  // indexes into nodes
        std::vector<std::uint64_t> swarms;
        std::vector<std::uint64_t> ofClient;
        std::vector<std::array<std::optional<PathRelays>, 2>> paths;
        Churn figures;
    };
    std::vector<std::size_t> all(nodeCount);
    for (std::size_t i = 0; i < nodeCount; ++i) {
        all[i] = i;
    }
    std::vector<Policy> policies = {
        {"dealt again (assignSwarms)*", false, all, swarmOfNode, {}, paths, {}},
        {"rebalanced (rebalanceSwarms)", true, all, swarmOfNode, {}, paths, {}},
    };
    for (auto& p : policies) {
        p.ofClient = swarmsOfClients(clients, p.swarms);
    }
    std::vector<std::size_t> upNodes = all;  // what is running now (both policies see it)
    std::vector<std::size_t> joinedSince;    // in order; one that left again is not listed
    std::set<std::size_t> leftSince;
    std::uint64_t version = 1;
    std::size_t joins = 0;
    std::size_t leaves = 0;
    QElapsedTimer simTime;
    simTime.start();
    while (!events.empty()) {
        const Event e = events.top();
        events.pop();
        if (e.kind == Kind::Join) {
            nodes.push_back(makeNode(nodes.size()));
            upNodes.push_back(nodes.size() - 1);
            joinedSince.push_back(nodes.size() - 1);
            ++joins;
        } else if (e.kind == Kind::Leave) {
            if (upNodes.size() <= 3) {
                continue;
            }
            const auto at =
                std::uniform_int_distribution<std::size_t>(0, upNodes.size() - 1)(random);
            if (const auto j = std::find(joinedSince.begin(), joinedSince.end(), upNodes[at]);
                j != joinedSince.end()) {
                joinedSince.erase(j);  // joined and left between two directories: never listed
            } else {
                leftSince.insert(upNodes[at]);
            }
            upNodes.erase(upNodes.begin() + static_cast<std::ptrdiff_t>(at));
            ++leaves;
        } else {
            ++version;
            for (auto& p : policies) {
                // The operator's next directory: who stays (in the old order), who joined.
                std::vector<std::size_t> staying;
                std::vector<std::uint64_t> stayingSwarms;
                for (std::size_t i = 0; i < p.listed.size(); ++i) {
                    if (leftSince.count(p.listed[i]) == 0) {
                        staying.push_back(p.listed[i]);
                        stayingSwarms.push_back(p.swarms[i]);
                    }
                }
                std::vector<std::size_t> next = staying;
                next.insert(next.end(), joinedSince.begin(), joinedSince.end());
                const auto swarms =
                    p.rebalance ? rebalanceSwarms(stayingSwarms, next.size() - staying.size())
                                : assignSwarms(next.size());
                std::size_t moved = 0;
                for (std::size_t i = 0; i < staying.size(); ++i) {
                    moved += swarms[i] != stayingSwarms[i] ? 1U : 0U;
                }
                const auto ofClient = swarmsOfClients(clients, swarms);
                std::size_t idsMoved = 0;
                for (std::size_t c = 0; c < clients.size(); ++c) {
                    idsMoved += ofClient[c] != p.ofClient[c] ? 1U : 0U;
                }
                std::vector<const Node*> listedNodes;
                for (auto i : next) {
                    listedNodes.push_back(&nodes[i]);
                }
                const NodeDirectory d = directoryOf(listedNodes, swarms, version, e.atMs);
                // As OnionTransport::adoptDirectory and OnionPaths::rebuildUnlisted do: a
                // path goes when a relay is no longer listed as it was (address and swarm) or
                // is now in the client's own swarm; it is built again with PathChoice, keeping
                // its guard when the guard may stay.
                const NodeIndex index = indexOf(d);
                std::size_t rebuilt = 0;
                for (std::size_t c = 0; c < clients.size(); ++c) {
                    rebuilt +=
                        rebuildUnlisted(d, index, clients[c], ofClient[c], p.paths[c], p.rebalance);
                }
                std::map<std::uint64_t, std::size_t> members;
                for (auto s : swarms) {
                    ++members[s];
                }
                std::map<std::uint64_t, double> idsPer;
                for (auto s : ofClient) {
                    idsPer[s] += 1;
                }
                double maxIds = 0;
                for (const auto& [id, n] : idsPer) {
                    maxIds = std::max(maxIds, n);
                }
                for (const auto& [id, n] : members) {
                    p.figures.minSwarm = std::min(p.figures.minSwarm, n);
                    p.figures.maxSwarm = std::max(p.figures.maxSwarm, n);
                }
                p.figures.maxIdsPerSwarmOverMean =
                    std::max(p.figures.maxIdsPerSwarmOverMean,
                             maxIds / (static_cast<double>(clients.size()) /
                                       static_cast<double>(members.size())));
                p.figures.nodesMoved.push_back(
                    100.0 * static_cast<double>(moved) /
                    static_cast<double>(std::max<std::size_t>(1, staying.size())));
                p.figures.idsMoved.push_back(100.0 * static_cast<double>(idsMoved) /
                                             static_cast<double>(clients.size()));
                p.figures.pathsRebuilt.push_back(100.0 * static_cast<double>(rebuilt) /
                                                 static_cast<double>(2 * clients.size()));
                p.figures.swarmCount.push_back(static_cast<double>(members.size()));
                p.listed = std::move(next);
                p.swarms = swarms;
                p.ofClient = ofClient;
            }
            joinedSince.clear();
            leftSince.clear();
        }
    }
    std::printf(
        "4. Churn: %zu joins and %zu leaves over %.0f virtual days, %llu directories "
        "(simulated in %.0f s)\n",
        joins, leaves, days, static_cast<unsigned long long>(version - 1), secondsSince(simTime));
    std::printf("   per directory, median / p99 / max:\n");
    std::printf("   %-30s %-22s %-22s %-22s %s\n", "swarms", "nodes moving swarm %",
                "Session IDs moving %", "client paths rebuilt %", "swarm sizes, IDs max/mean");
    for (const auto& p : policies) {
        const auto triple = [](const std::vector<double>& v) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.2f / %.2f / %.2f", quantile(v, 0.5),
                          quantile(v, 0.99), quantile(v, 1));
            return std::string(buf);
        };
        std::printf("   %-30s %-22s %-22s %-22s %zu..%zu, %.2f (%.0f..%.0f swarms)\n", p.name,
                    triple(p.figures.nodesMoved).c_str(), triple(p.figures.idsMoved).c_str(),
                    triple(p.figures.pathsRebuilt).c_str(), p.figures.minSwarm, p.figures.maxSwarm,
                    p.figures.maxIdsPerSwarmOverMean, quantile(p.figures.swarmCount, 0),
                    quantile(p.figures.swarmCount, 1));
    }
    std::printf(
        "   * stale paths counted, not drawn again (every path is stale at almost every "
        "directory)\n");
    return 0;
}
