#include "transport/onion/node/SwarmService.h"

#include <limits>
#include <memory>
#include <optional>
#include <sodium.h>
#include <utility>

#include <QDateTime>

#include "crypto/QtBytes.h"
#include "tandem/common/Clock.h"
#include "transport/onion/OwnerAuth.h"
#include "transport/onion/node/AuditLog.h"
#include "transport/onion/node/DirectoryFile.h"
#include "transport/onion/node/LongPolls.h"
#include "transport/onion/node/MemberProof.h"
#include "transport/onion/node/NodeLimits.h"
#include "transport/onion/node/NodeStore.h"
#include "transport/onion/node/Replicator.h"
#include "transport/onion/node/SwarmBlobs.h"
#include "transport/onion/node/SwarmRecords.h"

namespace tandem::transport::onion {

using proto::node::NodeError;
using proto::node::NodeReply;
using proto::node::NodeRequest;
using proto::node::SwarmReply;
using proto::node::SwarmRequest;

namespace {

// A failed sync, or too many writes waiting for one (WalSyncer::kMaxWaiting): retry later.
QString diskFailed() {
    return QStringLiteral("this node could not confirm the write on its disk; try again later");
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

SwarmService::SwarmService(NodeStore& store, DirectoryFile& directory, Replicator& replicator,
                           LongPolls& polls, SwarmBlobs& blobs, SwarmRecords& records,
                           AuditLog* audit, const NodeLimits& limits)
    : store_(store),
      directory_(directory),
      replicator_(replicator),
      polls_(polls),
      blobs_(blobs),
      records_(records),
      audit_(audit),
      limits_(limits) {}

void SwarmService::auditServe(const SwarmRequest& request, const QString& peer) {
    if (audit_ != nullptr) {
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
                         QString::fromLatin1(crypto::qbytes(request.store_blob().id()).toHex())}};
                break;
            case SwarmRequest::kGetBlob:
                what = {{QStringLiteral("destination"), QStringLiteral("get_blob")},
                        {QStringLiteral("blob_id"),
                         QString::fromLatin1(crypto::qbytes(request.get_blob().id()).toHex())}};
                break;
            case SwarmRequest::kStoreRecord:
                what = {{QStringLiteral("destination"), QStringLiteral("store_record")},
                        {QStringLiteral("address"),
                         QString::fromLatin1(
                             crypto::qbytes(request.store_record().record().address()).toHex())}};
                break;
            case SwarmRequest::kGetRecord:
                what = {
                    {QStringLiteral("destination"), QStringLiteral("get_record")},
                    {QStringLiteral("address"),
                     QString::fromLatin1(crypto::qbytes(request.get_record().address()).toHex())}};
                break;
            default:
                what = {{QStringLiteral("destination"), QStringLiteral("unknown")}};
                break;
        }
        AuditLog::note(audit_, "peel", peer, what);
    }
}

SwarmAnswer SwarmService::afterDurable(SwarmAnswer answer) {
    return [this, answer = std::move(answer)](SwarmReply reply) {
        store_.whenDurable([answer, reply = std::move(reply)](bool durable) {
            answer(durable ? reply : swarmError(NodeError::UNAVAILABLE, diskFailed()));
        });
    };
}

SwarmService::Reply SwarmService::afterDurable(Reply reply) {
    return [this, reply = std::move(reply)](const NodeReply& r) {
        store_.whenDurable([reply, r](bool durable) {
            reply(durable ? r : errorReply(NodeError::UNAVAILABLE, diskFailed()));
        });
    };
}

void SwarmService::serve(const SwarmRequest& request, const QString& peer, SwarmAnswer answer) {
    auditServe(request, peer);
    switch (request.body_case()) {
        case SwarmRequest::kStore:
            return store(request.store(), peer, std::move(answer));
        case SwarmRequest::kRetrieve:
            return retrieve(request.retrieve(), std::move(answer));
        // What writes is answered once its commit is on the disk (a store and a delete wait
        // for their own commit's sync beside the replicas', in store() and remove()).
        case SwarmRequest::kDelete:
            return remove(request.delete_(), peer, std::move(answer));
        case SwarmRequest::kStoreBlob:
            return blobs_.store(request.store_blob(), peer, afterDurable(std::move(answer)));
        case SwarmRequest::kGetBlob:
            return blobs_.get(request.get_blob(), std::move(answer));
        case SwarmRequest::kStoreRecord:
            return records_.store(request.store_record(), peer, afterDurable(std::move(answer)));
        case SwarmRequest::kGetRecord:
            return records_.get(request.get_record(), std::move(answer));
        case SwarmRequest::kGetDirectory: {
            SwarmReply reply;
            if (directory_.current() == nullptr) {
                return answer(swarmError(NodeError::UNAVAILABLE,
                                         QStringLiteral("this node has no directory yet")));
            }
            if (const std::uint64_t held = directory_.current()->version;
                held <= request.get_directory().newer_than()) {
                reply.set_directory_unchanged(held);
            } else {
                reply.set_directory(directory_.signedBytes().toStdString());
            }
            return answer(reply);
        }
        default:
            return answer(swarmError(NodeError::MALFORMED, QStringLiteral("unknown request")));
    }
}

void SwarmService::store(const proto::node::StoreMessage& r, const QString& peer,
                         SwarmAnswer answer) {
    const QString recipient = QString::fromStdString(r.recipient());
    std::vector<NodeInfo> others;
    if (!directory_.inSwarmOf(recipient, &others)) {
        return answer(swarmError(NodeError::WRONG_SWARM,
                                 QStringLiteral("this node does not keep that ID's messages")));
    }
    const QByteArray data = crypto::qbytes(r.data());
    const std::int64_t now = nowMs();
    const auto ttlMs =
        static_cast<std::int64_t>(std::min<std::uint64_t>(r.ttl_ms(), NodeStoreLimits::kMaxTtlMs));
    // Every other member gets a copy before the sender hears "stored": a member that dies
    // right after loses nothing. The copies leave before this member's own commit and are
    // committed at the same time as it (not after it): the member the recipient polls, when
    // it is another, wakes the long-poll one commit sooner. A duplicate is replicated again
    // (its first replication may be what failed). A message its owner deleted here is not
    // handed to members that may never have had it (the store says Deleted).
    struct Pending {
        std::optional<SwarmReply> local;  // this member's answer, once committed
        std::optional<std::uint32_t> replicas;
        bool answered = false;
        SwarmAnswer answer;
    };
    auto pending = std::make_shared<Pending>();
    pending->answer = std::move(answer);
    const auto finish = [pending] {
        if (pending->answered || !pending->local || !pending->replicas) {
            return;
        }
        pending->answered = true;
        if (pending->local->has_stored()) {
            pending->local->mutable_stored()->set_replicas(*pending->replicas);
        }
        pending->answer(*pending->local);
    };
    bool replicated = false;
    const auto replicate = [&] {
        replicated = true;
        NodeRequest copy;
        auto* rep = copy.mutable_replicate();
        rep->set_recipient(r.recipient());
        rep->set_data(r.data());
        rep->set_expires_at_ms(static_cast<std::uint64_t>(
            now + (ttlMs == 0 ? NodeStoreLimits::kMaxTtlMs : std::max(ttlMs, std::int64_t{0}))));
        replicator_.replicate(others, copy, [pending, finish](std::uint32_t n) {
            pending->replicas = n;
            finish();
        });
    };
    // A new message goes to the recipient's waiting long-polls first, then to the other
    // members, both before this member's commit: the push's answer does not wait for the
    // copies' signature and frames, and the three commits run at once. The recipient holding
    // it early risks nothing; the sender hears "stored" only once it is committed and synced
    // here (whenDurable, off this loop) and at the replicas.
    const auto stored = store_.store(recipient, data, ttlMs, now, [&](const StoredMessage& m) {
        polls_.deliver(recipient, m);
        replicate();
    });
    if (stored && !replicated) {
        // A duplicate is replicated again (its first replication may be what failed); one
        // its owner deleted here is not handed to members that may never have had it.
        if (stored->first == StoreOutcome::Deleted) {
            pending->replicas = 0;
        } else {
            replicate();
        }
    }
    if (!stored) {
        // Refused here (a quota, or the commit failed): the sender hears it now and retries;
        // a copy a replica kept meanwhile (a failed commit) is the same message to it, deduped.
        pending->answered = true;
        return pending->answer(swarmError(
            stored.error().full ? NodeError::FULL : NodeError::REFUSED, stored.error().reason));
    }
    const StoredMessage message = stored->second;
    const bool duplicate = stored->first != StoreOutcome::Stored;
    AuditLog::note(audit_, "store", peer,
                   {{QStringLiteral("via"), QStringLiteral("onion")},
                    {QStringLiteral("recipient"), recipient},
                    {QStringLiteral("hash"), QString::fromLatin1(message.hash.toHex())},
                    {QStringLiteral("size"), message.data.size()},
                    {QStringLiteral("duplicate"), duplicate}});
    if (!duplicate) {
        polls_.wake(recipient);
    }
    SwarmReply reply;
    auto* s = reply.mutable_stored();
    s->set_hash(message.hash.toStdString());
    s->set_duplicate(duplicate);
    s->set_expires_at_ms(static_cast<std::uint64_t>(message.expiresAt));
    // A duplicate too: its first copy's sync may still be under way.
    store_.whenDurable([pending, finish, reply = std::move(reply)](bool durable) {
        pending->local = durable ? reply : swarmError(NodeError::UNAVAILABLE, diskFailed());
        finish();
    });
}

void SwarmService::replicate(const proto::node::Replicate& r, const NodeInfo& member,
                             const QString& peer, Reply reply) {
    const QString recipient = QString::fromStdString(r.recipient());
    AuditLog::note(audit_, "replicate", peer, {{QStringLiteral("session_id"), recipient}});
    std::vector<NodeInfo> others;
    if (!directory_.inSwarmOf(recipient, &others)) {
        return reply(errorReply(NodeError::WRONG_SWARM,
                                QStringLiteral("this node does not keep that ID's messages")));
    }
    if (!MemberProof::isAmong(member, others)) {
        return reply(errorReply(NodeError::UNAUTHORIZED,
                                QStringLiteral("only a member of this swarm replicates to it")));
    }
    const std::int64_t t = nowMs();
    const auto expires = static_cast<std::int64_t>(std::min<std::uint64_t>(
        r.expires_at_ms(), static_cast<std::uint64_t>(t) + NodeStoreLimits::kMaxTtlMs));
    NodeReply ok;
    ok.set_replicated(true);
    if (expires - t < NodeStoreLimits::kMinTtlMs) {
        return reply(ok);  // about to expire anyway
    }
    const auto stored = store_.store(recipient, crypto::qbytes(r.data()), expires - t, t,
                                     [&](const StoredMessage& m) { polls_.deliver(recipient, m); });
    if (!stored) {
        return reply(errorReply(stored.error().full ? NodeError::FULL : NodeError::REFUSED,
                                stored.error().reason));
    }
    AuditLog::note(audit_, "store", peer,
                   {{QStringLiteral("via"), QStringLiteral("replicate")},
                    {QStringLiteral("recipient"), recipient},
                    {QStringLiteral("hash"), QString::fromLatin1(stored->second.hash.toHex())},
                    {QStringLiteral("size"), stored->second.data.size()},
                    {QStringLiteral("duplicate"), stored->first == StoreOutcome::Duplicate}});
    if (stored->first == StoreOutcome::Stored) {
        polls_.wake(recipient);
    }
    // "Replicated" means on this member's disk: answered once the commit is synced.
    afterDurable(std::move(reply))(ok);
}

void SwarmService::retrieve(const proto::node::RetrieveMessages& r, SwarmAnswer answer) {
    const QString recipient = QString::fromStdString(r.recipient());
    if (!directory_.inSwarmOf(recipient, nullptr)) {
        return answer(swarmError(NodeError::WRONG_SWARM,
                                 QStringLiteral("this node does not keep that ID's messages")));
    }
    const auto proof = proofOf(r.owner());
    const QByteArray after = crypto::qbytes(r.after_hash());
    if (!proof) {
        return answer(swarmError(NodeError::UNAUTHORIZED, QStringLiteral("the owner must sign")));
    }
    if (const auto ok =
            checkOwner(*proof, "retrieve", recipient, nowMs(), crypto::view(r.after_hash()));
        !ok) {
        return answer(swarmError(NodeError::UNAUTHORIZED, ok.error()));
    }
    const auto messages = store_.retrieve(recipient, after, store_.limits().maxRetrieve, nowMs());
    if (!messages) {
        return answer(swarmError(NodeError::UNAVAILABLE, messages.error()));
    }
    const int wait = std::min<int>(static_cast<int>(std::min<std::uint32_t>(r.wait_ms(), 1u << 30)),
                                   limits_.maxWaitMs);
    if (!messages->empty() || wait <= 0 || !polls_.canHold(recipient)) {
        return answer(LongPolls::messagesReply(*messages));
    }
    // Held until a message for this ID is stored here, or the wait is over.
    polls_.hold(recipient, after, wait, std::move(answer));
}

// The owner's signed request, checked here, and also by every other member it is passed on
// to: no member deletes on another's word alone.
Expected<int, NodeError> SwarmService::deleteAsOwner(const proto::node::DeleteMessages& r) {
    const QString recipient = QString::fromStdString(r.recipient());
    NodeError error;
    if (!directory_.inSwarmOf(recipient, nullptr)) {
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
        hashes.push_back(crypto::qbytes(h));
    }
    if (const auto ok = checkOwner(*proof, "delete", recipient, nowMs(), crypto::view(joined));
        !ok) {
        error.set_code(NodeError::UNAUTHORIZED);
        error.set_message(ok.error().toStdString());
        return unexpected(error);
    }
    const auto removed = store_.remove(recipient, hashes);
    if (!removed) {
        error.set_code(NodeError::REFUSED);
        error.set_message(removed.error().toStdString());
        return unexpected(error);
    }
    return *removed;
}

void SwarmService::remove(const proto::node::DeleteMessages& r, const QString& peer,
                          SwarmAnswer answer) {
    const auto removed = deleteAsOwner(r);
    if (!removed) {
        SwarmReply out;
        *out.mutable_error() = removed.error();
        return answer(out);
    }
    const QString recipient = QString::fromStdString(r.recipient());
    AuditLog::note(audit_, "delete", peer,
                   {{QStringLiteral("via"), QStringLiteral("onion")},
                    {QStringLiteral("recipient"), recipient},
                    {QStringLiteral("count"), *removed}});
    // Passed on to every other member before the owner hears "deleted" (as a store is), so a
    // deleted message does not come back from another member.
    SwarmReply reply;
    reply.mutable_deleted()->set_count(static_cast<std::uint32_t>(*removed));
    std::vector<NodeInfo> others;
    (void)directory_.inSwarmOf(recipient, &others);
    NodeRequest copy;
    *copy.mutable_replicate_delete() = r;
    // This member's sync and the other members' confirmations run at once; the owner hears
    // "deleted" once both are in.
    struct Joined {
        std::optional<bool> durable;
        std::optional<SwarmReply> replicated;
        SwarmAnswer answer;
    };
    auto joined = std::make_shared<Joined>();
    joined->answer = std::move(answer);
    const auto finish = [joined] {
        if (joined->durable && joined->replicated && joined->answer) {
            const SwarmAnswer give = std::exchange(joined->answer, {});
            give(*joined->durable ? *joined->replicated
                                  : swarmError(NodeError::UNAVAILABLE, diskFailed()));
        }
    };
    store_.whenDurable([joined, finish](bool durable) {
        joined->durable = durable;
        finish();
    });
    replicator_.replicateThenAnswer(
        others, copy, std::move(reply),
        [](SwarmReply& out, std::uint32_t n) { out.mutable_deleted()->set_replicas(n); },
        [joined, finish](SwarmReply out) {
            joined->replicated = std::move(out);
            finish();
        });
}

void SwarmService::replicateDelete(const proto::node::DeleteMessages& r, const NodeInfo& member,
                                   const QString& peer, Reply reply) {
    std::vector<NodeInfo> others;
    if (!directory_.inSwarmOf(QString::fromStdString(r.recipient()), &others) ||
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
    AuditLog::note(audit_, "delete", peer,
                   {{QStringLiteral("via"), QStringLiteral("replicate")},
                    {QStringLiteral("recipient"), QString::fromStdString(r.recipient())},
                    {QStringLiteral("count"), *removed}});
    NodeReply ok;
    ok.set_replicated(true);
    reply(ok);
}

}  // namespace tandem::transport::onion
