// SwarmRecords: signed mutable records at a node (crypto/SignedRecord.h). A record is kept by
// the members of the swarm nearest its address (the address's 32 bytes read as a ring key, as
// a blob's id is), in the node's database (daemon::RecordTable: verified here, the highest
// version kept, kRecordTtlMs from the last put, NodeStoreLimits::maxRecordBytesTotal in all),
// replicated to the other members before the uploader hears "stored", and handed out by any
// member. A member's copy is checked the same way — the signature, the address, a higher
// version — so a stale or forged replica cannot roll a record back.
#pragma once

#include <cstdint>

#include <QString>

#include "tandem/node.pb.h"
#include "transport/daemon/RecordTable.h"
#include "transport/onion/Directory.h"
#include "transport/onion/NodeLink.h"

namespace tandem::transport::onion {

class AuditLog;
class DirectoryFile;
class NodeStore;
class Replicator;

class SwarmRecords {
public:
    using Reply = NodeLink::Callback;

    SwarmRecords(NodeStore& store, DirectoryFile& directory, Replicator& replicator,
                 AuditLog* audit);

    void store(const proto::node::StoreRecord& r, const QString& peer, SwarmAnswer answer);
    void get(const proto::node::GetRecord& r, SwarmAnswer answer);
    // From `member`, a member of the swarm (MemberProof checked).
    void replicate(const proto::node::ReplicateRecord& r, const NodeInfo& member,
                   const QString& peer, Reply reply);
    // Removes records past their lifetime.
    void purge(std::int64_t now) { table_.purge(now); }

private:
    DirectoryFile& directory_;
    Replicator& replicator_;
    AuditLog* audit_;  // null unless --audit (tests only)
    daemon::RecordTable table_;
};

}  // namespace tandem::transport::onion
