#include "transport/onion/NodeChooser.h"

#include <sodium.h>

#include "crypto/session/SessionKeys.h"

namespace tandem::transport::onion {

NodeChooser::NodeChooser(NodeDirectory directory, QString sessionId)
    : directory_(std::move(directory)), sessionId_(std::move(sessionId)) {
    clock_.start();
}

std::optional<std::uint64_t> NodeChooser::ownSwarm() const {
    const auto key = crypto::session::parseSessionId(sessionId_);
    return key ? directory_.swarmOf(*key) : std::nullopt;
}

bool NodeChooser::isSuspect(const QString& address) const {
    const auto it = suspects_.constFind(address);
    return it != suspects_.constEnd() && *it > clock_.elapsed();
}

void NodeChooser::suspect(const QString& address) {
    const qint64 now = clock_.elapsed();
    suspects_.removeIf([now](const auto& entry) { return entry.value() <= now; });
    suspects_.insert(address, now + kSuspectMs);  // at most one per node of the directory
}

std::optional<NodeInfo> NodeChooser::randomNode(const std::set<QString>& avoid,
                                                std::optional<std::uint64_t> inSwarm,
                                                const std::vector<NodeFilter>& preferences) const {
    // A live node first (a suspect drawn again would fail the path again), then the strongest
    // preference some node passes.
    for (const bool sparingSuspects : {true, false}) {
        for (std::size_t tier = 0; tier <= preferences.size(); ++tier) {
            std::vector<const NodeInfo*> candidates;
            for (const NodeInfo& n : directory_.nodes) {
                if (avoid.count(n.address) == 0 && (!inSwarm || n.swarmId == *inSwarm) &&
                    !(sparingSuspects && isSuspect(n.address)) &&
                    (tier == preferences.size() || preferences[tier](n))) {
                    candidates.push_back(&n);
                }
            }
            if (!candidates.empty()) {
                return *candidates[randombytes_uniform(
                    static_cast<std::uint32_t>(candidates.size()))];
            }
        }
    }
    return std::nullopt;
}

}  // namespace tandem::transport::onion
