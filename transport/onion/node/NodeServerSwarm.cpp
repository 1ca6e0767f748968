// NodeServer: what a destination serves — stores (replicated to the rest of the swarm before
// they are confirmed), owner-signed retrieves held as long-polls, deletes, blobs, the directory.
// Connections, the onion hop and the directory file are in NodeServer.cpp.
#include <limits>
#include <sodium.h>

#include "transport/onion/Blob.h"
#include "transport/onion/OwnerAuth.h"
#include "transport/onion/node/MemberProof.h"
#include "transport/onion/node/NodeServer.h"
#include "transport/onion/node/NodeServerUtil.h"

namespace tandem::transport::onion {

using namespace nodedetail;  // NodeServerUtil.h

namespace {

SwarmReply messagesReply(const std::vector<StoredMessage>& found) {
    SwarmReply out;
    auto* list = out.mutable_messages();
    for (const StoredMessage& m : found) {
        auto* e = list->add_messages();
        e->set_hash(m.hash.toStdString());
        e->set_data(m.data.toStdString());
        e->set_stored_at_ms(static_cast<std::uint64_t>(m.storedAt));
        e->set_expires_at_ms(static_cast<std::uint64_t>(m.expiresAt));
    }
    return out;
}

std::optional<OwnerProof> proofOf(const proto::node::OwnerSignature& s) {
    if (s.ed25519().size() != 32 || s.signature().size() != crypto_sign_BYTES ||
        s.timestamp_ms() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return std::nullopt;
    }
    OwnerProof proof;
    std::copy(s.ed25519().begin(), s.ed25519().end(), proof.ed25519.begin());
    std::copy(s.signature().begin(), s.signature().end(), proof.signature.begin());
    proof.timestampMs = static_cast<std::int64_t>(s.timestamp_ms());
    return proof;
}

}  // namespace

struct NodeServer::Poll {
    QString recipient;
    QByteArray afterHash;
    Answer answer;
    QTimer timer;
};

// ---- the destination --------------------------------------------------------------------------

void NodeServer::serve(const SwarmRequest& request, const QString& peer, Answer answer) {
    if (audit_) {
        QJsonObject what;
        switch (request.body_case()) {
            case SwarmRequest::kStore:
                what = {{QStringLiteral("destination"), QStringLiteral("store")},
                        {QStringLiteral("session_id"),
                         QString::fromStdString(request.store().recipient())}};
                break;
            case SwarmRequest::kRetrieve:
                what = {{QStringLiteral("destination"), QStringLiteral("retrieve")},
                        {QStringLiteral("session_id"),
                         QString::fromStdString(request.retrieve().recipient())}};
                break;
            case SwarmRequest::kDelete:
                what = {{QStringLiteral("destination"), QStringLiteral("delete")},
                        {QStringLiteral("session_id"),
                         QString::fromStdString(request.delete_().recipient())}};
                break;
            case SwarmRequest::kGetDirectory:
                what = {{QStringLiteral("destination"), QStringLiteral("get_directory")}};
                break;
            case SwarmRequest::kStoreBlob:
                what = {{QStringLiteral("destination"), QStringLiteral("store_blob")},
                        {QStringLiteral("blob_id"),
                         QString::fromLatin1(qbytes(request.store_blob().id()).toHex())}};
                break;
            case SwarmRequest::kGetBlob:
                what = {{QStringLiteral("destination"), QStringLiteral("get_blob")},
                        {QStringLiteral("blob_id"),
                         QString::fromLatin1(qbytes(request.get_blob().id()).toHex())}};
                break;
            default:
                what = {{QStringLiteral("destination"), QStringLiteral("unknown")}};
                break;
        }
        audit("peel", peer, what);
    }
    switch (request.body_case()) {
        case SwarmRequest::kStore:
            return serveStore(request.store(), peer, std::move(answer));
        case SwarmRequest::kRetrieve:
            return serveRetrieve(request.retrieve(), std::move(answer));
        case SwarmRequest::kDelete:
            return serveDelete(request.delete_(), peer, std::move(answer));
        case SwarmRequest::kStoreBlob:
            return serveStoreBlob(request.store_blob(), peer, std::move(answer));
        case SwarmRequest::kGetBlob:
            return serveGetBlob(request.get_blob(), std::move(answer));
        case SwarmRequest::kGetDirectory: {
            SwarmReply reply;
            if (directory() == nullptr) {
                return answer(swarmError(NodeError::UNAVAILABLE,
                                         QStringLiteral("this node has no directory yet")));
            }
            reply.set_directory(directoryBytes_.toStdString());
            return answer(reply);
        }
        default:
            return answer(swarmError(NodeError::MALFORMED, QStringLiteral("unknown request")));
    }
}

void NodeServer::serveStore(const proto::node::StoreMessage& r, const QString& peer,
                            Answer answer) {
    const QString recipient = QString::fromStdString(r.recipient());
    std::vector<NodeInfo> others;
    if (!inSwarmOf(recipient, &others)) {
        return answer(swarmError(NodeError::WRONG_SWARM,
                                 QStringLiteral("this node does not keep that ID's messages")));
    }
    const auto stored = store_->store(
        recipient, qbytes(r.data()),
        static_cast<std::int64_t>(std::min<std::uint64_t>(r.ttl_ms(), NodeStoreLimits::kMaxTtlMs)),
        now());
    if (!stored) {
        return answer(swarmError(stored.error().full ? NodeError::FULL : NodeError::REFUSED,
                                 stored.error().reason));
    }
    const StoredMessage message = stored->second;
    const bool duplicate = stored->first != StoreOutcome::Stored;
    audit("store", peer,
          {{QStringLiteral("via"), QStringLiteral("onion")},
           {QStringLiteral("recipient"), recipient},
           {QStringLiteral("hash"), QString::fromLatin1(message.hash.toHex())},
           {QStringLiteral("size"), message.data.size()},
           {QStringLiteral("duplicate"), duplicate}});
    if (!duplicate) {
        wakePolls(recipient);
    }
    // Every other member gets a copy before the sender hears "stored": a member that dies
    // right after loses nothing. A duplicate is replicated again (its first replication may
    // be what failed).
    SwarmReply reply;
    auto* s = reply.mutable_stored();
    s->set_hash(message.hash.toStdString());
    s->set_duplicate(duplicate);
    s->set_expires_at_ms(static_cast<std::uint64_t>(message.expiresAt));
    // Deleted by its owner here: not handed to members that may never have had it.
    if (stored->first == StoreOutcome::Deleted) {
        return answer(reply);
    }
    NodeRequest copy;
    auto* rep = copy.mutable_replicate();
    rep->set_recipient(r.recipient());
    rep->set_data(r.data());
    rep->set_expires_at_ms(static_cast<std::uint64_t>(message.expiresAt));
    replicateThenAnswer(
        others, copy, std::move(reply),
        [](SwarmReply& out, std::uint32_t n) { out.mutable_stored()->set_replicas(n); },
        std::move(answer));
}

void NodeServer::replicateThenAnswer(const std::vector<NodeInfo>& others, const NodeRequest& copy,
                                     SwarmReply reply,
                                     std::function<void(SwarmReply&, std::uint32_t)> setReplicas,
                                     Answer answer) {
    struct Tally {
        std::size_t waiting = 0;
        std::uint32_t confirmed = 0;
        SwarmReply reply;
        std::function<void(SwarmReply&, std::uint32_t)> setReplicas;
        Answer answer;
    };
    auto tally = std::make_shared<Tally>(
        Tally{others.size(), 0, std::move(reply), std::move(setReplicas), std::move(answer)});
    if (others.empty()) {
        tally->setReplicas(tally->reply, 0);
        tally->answer(tally->reply);
        return;
    }
    NodeRequest signedCopy = copy;
    MemberProof::sign(signedCopy, identity_, now());
    for (const NodeInfo& other : others) {
        links_.linkTo(other)->request(
            NodeRequest(signedCopy),
            [tally](const NodeReply& answered) {
                if (answered.has_replicated() && answered.replicated()) {
                    ++tally->confirmed;
                }
                if (--tally->waiting == 0) {
                    tally->setReplicas(tally->reply, tally->confirmed);
                    tally->answer(tally->reply);
                }
            },
            limits_.replicateTimeoutMs);
    }
}

void NodeServer::handleReplicate(const proto::node::Replicate& r, const NodeInfo& member,
                                 const QString& peer, Reply reply) {
    const QString recipient = QString::fromStdString(r.recipient());
    audit("replicate", peer, {{QStringLiteral("session_id"), recipient}});
    std::vector<NodeInfo> others;
    if (!inSwarmOf(recipient, &others)) {
        return reply(errorReply(NodeError::WRONG_SWARM,
                                QStringLiteral("this node does not keep that ID's messages")));
    }
    if (!MemberProof::isAmong(member, others)) {
        return reply(errorReply(NodeError::UNAUTHORIZED,
                                QStringLiteral("only a member of this swarm replicates to it")));
    }
    const std::int64_t t = now();
    const auto expires = static_cast<std::int64_t>(std::min<std::uint64_t>(
        r.expires_at_ms(), static_cast<std::uint64_t>(t) + NodeStoreLimits::kMaxTtlMs));
    NodeReply ok;
    ok.set_replicated(true);
    if (expires - t < NodeStoreLimits::kMinTtlMs) {
        return reply(ok);  // about to expire anyway
    }
    const auto stored = store_->store(recipient, qbytes(r.data()), expires - t, t);
    if (!stored) {
        return reply(errorReply(stored.error().full ? NodeError::FULL : NodeError::REFUSED,
                                stored.error().reason));
    }
    audit("store", peer,
          {{QStringLiteral("via"), QStringLiteral("replicate")},
           {QStringLiteral("recipient"), recipient},
           {QStringLiteral("hash"), QString::fromLatin1(stored->second.hash.toHex())},
           {QStringLiteral("size"), stored->second.data.size()},
           {QStringLiteral("duplicate"), stored->first == StoreOutcome::Duplicate}});
    if (stored->first == StoreOutcome::Stored) {
        wakePolls(recipient);
    }
    reply(ok);
}

void NodeServer::serveRetrieve(const proto::node::RetrieveMessages& r, Answer answer) {
    const QString recipient = QString::fromStdString(r.recipient());
    if (!inSwarmOf(recipient, nullptr)) {
        return answer(swarmError(NodeError::WRONG_SWARM,
                                 QStringLiteral("this node does not keep that ID's messages")));
    }
    const auto proof = proofOf(r.owner());
    const QByteArray after = qbytes(r.after_hash());
    if (!proof) {
        return answer(swarmError(NodeError::UNAUTHORIZED, QStringLiteral("the owner must sign")));
    }
    if (const auto ok =
            checkOwner(*proof, "retrieve", recipient, now(), crypto::view(r.after_hash()));
        !ok) {
        return answer(swarmError(NodeError::UNAUTHORIZED, ok.error()));
    }
    const auto messages = store_->retrieve(recipient, after, store_->limits().maxRetrieve, now());
    if (!messages) {
        return answer(swarmError(NodeError::UNAVAILABLE, messages.error()));
    }
    const int wait = std::min<int>(static_cast<int>(std::min<std::uint32_t>(r.wait_ms(), 1u << 30)),
                                   limits_.maxWaitMs);
    if (!messages->empty() || wait <= 0 ||
        static_cast<int>(polls_.count(recipient)) >= limits_.maxPollsPerRecipient ||
        static_cast<int>(polls_.size()) >= limits_.maxPolls) {
        return answer(messagesReply(*messages));
    }
    // Held until a message for this ID is stored here, or the wait is over.
    auto poll = std::make_shared<Poll>();
    poll->recipient = recipient;
    poll->afterHash = after;
    poll->answer = std::move(answer);
    poll->timer.setSingleShot(true);
    const auto it = polls_.emplace(recipient, poll);
    connect(&poll->timer, &QTimer::timeout, this, [this, it] {
        const std::shared_ptr<Poll> p = it->second;
        polls_.erase(it);
        const auto found =
            store_->retrieve(p->recipient, p->afterHash, store_->limits().maxRetrieve, now());
        p->answer(messagesReply(found ? *found : std::vector<StoredMessage>{}));
    });
    poll->timer.start(wait);
}

void NodeServer::wakePolls(const QString& recipient) {
    const auto range = polls_.equal_range(recipient);
    std::vector<std::shared_ptr<Poll>> woken;
    for (auto it = range.first; it != range.second;) {
        woken.push_back(it->second);
        it = polls_.erase(it);
    }
    for (const auto& p : woken) {
        p->timer.stop();
        const auto found =
            store_->retrieve(p->recipient, p->afterHash, store_->limits().maxRetrieve, now());
        p->answer(messagesReply(found ? *found : std::vector<StoredMessage>{}));
    }
}

// The owner's signed request, checked here, and also by every other member it is passed on
// to: no member deletes on another's word alone.
Expected<int, NodeError> NodeServer::deleteAsOwner(const proto::node::DeleteMessages& r) {
    const QString recipient = QString::fromStdString(r.recipient());
    NodeError error;
    if (!inSwarmOf(recipient, nullptr)) {
        error.set_code(NodeError::WRONG_SWARM);
        error.set_message("this node does not keep that ID's messages");
        return unexpected(error);
    }
    const auto proof = proofOf(r.owner());
    if (!proof) {
        error.set_code(NodeError::UNAUTHORIZED);
        error.set_message("the owner must sign");
        return unexpected(error);
    }
    std::string joined;
    std::vector<QByteArray> hashes;
    for (const std::string& h : r.hashes()) {
        joined += h;
        hashes.push_back(qbytes(h));
    }
    if (const auto ok = checkOwner(*proof, "delete", recipient, now(), crypto::view(joined)); !ok) {
        error.set_code(NodeError::UNAUTHORIZED);
        error.set_message(ok.error().toStdString());
        return unexpected(error);
    }
    const auto removed = store_->remove(recipient, hashes);
    if (!removed) {
        error.set_code(NodeError::REFUSED);
        error.set_message(removed.error().toStdString());
        return unexpected(error);
    }
    return *removed;
}

void NodeServer::serveDelete(const proto::node::DeleteMessages& r, const QString& peer,
                             Answer answer) {
    const auto removed = deleteAsOwner(r);
    if (!removed) {
        SwarmReply out;
        *out.mutable_error() = removed.error();
        return answer(out);
    }
    const QString recipient = QString::fromStdString(r.recipient());
    audit("delete", peer,
          {{QStringLiteral("via"), QStringLiteral("onion")},
           {QStringLiteral("recipient"), recipient},
           {QStringLiteral("count"), *removed}});
    // Passed on to every other member before the owner hears "deleted" (as a store is), so a
    // deleted message does not come back from another member.
    SwarmReply reply;
    reply.mutable_deleted()->set_count(static_cast<std::uint32_t>(*removed));
    std::vector<NodeInfo> others;
    (void)inSwarmOf(recipient, &others);
    NodeRequest copy;
    *copy.mutable_replicate_delete() = r;
    replicateThenAnswer(
        others, copy, std::move(reply),
        [](SwarmReply& out, std::uint32_t n) { out.mutable_deleted()->set_replicas(n); },
        std::move(answer));
}

void NodeServer::handleReplicateDelete(const proto::node::DeleteMessages& r, const NodeInfo& member,
                                       const QString& peer, Reply reply) {
    std::vector<NodeInfo> others;
    if (!inSwarmOf(QString::fromStdString(r.recipient()), &others) ||
        !MemberProof::isAmong(member, others)) {
        return reply(errorReply(NodeError::UNAUTHORIZED,
                                QStringLiteral("only a member of this swarm replicates to it")));
    }
    const auto removed = deleteAsOwner(r);
    if (!removed) {
        NodeReply out;
        *out.mutable_error() = removed.error();
        return reply(out);
    }
    audit("delete", peer,
          {{QStringLiteral("via"), QStringLiteral("replicate")},
           {QStringLiteral("recipient"), QString::fromStdString(r.recipient())},
           {QStringLiteral("count"), *removed}});
    NodeReply ok;
    ok.set_replicated(true);
    reply(ok);
}

// ---- the onion file store ---------------------------------------------------------------------

void NodeServer::serveStoreBlob(const proto::node::StoreBlob& r, const QString& peer,
                                Answer answer) {
    const QByteArray id = qbytes(r.id());
    if (r.data().size() > static_cast<std::size_t>(kMaxBlobBytes)) {
        return answer(
            swarmError(NodeError::TOO_LARGE,
                       QStringLiteral("a blob holds at most %1 bytes").arg(kMaxBlobBytes)));
    }
    const QByteArray data = qbytes(r.data());
    if (!blobIdMatches(id, data)) {
        return answer(
            swarmError(NodeError::MALFORMED,
                       QStringLiteral("the blob's id is not the BLAKE2b-256 of its bytes")));
    }
    std::vector<NodeInfo> others;
    if (!inSwarmOfKey(blobRingKey(id), &others)) {
        return answer(swarmError(NodeError::WRONG_SWARM,
                                 QStringLiteral("this node does not keep that blob")));
    }
    const std::int64_t t = now();
    const auto stored = store_->storeBlob(id, data, t + kBlobTtlMs, t);
    if (!stored) {
        return answer(swarmError(NodeError::REFUSED, stored.error()));
    }
    audit("blob_store", peer,
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
    NodeRequest copy;
    auto* rep = copy.mutable_replicate_blob();
    rep->set_id(r.id());
    rep->set_data(r.data());
    rep->set_expires_at_ms(static_cast<std::uint64_t>(stored->second));
    replicateThenAnswer(
        others, copy, std::move(reply),
        [](SwarmReply& out, std::uint32_t n) { out.mutable_blob_stored()->set_replicas(n); },
        std::move(answer));
}

void NodeServer::handleReplicateBlob(const proto::node::ReplicateBlob& r, const NodeInfo& member,
                                     const QString& peer, Reply reply) {
    const QByteArray id = qbytes(r.id());
    std::vector<NodeInfo> others;
    if (id.size() != kBlobIdBytes || !inSwarmOfKey(blobRingKey(id), &others)) {
        return reply(errorReply(NodeError::WRONG_SWARM,
                                QStringLiteral("this node does not keep that blob")));
    }
    if (!MemberProof::isAmong(member, others)) {
        return reply(errorReply(NodeError::UNAUTHORIZED,
                                QStringLiteral("only a member of this swarm replicates to it")));
    }
    const std::int64_t t = now();
    const auto expires = static_cast<std::int64_t>(
        std::min<std::uint64_t>(r.expires_at_ms(), static_cast<std::uint64_t>(t + kBlobTtlMs)));
    // Checked again here (the hash, the size, this node's quota): a member's word is not taken.
    const auto stored = store_->storeBlob(id, qbytes(r.data()), expires, t);
    if (!stored) {
        return reply(errorReply(NodeError::REFUSED, stored.error()));
    }
    audit("blob_store", peer,
          {{QStringLiteral("via"), QStringLiteral("replicate")},
           {QStringLiteral("blob_id"), QString::fromLatin1(id.toHex())},
           {QStringLiteral("size"), static_cast<qint64>(r.data().size())}});
    NodeReply ok;
    ok.set_replicated(true);
    reply(ok);
}

void NodeServer::serveGetBlob(const proto::node::GetBlob& r, Answer answer) {
    const QByteArray id = qbytes(r.id());
    if (id.size() != kBlobIdBytes) {
        return answer(swarmError(NodeError::MALFORMED,
                                 QStringLiteral("a blob id has %1 bytes").arg(kBlobIdBytes)));
    }
    if (!inSwarmOfKey(blobRingKey(id), nullptr)) {
        return answer(swarmError(NodeError::WRONG_SWARM,
                                 QStringLiteral("this node does not keep that blob")));
    }
    const auto found = store_->blob(id, now());
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
