#include "transport/onion/OnionPoller.h"

#include <sodium.h>

#include <QDateTime>

#include "crypto/session/SessionKeys.h"
#include "transport/onion/NodeChooser.h"
#include "transport/onion/OnionPaths.h"
#include "transport/onion/OwnerAuth.h"

namespace tandem::transport::onion {

using proto::node::SwarmReply;
using proto::node::SwarmRequest;

namespace {

void setOwner(proto::node::OwnerSignature* out, const OwnerProof& p) {
    out->set_ed25519(crypto::toString(p.ed25519));
    out->set_timestamp_ms(static_cast<std::uint64_t>(p.timestampMs));
    out->set_signature(crypto::toString(p.signature));
}

}  // namespace

OnionPoller::OnionPoller(OnionPaths& paths, NodeChooser& nodes, const OnionIdentity& identity,
                         QObject* parent)
    : QObject(parent), paths_(paths), nodes_(nodes), identity_(identity) {
    pollTimer_.setSingleShot(true);
    connect(&pollTimer_, &QTimer::timeout, this, &OnionPoller::poll);
}

void OnionPoller::stop() {
    running_ = false;
    polling_ = false;
    pollTimer_.stop();
}

void OnionPoller::directoryChanged(const std::function<bool(const NodeInfo&)>& listed) {
    if (pollTarget_ && (!listed(*pollTarget_) || nodes_.ownSwarm() != pollTarget_->swarmId)) {
        pollTarget_.reset();
    }
}

std::optional<QString> OnionPoller::pollAddress() const {
    return pollTarget_ ? std::optional<QString>(pollTarget_->address) : std::nullopt;
}

void OnionPoller::poll() {
    if (!running_ || polling_) {
        return;
    }
    const auto key = crypto::session::parseSessionId(identity_.sessionId);
    // The member we poll keeps its place: the path is chosen around it. Changing members
    // because the next path in turn happened to relay through ours would read each new one
    // from its beginning, and with paths that take turns, on every poll: everything not yet
    // acknowledged, again and again (with a busy core, an ever-growing backlog of repeats).
    // At a start, the member our bookmark is from is the one to keep.
    const auto own = nodes_.ownSwarm();
    std::optional<int> path = paths_.pick(pollTarget_ ? pollTarget_->address : lastSeenAt_, own);
    if (!path) {
        path = paths_.pick({}, own);
    }
    if (!key || !path) {
        return;
    }
    scheduleAckFlush();  // acknowledgements that waited for a path around the member
    // One member of our swarm is polled while it answers: `seq` order and the resume hash
    // are that node's own. The member the resume hash came from is preferred (after a
    // restart too); any other starts from the beginning (its order may differ: resuming
    // there after our hash could skip a message it holds in another place; the core drops
    // what it has already stored).
    const auto swarm = nodes_.directory().swarmOf(*key);
    const auto& p = paths_.at(*path);
    if (!pollTarget_ || pollTarget_->address == p->guard.address ||
        pollTarget_->address == p->middle.address) {
        std::optional<NodeInfo> chosen;
        if (!lastSeenAt_.isEmpty() && lastSeenAt_ != p->guard.address &&
            lastSeenAt_ != p->middle.address && !nodes_.isSuspect(lastSeenAt_) && swarm) {
            for (const NodeInfo& n : nodes_.directory().members(*swarm)) {
                if (n.address == lastSeenAt_) {
                    chosen = n;
                }
            }
        }
        if (!chosen) {
            chosen = nodes_.randomNode({p->guard.address, p->middle.address}, swarm);
        }
        if (!chosen) {
            return;
        }
        if (chosen->address != lastSeenAt_) {
            lastSeen_.clear();
            lastSeenAt_ = chosen->address;
        }
        pollTarget_ = chosen;
    }
    const NodeInfo destination = *pollTarget_;
    polling_ = true;
    SwarmRequest retrieve;
    auto* r = retrieve.mutable_retrieve();
    r->set_recipient(identity_.sessionId.toStdString());
    r->set_after_hash(lastSeen_.toStdString());
    const int waitMs = pollIntervalMs_ > 0 ? 0 : kPollWaitMs;
    r->set_wait_ms(static_cast<std::uint32_t>(waitMs));
    setOwner(r->mutable_owner(),
             signAsOwner(identity_.ed25519, "retrieve", identity_.sessionId,
                         QDateTime::currentMSecsSinceEpoch(), crypto::view(r->after_hash())));
    paths_.request(
        *path, destination, retrieve, waitMs + 15000,
        [this, address = destination.address](Expected<SwarmReply, TransportError> reply) {
            polling_ = false;
            if (!running_) {
                return;
            }
            if (!reply || !reply->has_messages()) {
                if (pollTarget_ && pollTarget_->address == address) {
                    // Another member next time, even the one our bookmark is from: it
                    // may be the one that failed.
                    pollTarget_.reset();
                    lastSeenAt_.clear();
                }
                emit retry();  // the path was struck; try again shortly
                return;
            }
            for (const auto& m : reply->messages().messages()) {
                const QByteArray hash = QByteArray::fromStdString(m.hash());
                lastSeen_ = hash;
                emit received({hash, QByteArray::fromStdString(m.data()),
                               static_cast<std::int64_t>(m.stored_at_ms()), address});
            }
            // Polling: the next look after the interval, unless the answer was full (the
            // node's 256 a retrieve) and more is waiting. Long-polling: at once.
            constexpr int kFullAnswer = 256;
            if (pollIntervalMs_ > 0 && reply->messages().messages_size() < kFullAnswer) {
                pollTimer_.start(pollIntervalMs_);
            } else {
                poll();
            }
        });
}

void OnionPoller::acknowledge(const QByteArray& serverId) {
    if (serverId.size() != crypto_generichash_BYTES) {
        return;
    }
    if (acks_.size() >= kMaxPendingAcks) {
        acks_.erase(acks_.begin());  // left at the swarm until it expires; a re-read repeats it
    }
    acks_.push_back(serverId);
    emit lastSeenChanged(serverId);
    scheduleAckFlush();
}

void OnionPoller::scheduleAckFlush() {
    if (!ackScheduled_ && !acks_.empty()) {
        ackScheduled_ = true;
        QMetaObject::invokeMethod(this, &OnionPoller::flushAcks, Qt::QueuedConnection);
    }
}

void OnionPoller::flushAcks() {
    ackScheduled_ = false;
    const auto key = crypto::session::parseSessionId(identity_.sessionId);
    if (acks_.empty() || !key || !running_) {
        return;
    }
    // Delivered messages are deleted at the member we poll, which passes the signed delete on
    // to the rest of the swarm; what we resume after is kept until a later message is
    // acknowledged there.
    if (!pollTarget_) {
        return;  // kept for the member the next poll chooses
    }
    const NodeInfo destination = *pollTarget_;
    // Through a path that does not relay through that member (kept for the next
    // acknowledgement, or the next poll's member, if no path does now).
    const std::optional<int> picked = paths_.pick(destination.address, nodes_.ownSwarm());
    if (!picked) {
        return;
    }
    const int path = *picked;
    // The bookmark we resume after stays until a newer one replaces it; then it goes too,
    // so at most one delivered message is left at the swarm (a restart that has to read a
    // member from its beginning gets that one again, not everything since the first).
    const QByteArray cursor = lastSeen_;
    const bool kept = std::erase(acks_, cursor) > 0;
    if (!keptCursor_.isEmpty() && keptCursor_ != cursor) {
        acks_.push_back(std::exchange(keptCursor_, {}));
    }
    if (kept) {
        keptCursor_ = cursor;
    }
    if (acks_.empty()) {
        return;
    }
    constexpr std::size_t kPerRequest = 256;
    for (std::size_t i = 0; i < acks_.size(); i += kPerRequest) {
        SwarmRequest del;
        auto* d = del.mutable_delete_();
        d->set_recipient(identity_.sessionId.toStdString());
        std::string joined;
        for (std::size_t j = i; j < std::min(acks_.size(), i + kPerRequest); ++j) {
            d->add_hashes(acks_[j].toStdString());
            joined += acks_[j].toStdString();
        }
        setOwner(d->mutable_owner(),
                 signAsOwner(identity_.ed25519, "delete", identity_.sessionId,
                             QDateTime::currentMSecsSinceEpoch(), crypto::view(joined)));
        paths_.request(path, destination, del, 15000, [](Expected<SwarmReply, TransportError>) {});
    }
    acks_.clear();
}

}  // namespace tandem::transport::onion
