#include "ChurnSimulation.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>

#include <queue>

#include "transport/onion/Swarm.h"

namespace tandem::bench::sim {

using namespace tandem::transport::onion;

ChurnSimulation::ChurnSimulation(std::vector<Node>& nodes, const std::vector<Client>& clients,
                                 const std::vector<std::uint64_t>& swarms,
                                 const std::vector<ClientPaths>& paths, ChurnOptions options)
    : nodes_(nodes), clients_(clients), options_(options) {
    std::vector<std::size_t> all(swarms.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
        all[i] = i;
    }
    policies_ = {
        {"dealt again (assignSwarms)*", false, all, swarms, {}, paths, {}},
        {"rebalanced (rebalanceSwarms)", true, all, swarms, {}, paths, {}},
    };
    for (auto& p : policies_) {
        p.ofClient = swarmsOfClients(clients_, p.swarms);
    }
    upNodes_ = all;
}

void ChurnSimulation::run(std::mt19937_64& random) {
    enum class Kind { Join, Leave, Publish };
    struct Event {
        std::int64_t atMs;
        Kind kind;
        bool operator>(const Event& o) const { return atMs > o.atMs; }
    };
    std::priority_queue<Event, std::vector<Event>, std::greater<>> events;
    const double ratePerMs =
        options_.churnPerDay * static_cast<double>(upNodes_.size()) / 86'400'000.0;
    const auto endMs = static_cast<std::int64_t>(options_.days * 86'400'000.0);
    std::exponential_distribution<double> gap(ratePerMs > 0 ? ratePerMs : 1.0);
    if (ratePerMs > 0) {
        for (const Kind k : {Kind::Join, Kind::Leave}) {
            for (double at = gap(random); at < static_cast<double>(endMs); at += gap(random)) {
                events.push({static_cast<std::int64_t>(at), k});
            }
        }
    }
    const auto publishMs = static_cast<std::int64_t>(options_.publishHours * 3'600'000.0);
    for (std::int64_t at = publishMs; at <= endMs; at += publishMs) {
        events.push({at, Kind::Publish});
    }
    QElapsedTimer simTime;
    simTime.start();
    while (!events.empty()) {
        const Event e = events.top();
        events.pop();
        if (e.kind == Kind::Join) {
            join();
        } else if (e.kind == Kind::Leave) {
            leave(random);
        } else {
            ++version_;
            for (auto& p : policies_) {
                publish(p, e.atMs);
            }
            joinedSince_.clear();
            leftSince_.clear();
        }
    }
    simulatedInS_ = secondsSince(simTime);
}

void ChurnSimulation::join() {
    nodes_.push_back(makeNode(nodes_.size()));
    upNodes_.push_back(nodes_.size() - 1);
    joinedSince_.push_back(nodes_.size() - 1);
    ++joins_;
}

void ChurnSimulation::leave(std::mt19937_64& random) {
    if (upNodes_.size() <= 3) {
        return;
    }
    const auto at = std::uniform_int_distribution<std::size_t>(0, upNodes_.size() - 1)(random);
    if (const auto j = std::find(joinedSince_.begin(), joinedSince_.end(), upNodes_[at]);
        j != joinedSince_.end()) {
        joinedSince_.erase(j);  // joined and left between two directories: never listed
    } else {
        leftSince_.insert(upNodes_[at]);
    }
    upNodes_.erase(upNodes_.begin() + static_cast<std::ptrdiff_t>(at));
    ++leaves_;
}

void ChurnSimulation::publish(Policy& p, std::int64_t atMs) {
    // The operator's next directory: who stays (in the old order), who joined.
    std::vector<std::size_t> staying;
    std::vector<std::uint64_t> stayingSwarms;
    for (std::size_t i = 0; i < p.listed.size(); ++i) {
        if (leftSince_.count(p.listed[i]) == 0) {
            staying.push_back(p.listed[i]);
            stayingSwarms.push_back(p.swarms[i]);
        }
    }
    std::vector<std::size_t> next = staying;
    next.insert(next.end(), joinedSince_.begin(), joinedSince_.end());
    const auto swarms = p.rebalance ? rebalanceSwarms(stayingSwarms, next.size() - staying.size())
                                    : assignSwarms(next.size());
    std::size_t moved = 0;
    for (std::size_t i = 0; i < staying.size(); ++i) {
        moved += swarms[i] != stayingSwarms[i] ? 1U : 0U;
    }
    const auto ofClient = swarmsOfClients(clients_, swarms);
    std::size_t idsMoved = 0;
    for (std::size_t c = 0; c < clients_.size(); ++c) {
        idsMoved += ofClient[c] != p.ofClient[c] ? 1U : 0U;
    }
    std::vector<const Node*> listedNodes;
    for (auto i : next) {
        listedNodes.push_back(&nodes_[i]);
    }
    const NodeDirectory d = directoryOf(listedNodes, swarms, version_, atMs);
    // As OnionTransport::adoptDirectory and OnionPaths::rebuildUnlisted do: a path goes when
    // a relay is no longer listed as it was (address and swarm) or is now in the client's own
    // swarm; it is built again with PathChoice, keeping its guard when the guard may stay.
    const NodeIndex index = indexOf(d);
    std::size_t rebuilt = 0;
    for (std::size_t c = 0; c < clients_.size(); ++c) {
        rebuilt += rebuildUnlisted(d, index, clients_[c], ofClient[c], p.paths[c], p.rebalance);
    }
    count(p, swarms, ofClient, moved, staying.size(), idsMoved, rebuilt);
    p.listed = std::move(next);
    p.swarms = swarms;
    p.ofClient = ofClient;
}

void ChurnSimulation::count(Policy& p, const std::vector<std::uint64_t>& swarms,
                            const std::vector<std::uint64_t>& ofClient, std::size_t moved,
                            std::size_t staying, std::size_t idsMoved, std::size_t rebuilt) {
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
    Figures& f = p.figures;
    for (const auto& [id, n] : members) {
        f.minSwarm = std::min(f.minSwarm, n);
        f.maxSwarm = std::max(f.maxSwarm, n);
    }
    const auto clients = static_cast<double>(clients_.size());
    f.maxIdsPerSwarmOverMean = std::max(f.maxIdsPerSwarmOverMean,
                                        maxIds / (clients / static_cast<double>(members.size())));
    f.nodesMoved.push_back(100.0 * static_cast<double>(moved) /
                           static_cast<double>(std::max<std::size_t>(1, staying)));
    f.idsMoved.push_back(100.0 * static_cast<double>(idsMoved) / clients);
    f.pathsRebuilt.push_back(100.0 * static_cast<double>(rebuilt) / (2 * clients));
    f.swarmCount.push_back(static_cast<double>(members.size()));
}

void ChurnSimulation::print() const {
    std::printf(
        "4. Churn: %zu joins and %zu leaves over %.0f virtual days, %llu directories "
        "(simulated in %.0f s)\n",
        joins_, leaves_, options_.days, static_cast<unsigned long long>(version_ - 1),
        simulatedInS_);
    std::printf("   per directory, median / p99 / max:\n");
    std::printf("   %-30s %-22s %-22s %-22s %s\n", "swarms", "nodes moving swarm %",
                "Session IDs moving %", "client paths rebuilt %", "swarm sizes, IDs max/mean");
    const auto triple = [](const std::vector<double>& v) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.2f / %.2f / %.2f", quantile(v, 0.5), quantile(v, 0.99),
                      quantile(v, 1));
        return std::string(buf);
    };
    for (const auto& p : policies_) {
        const Figures& f = p.figures;
        std::printf("   %-30s %-22s %-22s %-22s %zu..%zu, %.2f (%.0f..%.0f swarms)\n", p.name,
                    triple(f.nodesMoved).c_str(), triple(f.idsMoved).c_str(),
                    triple(f.pathsRebuilt).c_str(), f.minSwarm, f.maxSwarm,
                    f.maxIdsPerSwarmOverMean, quantile(f.swarmCount, 0), quantile(f.swarmCount, 1));
    }
    std::printf(
        "   * stale paths counted, not drawn again (every path is stale at almost every "
        "directory)\n");
}

}  // namespace tandem::bench::sim
