// SwarmBlobs: the onion file store at a node (Blob.h). A blob is stored by the members of the
// swarm nearest its id, checked against its hash (BLAKE2b-256) and size, replicated to the
// other members before the uploader hears "stored", and handed out by any member. A member's
// copy is checked again (the hash, the size, this node's quota): its word is not taken.
#pragma once

#include <QString>

#include "tandem/node.pb.h"
#include "transport/onion/Directory.h"
#include "transport/onion/NodeLink.h"

namespace tandem::transport::onion {

class AuditLog;
class DirectoryFile;
class NodeStore;
class Replicator;

class SwarmBlobs {
public:
    using Reply = NodeLink::Callback;

    SwarmBlobs(NodeStore& store, DirectoryFile& directory, Replicator& replicator, AuditLog* audit);

    void store(const proto::node::StoreBlob& r, const QString& peer, SwarmAnswer answer);
    void get(const proto::node::GetBlob& r, SwarmAnswer answer);
    // From `member`, a member of the swarm (MemberProof checked).
    void replicate(const proto::node::ReplicateBlob& r, const NodeInfo& member, const QString& peer,
                   Reply reply);

private:
    NodeStore& store_;
    DirectoryFile& directory_;
    Replicator& replicator_;
    AuditLog* audit_;  // null unless --audit (tests only)
};

}  // namespace tandem::transport::onion
