// NodeChooser: the onion transport's view of the network — the node directory it holds, the
// swarm of its own Session ID, the nodes it suspects — and nodes drawn at random from it.
//
// A node found unreachable is a suspect for kSuspectMs (a monotonic clock: a clock set back
// does not prolong it), or until a request through it is answered. A node is drawn around
// suspects where another will do, so a dead node is not tried again and again.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <vector>

#include <QElapsedTimer>
#include <QHash>
#include <QString>

#include "transport/onion/Directory.h"

namespace tandem::transport::onion {

class NodeChooser {
public:
    static constexpr std::int64_t kSuspectMs = 60 * 1000;
    using NodeFilter = std::function<bool(const NodeInfo&)>;

    NodeChooser(NodeDirectory directory, QString sessionId);

    [[nodiscard]] const NodeDirectory& directory() const { return directory_; }
    void setDirectory(NodeDirectory directory) { directory_ = std::move(directory); }
    // The swarm that keeps our own Session ID's messages.
    [[nodiscard]] std::optional<std::uint64_t> ownSwarm() const;

    [[nodiscard]] bool isSuspect(const QString& address) const;
    void suspect(const QString& address);
    // A request through `address` was answered.
    void answered(const QString& address) { suspects_.remove(address); }
    // A new start tries every node again.
    void clearSuspects() { suspects_.clear(); }

    // A node at random, none of `avoidAddresses`, in `inSwarm` if given; not a suspect
    // unless only suspects are left. `preferences`, strongest first: the first that some
    // node passes is required (none passed: any node will do).
    [[nodiscard]] std::optional<NodeInfo> randomNode(
        const std::set<QString>& avoidAddresses, std::optional<std::uint64_t> inSwarm,
        const std::vector<NodeFilter>& preferences = {}) const;

private:
    NodeDirectory directory_;
    QString sessionId_;
    QHash<QString, qint64> suspects_;  // address → until (clock_ ms)
    QElapsedTimer clock_;
};

}  // namespace tandem::transport::onion
