#include "transport/onion/node/SwarmRecords.h"

#include <QDateTime>

#include "crypto/QtBytes.h"
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

// A refusal as a node's error (STALE_VERSION carries the version held).
NodeError errorOf(const RecordRefusal& refusal) {
    NodeError e;
    switch (refusal.reason) {
        case RecordRefusal::Reason::Stale:
            e.set_code(NodeError::STALE_VERSION);
            e.set_stored_version(refusal.storedVersion);
            break;
        case RecordRefusal::Reason::TooLarge:
            e.set_code(NodeError::TOO_LARGE);
            break;
        case RecordRefusal::Reason::Full:
            e.set_code(NodeError::FULL);
            break;
        case RecordRefusal::Reason::Unavailable:
            e.set_code(NodeError::UNAVAILABLE);
            break;
        case RecordRefusal::Reason::Invalid:
            e.set_code(NodeError::MALFORMED);
            break;
    }
    e.set_message(refusal.message.toStdString());
    return e;
}

QString hex(const std::string& bytes) {
    return QString::fromLatin1(crypto::qbytes(bytes).toHex());
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
    const crypto::SignedRecord record = crypto::fromProto(r.record());
    std::vector<NodeInfo> others;
    if (record.address.size() != crypto::kRecordAddressBytes ||
        !directory_.inSwarmOfKey(blobRingKey(record.address), &others)) {
        return answer(swarmError(NodeError::WRONG_SWARM,
                                 QStringLiteral("this node does not keep that record")));
    }
    const std::int64_t t = QDateTime::currentMSecsSinceEpoch();
    const auto stored = table_.put(record, t + daemon::kRecordTtlMs, t);
    if (!stored) {
        SwarmReply refused;
        *refused.mutable_error() = errorOf(stored.error());
        return answer(refused);
    }
    AuditLog::note(audit_, "record_store", peer,
                   {{QStringLiteral("via"), QStringLiteral("onion")},
                    {QStringLiteral("address"), hex(r.record().address())},
                    {QStringLiteral("version"), QString::number(record.version)}});
    // Every other member gets a copy before the uploader hears "stored", as for blobs. The
    // same record again goes too: a member that missed it catches up.
    SwarmReply reply;
    auto* s = reply.mutable_record_stored();
    s->set_version(stored->version);
    s->set_expires_at_ms(static_cast<std::uint64_t>(stored->expiresAt));
    s->set_duplicate(!stored->changed);
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
    if (record.address.size() != crypto::kRecordAddressBytes ||
        !directory_.inSwarmOfKey(blobRingKey(record.address), &others)) {
        return reply(errorReply(NodeError::WRONG_SWARM,
                                QStringLiteral("this node does not keep that record")));
    }
    if (!MemberProof::isAmong(member, others)) {
        return reply(errorReply(NodeError::UNAUTHORIZED,
                                QStringLiteral("only a member of this swarm replicates to it")));
    }
    const std::int64_t t = QDateTime::currentMSecsSinceEpoch();
    const auto expires = static_cast<std::int64_t>(std::min<std::uint64_t>(
        r.expires_at_ms(), static_cast<std::uint64_t>(t + daemon::kRecordTtlMs)));
    // Checked again here (the signature, the address, the version, this node's bound).
    const auto stored = table_.put(record, expires, t);
    if (!stored) {
        proto::node::NodeReply refused;
        *refused.mutable_error() = errorOf(stored.error());
        return reply(refused);
    }
    AuditLog::note(audit_, "record_store", peer,
                   {{QStringLiteral("via"), QStringLiteral("replicate")},
                    {QStringLiteral("address"), hex(r.record().address())},
                    {QStringLiteral("version"), QString::number(record.version)}});
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
    if (!directory_.inSwarmOfKey(blobRingKey(address), nullptr)) {
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
