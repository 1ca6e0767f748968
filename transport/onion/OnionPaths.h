// OnionPaths: the onion transport's paths — kPaths of them, each a guard and a middle node —
// and requests through them to a destination (a guard, a middle, the destination, each layer
// wrapped for its hop, crypto/Onion.h; the reply opened the same way).
//  - the guard of path 0 is kept across restarts (`guard` in, guardChanged() out) unless it
//    stops answering or is a member of our own swarm; middles are chosen at random, never the
//    guard's address; paths share no guard;
//  - relays (chosen by PathChoice) are kept out of the swarms that could tie our address to a
//    Session ID: no guard or middle in our own swarm (it stores our messages and would see
//    our polls come in); each path's two relays from one swarm, the two paths from two
//    different swarms. Each is a preference: a network too small for it (dead nodes) still
//    gets paths, and with fewer than kSwarmsToSpreadPaths swarms relays are drawn from every
//    node (kept out of one swarm, they would all be in the other, with the destinations);
//  - a path is tested before use (the directory is fetched through it: tested() hands it
//    over), and a failed test drops it (testFailed());
//  - a failure through a path is a strike; three strikes and the path is rebuilt, at once if
//    a hop was unreachable (the guard too if it was the guard that did not answer);
//  - an unreachable node is a suspect (NodeChooser): the guard whose link failed, or both the
//    middle and the destination when a hop beyond the guard was unreachable (the error does
//    not say which: a hop's text never goes back to the hops before it). A hop that only
//    stops answering is a timeout: a strike, not a suspect.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <QObject>
#include <QStringList>

#include <tandem/common/Expected.h>

#include "crypto/Primitives.h"
#include "tandem/node.pb.h"
#include "transport/Transport.h"
#include "transport/onion/Directory.h"
#include "transport/onion/NodeLink.h"
#include "transport/onion/PathChoice.h"

namespace tandem::transport::onion {

class NodeChooser;

struct OnionPath {
    NodeInfo guard;
    NodeInfo middle;
    std::uint64_t generation = 0;  // callbacks for an older path in this slot are ignored
    bool tested = false;
    bool testing = false;
    int strikes = 0;
};

class OnionPaths : public QObject {
    Q_OBJECT
public:
    static constexpr int kPaths = 2;
    static constexpr std::size_t kSwarmsToSpreadPaths = PathChoice::kSwarmsToSpreadPaths;
    static constexpr int kStrikesBeforeRebuild = 3;
    using Answer = std::function<void(Expected<proto::node::SwarmReply, TransportError>)>;

    OnionPaths(NodeChooser& nodes, std::optional<crypto::PublicKey> guard,
               QObject* parent = nullptr);

    // Builds path `index` anew (a new guard too if `newGuard`) and tests it.
    void build(int index, bool newGuard);
    // build(), then changed().
    void rebuild(int index, bool newGuard);
    // Builds the paths that are missing.
    void buildMissing();
    // Forgets what waits on the links, without calling back (stopping).
    void abandonRequests() { links_.clear(); }
    // Drops every path.
    void clear();
    // A newer directory was adopted: paths through a node it no longer lists (as `listed`
    // says), or now in our own swarm, are built again.
    void rebuildUnlisted(const std::function<bool(const NodeInfo&)>& listed);

    [[nodiscard]] const std::optional<OnionPath>& at(int index) const {
        return paths_[static_cast<std::size_t>(index)];
    }
    [[nodiscard]] int ready() const;
    // The guards of the paths built so far (tested or not), path order.
    [[nodiscard]] std::vector<NodeInfo> guards() const;
    // The hops of the first tested path, for the status ("your swarm" at the end).
    [[nodiscard]] QStringList statusPath() const;

    // The next tested path in turn, none of whose relays (guard, middle) is `avoidRelay`;
    // one with no suspect relay first, then (given `awayFrom`, the destination's swarm) one
    // whose relays are not members of that swarm.
    std::optional<int> pick(const QString& avoidRelay = {},
                            std::optional<std::uint64_t> awayFrom = std::nullopt);
    // Where a request for a swarm goes (blobs, records): a ready path and a member of `swarm`
    // that is none of `tried` and none of the path's own hops. Without one, `middleInTheWay`
    // names a ready path whose middle is a member not yet tried, to build with another
    // middle (the members left are hops of every ready path).
    struct Route {
        int path = 0;
        NodeInfo destination;
    };
    struct RouteChoice {
        std::optional<Route> route;
        std::optional<int> middleInTheWay;
    };
    RouteChoice routeTo(std::uint64_t swarm, const std::set<QString>& tried);
    // Through path `index` to `destination`.
    void request(int index, const NodeInfo& destination, const proto::node::SwarmRequest& request,
                 int timeoutMs, Answer answer);

signals:
    void guardChanged(const crypto::PublicKey& guard);
    // A path was rebuilt, or dropped: what the status says may have changed.
    void changed();
    // A path passed its test; the directory the node handed out (signed bytes), or nothing
    // when it was not newer than ours.
    void tested(const std::string& signedDirectory);
    // A path failed its test and was dropped.
    void testFailed();

private:
    enum class Failure { Strike, Unreachable, Guard };
    void test(int index);
    void strike(int index, Failure failure);

    NodeChooser& nodes_;
    std::optional<crypto::PublicKey> preferredGuard_;
    std::vector<std::optional<OnionPath>> paths_;
    std::uint64_t nextGeneration_ = 1;
    int nextPath_ = 0;
    NodeLinkPool links_{this};
};

}  // namespace tandem::transport::onion
