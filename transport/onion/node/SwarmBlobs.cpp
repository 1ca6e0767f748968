#include "transport/onion/node/SwarmBlobs.h"

#include <QDateTime>

#include "crypto/QtBytes.h"
#include "transport/onion/Blob.h"
#include "transport/onion/node/AuditLog.h"
#include "transport/onion/node/DirectoryFile.h"
#include "transport/onion/node/MemberProof.h"
#include "transport/onion/node/NodeStore.h"
#include "transport/onion/node/Replicator.h"

namespace tandem::transport::onion {

using proto::node::NodeError;
using proto::node::SwarmReply;

SwarmBlobs::SwarmBlobs(NodeStore& store, DirectoryFile& directory, Replicator& replicator,
                       AuditLog* audit)
    : store_(store), directory_(directory), replicator_(replicator), audit_(audit) {}

void SwarmBlobs::store(const proto::node::StoreBlob& r, const QString& peer, SwarmAnswer answer) {
    const QByteArray id = crypto::qbytes(r.id());
    if (r.data().size() > static_cast<std::size_t>(kMaxBlobBytes)) {
        return answer(
            swarmError(NodeError::TOO_LARGE,
                       QStringLiteral("a blob holds at most %1 bytes").arg(kMaxBlobBytes)));
    }
    const QByteArray data = crypto::qbytes(r.data());
    if (!blobIdMatches(id, data)) {
        return answer(
            swarmError(NodeError::MALFORMED,
                       QStringLiteral("the blob's id is not the BLAKE2b-256 of its bytes")));
    }
    std::vector<NodeInfo> others;
    if (!directory_.inSwarmOfKey(blobRingKey(id), &others)) {
        return answer(swarmError(NodeError::WRONG_SWARM,
                                 QStringLiteral("this node does not keep that blob")));
    }
    const std::int64_t t = QDateTime::currentMSecsSinceEpoch();
    const auto stored = store_.storeBlob(id, data, t + kBlobTtlMs, t);
    if (!stored) {
        return answer(swarmError(NodeError::REFUSED, stored.error()));
    }
    AuditLog::note(audit_, "blob_store", peer,
                   {{QStringLiteral("via"), QStringLiteral("onion")},
                    {QStringLiteral("blob_id"), QString::fromLatin1(id.toHex())},
                    {QStringLiteral("size"), data.size()}});
    // Every other member gets a copy before the uploader hears "stored", as for messages.
    SwarmReply reply;
    auto* b = reply.mutable_blob_stored();
    b->set_id(r.id());
    b->set_size(static_cast<std::uint64_t>(data.size()));
    b->set_expires_at_ms(static_cast<std::uint64_t>(stored->second));
    b->set_duplicate(stored->first != StoreOutcome::Stored);
    proto::node::NodeRequest copy;
    auto* rep = copy.mutable_replicate_blob();
    rep->set_id(r.id());
    rep->set_data(r.data());
    rep->set_expires_at_ms(static_cast<std::uint64_t>(stored->second));
    replicator_.replicateThenAnswer(
        others, copy, std::move(reply),
        [](SwarmReply& out, std::uint32_t n) { out.mutable_blob_stored()->set_replicas(n); },
        std::move(answer));
}

void SwarmBlobs::replicate(const proto::node::ReplicateBlob& r, const NodeInfo& member,
                           const QString& peer, Reply reply) {
    const QByteArray id = crypto::qbytes(r.id());
    std::vector<NodeInfo> others;
    if (id.size() != kBlobIdBytes || !directory_.inSwarmOfKey(blobRingKey(id), &others)) {
        return reply(errorReply(NodeError::WRONG_SWARM,
                                QStringLiteral("this node does not keep that blob")));
    }
    if (!MemberProof::isAmong(member, others)) {
        return reply(errorReply(NodeError::UNAUTHORIZED,
                                QStringLiteral("only a member of this swarm replicates to it")));
    }
    const std::int64_t t = QDateTime::currentMSecsSinceEpoch();
    const auto expires = static_cast<std::int64_t>(
        std::min<std::uint64_t>(r.expires_at_ms(), static_cast<std::uint64_t>(t + kBlobTtlMs)));
    // Checked again here (the hash, the size, this node's quota): a member's word is not taken.
    const auto stored = store_.storeBlob(id, crypto::qbytes(r.data()), expires, t);
    if (!stored) {
        return reply(errorReply(NodeError::REFUSED, stored.error()));
    }
    AuditLog::note(audit_, "blob_store", peer,
                   {{QStringLiteral("via"), QStringLiteral("replicate")},
                    {QStringLiteral("blob_id"), QString::fromLatin1(id.toHex())},
                    {QStringLiteral("size"), static_cast<qint64>(r.data().size())}});
    proto::node::NodeReply ok;
    ok.set_replicated(true);
    reply(ok);
}

void SwarmBlobs::get(const proto::node::GetBlob& r, SwarmAnswer answer) {
    const QByteArray id = crypto::qbytes(r.id());
    if (id.size() != kBlobIdBytes) {
        return answer(swarmError(NodeError::MALFORMED,
                                 QStringLiteral("a blob id has %1 bytes").arg(kBlobIdBytes)));
    }
    if (!directory_.inSwarmOfKey(blobRingKey(id), nullptr)) {
        return answer(swarmError(NodeError::WRONG_SWARM,
                                 QStringLiteral("this node does not keep that blob")));
    }
    const auto found = store_.blob(id, QDateTime::currentMSecsSinceEpoch());
    if (!found) {
        return answer(swarmError(NodeError::UNAVAILABLE, found.error()));
    }
    if (!*found) {
        return answer(swarmError(NodeError::NOT_FOUND, QStringLiteral("no such blob here")));
    }
    SwarmReply out;
    out.set_blob(found->value().toStdString());
    answer(out);
}

}  // namespace tandem::transport::onion
