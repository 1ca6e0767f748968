// Part 4 of onion_scale_sim: nodes join and leave on virtual time (Poisson, --churn of the
// nodes a day each way) and the operator signs a new directory every --publish-hours. Two
// swarm policies see the same events: the swarms dealt again (assignSwarms) or rebalanced
// (rebalanceSwarms). Per directory it counts the nodes that change swarm, the Session IDs
// whose swarm changes (their messages move) and the client paths built again.
#pragma once

#include <cstdint>
#include <random>
#include <set>
#include <vector>

#include "SimNetwork.h"

namespace tandem::bench::sim {

struct ChurnOptions {
    double days = 30;
    double churnPerDay = 0.02;  // share of the nodes joining, and leaving, a day
    double publishHours = 6;
};

class ChurnSimulation {
public:
    // `nodes` grows as nodes join; the first swarms.size() of them are listed at the start.
    ChurnSimulation(std::vector<Node>& nodes, const std::vector<Client>& clients,
                    const std::vector<std::uint64_t>& swarms, const std::vector<ClientPaths>& paths,
                    ChurnOptions options);

    void run(std::mt19937_64& random);
    void print() const;

private:
    struct Figures {
        std::vector<double> nodesMoved;    // per directory, % of the nodes listed
        std::vector<double> idsMoved;      // per directory, % of the Session IDs
        std::vector<double> pathsRebuilt;  // per directory, % of the client paths
        std::vector<double> swarmCount;
        std::size_t minSwarm = SIZE_MAX;
        std::size_t maxSwarm = 0;
        double maxIdsPerSwarmOverMean = 0;
    };
    // Per policy: which nodes are listed, their swarms, and the clients' swarms and paths.
    struct Policy {
        const char* name;
        bool rebalance;
        std::vector<std::size_t> listed;  // indexes into nodes_
        std::vector<std::uint64_t> swarms;
        std::vector<std::uint64_t> ofClient;
        std::vector<ClientPaths> paths;
        Figures figures;
    };

    void join();
    void leave(std::mt19937_64& random);
    void publish(Policy& p, std::int64_t atMs);
    void count(Policy& p, const std::vector<std::uint64_t>& swarms,
               const std::vector<std::uint64_t>& ofClient, std::size_t moved, std::size_t staying,
               std::size_t idsMoved, std::size_t rebuilt);

    std::vector<Node>& nodes_;
    const std::vector<Client>& clients_;
    ChurnOptions options_;
    std::vector<Policy> policies_;
    std::vector<std::size_t> upNodes_;      // what is running now (both policies see it)
    std::vector<std::size_t> joinedSince_;  // in order; one that left again is not listed
    std::set<std::size_t> leftSince_;
    std::uint64_t version_ = 1;
    std::size_t joins_ = 0;
    std::size_t leaves_ = 0;
    double simulatedInS_ = 0;
};

}  // namespace tandem::bench::sim
