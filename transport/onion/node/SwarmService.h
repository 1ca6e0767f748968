// SwarmService: what a node serves as an onion request's destination, and what the other
// members of its swarms send it.
// - Store, for a Session ID whose swarm this node is in: kept here, then replicated to the
//   other members before it answers (it says how many confirmed); polls for the ID wake.
// - Retrieve, signed by the owner (OwnerAuth.h): what is stored after a hash, or, with a
//   wait, a long-poll (LongPolls) held until a message for the ID is stored here.
// - Delete, signed by the owner: removed here, then passed on to every other member as the
//   owner's signed request (each checks the signature) before it answers.
// - The signed directory (GetDirectory), blobs (handed to SwarmBlobs) and records (handed to
//   SwarmRecords).
// A member's replicate and replicated delete are taken only from a member of that swarm.
#pragma once

#include <vector>

#include <QString>

#include <tandem/common/Expected.h>

#include "tandem/node.pb.h"
#include "transport/onion/Directory.h"
#include "transport/onion/NodeLink.h"

namespace tandem::transport::onion {

class AuditLog;
class DirectoryFile;
class LongPolls;
class NodeStore;
class Replicator;
class SwarmBlobs;
class SwarmRecords;
struct NodeLimits;

class SwarmService {
public:
    using Reply = NodeLink::Callback;

    SwarmService(NodeStore& store, DirectoryFile& directory, Replicator& replicator,
                 LongPolls& polls, SwarmBlobs& blobs, SwarmRecords& records, AuditLog* audit,
                 const NodeLimits& limits);

    // A destination request, from the onion layer `peer` sent.
    void serve(const proto::node::SwarmRequest& request, const QString& peer, SwarmAnswer answer);
    // From `member`, a member of the swarm (MemberProof checked).
    void replicate(const proto::node::Replicate& r, const NodeInfo& member, const QString& peer,
                   Reply reply);
    void replicateDelete(const proto::node::DeleteMessages& r, const NodeInfo& member,
                         const QString& peer, Reply reply);

    // The same answer, given once every commit made so far is on the disk (NodeStore::
    // whenDurable), or an UNAVAILABLE error if the disk failed: for what wrote something.
    SwarmAnswer afterDurable(SwarmAnswer answer);
    Reply afterDurable(Reply reply);

private:
    void auditServe(const proto::node::SwarmRequest& request, const QString& peer);
    void store(const proto::node::StoreMessage& r, const QString& peer, SwarmAnswer answer);
    void retrieve(const proto::node::RetrieveMessages& r, SwarmAnswer answer);
    void remove(const proto::node::DeleteMessages& r, const QString& peer, SwarmAnswer answer);
    Expected<int, proto::node::NodeError> deleteAsOwner(const proto::node::DeleteMessages& r);

    NodeStore& store_;
    DirectoryFile& directory_;
    Replicator& replicator_;
    LongPolls& polls_;
    SwarmBlobs& blobs_;
    SwarmRecords& records_;
    AuditLog* audit_;  // null unless --audit (tests only)
    const NodeLimits& limits_;
};

}  // namespace tandem::transport::onion
