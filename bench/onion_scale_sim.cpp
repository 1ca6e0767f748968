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
#include <cstdio>
#include <map>
#include <random>
#include <sodium.h>
#include <unordered_map>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>

#include "ChurnSimulation.h"
#include "SimNetwork.h"
#include "transport/onion/Directory.h"
#include "transport/onion/OnionTransport.h"
#include "transport/onion/Swarm.h"

using namespace tandem;
using namespace tandem::bench::sim;
using namespace tandem::transport::onion;

namespace {

// 1. The signed directory at 100, 1 000, kMaxNodes and --nodes nodes: its size, signing and
// checking, and what the clients' refreshes cost.
bool printDirectories(const std::vector<Node>& nodes, std::size_t nodeCount,
                      std::size_t clientCount, double publishHours) {
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
                return false;
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
    return true;
}

// 2. The swarms of the first directory, the Session IDs per swarm, and the real lookup's cost.
bool printSwarms(const NodeDirectory& directory, const std::vector<std::uint64_t>& swarmOfNode,
                 const std::vector<Client>& clients, std::size_t nodeCount) {
    const std::size_t clientCount = clients.size();
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
                return false;
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
    return true;
}

// 3. Every client draws its two paths; how long it takes and how evenly the guards are loaded.
std::vector<ClientPaths> drawAllPaths(const NodeDirectory& directory,
                                      const std::vector<Node>& nodes,
                                      const std::vector<Client>& clients) {
    const std::size_t nodeCount = nodes.size();
    const std::size_t clientCount = clients.size();
    std::vector<ClientPaths> paths(clients.size());
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
    return paths;
}

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
    const double churnPerDay = cli.value(churnOpt).toDouble();
    const double publishHours = cli.value(publishOpt).toDouble();
    std::mt19937_64 random(cli.value(seedOpt).toULongLong());
    if (nodeCount < 3 || nodeCount > NodeDirectory::kMaxNodes || clientCount == 0 || days <= 0 ||
        churnPerDay < 0 || publishHours <= 0) {
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
        days, churnPerDay * 100, publishHours);

    std::vector<Node> nodes;
    nodes.reserve(NodeDirectory::kMaxNodes + 10000);
    for (std::size_t i = 0; i < NodeDirectory::kMaxNodes; ++i) {
        nodes.push_back(makeNode(i));
    }
    if (!printDirectories(nodes, nodeCount, clientCount, publishHours)) {
        return 1;
    }
    nodes.resize(nodeCount);

    std::vector<Client> clients(clientCount);
    QElapsedTimer made;
    made.start();
    for (Client& c : clients) {
        c = makeClient();
    }
    std::printf("(%llu client keys made in %.1f s)\n\n",
                static_cast<unsigned long long>(clientCount), secondsSince(made));
    std::vector<const Node*> listed;
    for (const Node& n : nodes) {
        listed.push_back(&n);
    }
    const std::vector<std::uint64_t> swarmOfNode = assignSwarms(nodeCount);
    const NodeDirectory directory = directoryOf(listed, swarmOfNode, 1, 0);
    if (!printSwarms(directory, swarmOfNode, clients, nodeCount)) {
        return 1;
    }
    const std::vector<ClientPaths> paths = drawAllPaths(directory, nodes, clients);

    ChurnSimulation churn(nodes, clients, swarmOfNode, paths,
                          ChurnOptions{days, churnPerDay, publishHours});
    churn.run(random);
    churn.print();
    return 0;
}
