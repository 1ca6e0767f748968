// OnionHop: a node as a hop of an onion path. A client or the previous hop sends an onion
// layer (NodeRequest.onion); the node peels it (crypto/Onion.h), refuses a layer whose
// ephemeral key it has seen (ReplayCache, NodeLimits::kReplayWindowMs), and either forwards
// the rest to the next hop — which must be in the signed directory — or, as the destination,
// hands the SwarmRequest inside to SwarmService. Replies go back the same way, sealed under
// each hop's layer key; an error from further on goes back as its code alone (its text may
// name the hop after this one, which the hops before must not learn).
#pragma once

#include <string>

#include <QString>

#include "crypto/Primitives.h"
#include "transport/onion/NodeLink.h"
#include "transport/onion/node/ReplayCache.h"

namespace tandem::transport::onion {

class AuditLog;
class DirectoryFile;
class SwarmService;

class OnionHop {
public:
    // `forwardTimeoutMs`: how long a forwarded layer may take (a long-poll at the end).
    OnionHop(const crypto::X25519KeyPair& onionKey, DirectoryFile& directory, NodeLinkPool& links,
             SwarmService& swarm, AuditLog* audit, int forwardTimeoutMs);

    void handle(const std::string& layer, const QString& peer, NodeLink::Callback reply);
    // Forgets expired replay entries.
    void purge() { replays_.purge(); }

private:
    const crypto::X25519KeyPair& onionKey_;
    DirectoryFile& directory_;
    NodeLinkPool& links_;
    SwarmService& swarm_;
    AuditLog* audit_;  // null unless --audit (tests only)
    int forwardTimeoutMs_;
    ReplayCache replays_;
};

}  // namespace tandem::transport::onion
