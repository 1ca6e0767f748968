#include "transport/onion/node/SwarmRecords.h"

#include <QDateTime>

#include "crypto/QtBytes.h"
#include "crypto/SignedRecord.h"
#include "transport/onion/Blob.h"
#include "transport/onion/node/AuditLog.h"
#include "transport/onion/node/DirectoryFile.h"
#include "transport/onion/node/MemberProof.h"
#include "transport/onion/node/NodeStore.h"
#include "transport/onion/node/Replicator.h"

namespace tandem::transport::onion {

using daemon::RecordRefusal;
using proto::node::NodeError;
using proto::node::SwarmReply;

namespace {

NodeError::Code codeOf(RecordRefusal::Reason reason) {
    switch (reason) {
        case RecordRefusal::Reason::Stale:
            return NodeError::STALE_VERSION;
        case RecordRefusal::Reason::TooLarge:
            return NodeError::TOO_LARGE;
        case RecordRefusal::Reason::Full:
            return NodeError::FULL;
        case RecordRefusal::Reason::Unavailable:
            return NodeError::UNAVAILABLE;
        case RecordRefusal::Reason::Invalid:
            break;
    }
    return NodeError::MALFORMED;
}

// The members of the swarm that keeps `address` (and whether this node is one of them).
bool keeps(DirectoryFile& directory, const QByteArray& address, std::vector<NodeInfo>* others) {
    return address.size() == crypto::kRecordAddressBytes &&
           directory.inSwarmOfKey(blobRingKey(address), others);
}

}  // namespace

SwarmRecords::SwarmRecords(NodeStore& store, DirectoryFile& directory, Replicator& replicator,
                           AuditLog* audit)
    : directory_(directory),
      replicator_(replicator),
      audit_(audit),
      table_(store.database(), store.limits().maxRecordBytesTotal) {}

void SwarmRecords::store(const proto::node::StoreRecord& r, const QString& peer,
                         SwarmAnswer answer) {
    if (!r.has_record()) {
        return answer(swarmError(NodeError::MALFORMED, QStringLiteral("no record")));
    }
    const crypto::SignedRecord record = crypto::fromProto(r.record());
    std::vector<NodeInfo> others;
    if (!keeps(directory_, record.address, &others)) {
        return answer(swarmError(NodeError::WRONG_SWARM,
                                 QStringLiteral("this node does not keep that record")));
    }
    const std::int64_t now = QDateTime::currentMSecsSinceEpoch();
    const auto stored = table_.put(record, now + daemon::kRecordTtlMs, now);
    if (!stored) {
        SwarmReply out;
        auto* e = out.mutable_error();
        e->set_code(codeOf(stored.error().reason));
        e->set_message(stored.error().message.toStdString());
        e->set_stored_version(stored.error().storedVersion);
        return answer(out);
    }
    AuditLog::note(audit_, "record_store", peer,
                   {{QStringLiteral("via"), QStringLiteral("onion")},
                    {QStringLiteral("address"), QString::fromLatin1(record.address.toHex())},
                    {QStringLiteral("version"), static_cast<qint64>(record.version)}});
    SwarmReply reply;
    auto* s = reply.mutable_record_stored();
    s->set_version(stored->version);
    s->set_expires_at_ms(static_cast<std::uint64_t>(stored->expiresAt));
    s->set_duplicate(!stored->changed);
    // Every other member gets a copy before the uploader hears "stored", as for blobs.
    proto::node::NodeRequest copy;
    auto* rep = copy.mutable_replicate_record();
    *rep->mutable_record() = r.record();
    rep->set_expires_at_ms(static_cast<std::uint64_t>(stored->expiresAt));
    replicator_.replicateThenAnswer(
        others, copy, std::move(reply),
        [](SwarmReply& out, std::uint32_t n) { out.mutable_record_stored()->set_replicas(n); },
        std::move(answer));
}

void SwarmRecords::replicate(const proto::node::ReplicateRecord& r, const NodeInfo& member,
                             const QString& peer, Reply reply) {
    const crypto::SignedRecord record = crypto::fromProto(r.record());
    std::vector<NodeInfo> others;
    if (!keeps(directory_, record.address, &others)) {
        return reply(errorReply(NodeError::WRONG_SWARM,
                                QStringLiteral("this node does not keep that record")));
    }
    if (!MemberProof::isAmong(member, others)) {
        return reply(errorReply(NodeError::UNAUTHORIZED,
                                QStringLiteral("only a member of this swarm replicates to it")));
    }
    const std::int64_t now = QDateTime::currentMSecsSinceEpoch();
    const auto expires = static_cast<std::int64_t>(std::min<std::uint64_t>(
        r.expires_at_ms(), static_cast<std::uint64_t>(now + daemon::kRecordTtlMs)));
    // Checked again here by the same rules as a client's put: a member's word is not taken,
    // and a stale replica is refused, so it cannot roll the record back.
    const auto stored = table_.put(record, expires, now);
    if (!stored) {
        proto::node::NodeReply refused =
            errorReply(codeOf(stored.error().reason), stored.error().message);
        refused.mutable_error()->set_stored_version(stored.error().storedVersion);
        return reply(refused);
    }
    AuditLog::note(audit_, "record_store", peer,
                   {{QStringLiteral("via"), QStringLiteral("replicate")},
                    {QStringLiteral("address"), QString::fromLatin1(record.address.toHex())},
                    {QStringLiteral("version"), static_cast<qint64>(record.version)}});
    proto::node::NodeReply ok;
    ok.set_replicated(true);
    reply(ok);
}

void SwarmRecords::get(const proto::node::GetRecord& r, SwarmAnswer answer) {
    const QByteArray address = crypto::qbytes(r.address());
    if (address.size() != crypto::kRecordAddressBytes) {
        return answer(swarmError(
            NodeError::MALFORMED,
            QStringLiteral("a record address has %1 bytes").arg(crypto::kRecordAddressBytes)));
    }
    if (!keeps(directory_, address, nullptr)) {
        return answer(swarmError(NodeError::WRONG_SWARM,
                                 QStringLiteral("this node does not keep that record")));
    }
    const auto found = table_.get(address, QDateTime::currentMSecsSinceEpoch());
    if (!found) {
        return answer(swarmError(NodeError::UNAVAILABLE, found.error()));
    }
    if (!*found) {
        return answer(swarmError(NodeError::NOT_FOUND, QStringLiteral("no such record here")));
    }
    SwarmReply out;
    *out.mutable_record() = crypto::toProto(**found);
    answer(out);
}

}  // namespace tandem::transport::onion
