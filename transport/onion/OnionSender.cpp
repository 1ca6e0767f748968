#include "transport/onion/OnionSender.h"

#include <set>

#include <QDateTime>

#include "crypto/session/SessionKeys.h"
#include "transport/onion/NodeChooser.h"
#include "transport/onion/OnionErrors.h"
#include "transport/onion/OnionPaths.h"

namespace tandem::transport::onion {

OnionSender::OnionSender(OnionPaths& paths, NodeChooser& nodes, QObject* parent)
    : QObject(parent), paths_(paths), nodes_(nodes) {}

void OnionSender::stop() {
    running_ = false;
    auto outbox = std::move(outbox_);
    outbox_.clear();
    sending_.clear();
    queued_ = 0;
    for (const auto& queue : outbox) {
        for (const OutgoingEnvelope& e : queue) {
            emit failed(e.id, {TransportError::Code::Deferred, QStringLiteral("stopped"), true});
        }
    }
}

void OnionSender::send(const OutgoingEnvelope& envelope) {
    if (queued_ >= kMaxQueuedSends) {
        emit failed(envelope.id, pathError(QStringLiteral("too many messages waiting")));
        return;
    }
    ++queued_;
    outbox_[envelope.recipient].push_back(envelope);
    pump(envelope.recipient);
}

void OnionSender::flush() {
    const QStringList recipients = outbox_.keys();
    for (const QString& r : recipients) {
        pump(r);
    }
}

// One message in flight per recipient: the next goes once the swarm confirmed the one before,
// so a conversation is stored — and retrieved — in the order it was sent, also across path
// failures and retries.
void OnionSender::pump(const QString& recipient) {
    const auto it = outbox_.find(recipient);
    if (!running_ || it == outbox_.end() || it->empty() || sending_.contains(recipient) ||
        paths_.ready() == 0) {
        return;
    }
    sending_.insert(recipient);
    sendNow(it->front(), 0);
}

void OnionSender::finishFront(const QString& recipient, std::optional<TransportError> error) {
    sending_.remove(recipient);
    const auto it = outbox_.find(recipient);
    if (it == outbox_.end() || it->empty()) {
        return;
    }
    const OutgoingEnvelope done = it->front();
    it->pop_front();
    --queued_;
    if (!error) {
        emit accepted(done.id, QDateTime::currentMSecsSinceEpoch());
    } else if (error->retryable) {
        // It goes again later: those behind it must not overtake it, so they are handed back
        // too, in order (the core holds a conversation behind a message waiting to retry).
        emit failed(done.id, *error);
        while (!it->empty()) {
            const OutgoingEnvelope next = it->front();
            it->pop_front();
            --queued_;
            emit failed(next.id, {TransportError::Code::Deferred,
                                  QStringLiteral("an earlier message is waiting"), true});
        }
    } else {
        emit failed(done.id, *error);  // given up: the rest may go
    }
    if (it->empty()) {
        outbox_.erase(it);
    } else {
        pump(recipient);
    }
}

void OnionSender::sendNow(const OutgoingEnvelope& envelope, int attempt) {
    const auto key = crypto::session::parseSessionId(envelope.recipient);
    if (!key) {
        finishFront(envelope.recipient, TransportError{TransportError::Code::Rejected,
                                                       QStringLiteral("not a Session ID"), false});
        return;
    }
    const auto swarm = nodes_.directory().swarmOf(*key);
    // One route per recipient — the same path and swarm member while they work.
    std::optional<int> path;
    std::optional<NodeInfo> destination;
    if (const auto route = routes_.find(envelope.recipient);
        route != routes_.end() && attempt == 0) {
        const auto& p = paths_.at(route->path);
        // A path rebuilt around the same guard may have drawn the route's member as its
        // middle, or the member or the middle may be down (suspects): then the route is
        // chosen again. A path rebuilt with a middle in the recipient's swarm is chosen again
        // too (OnionPaths::pick then prefers one outside it, if there is one).
        const bool inside =
            p && swarm && (p->guard.swarmId == *swarm || p->middle.swarmId == *swarm);
        if (p && p->tested && p->guard.ed25519 == route->guard &&
            p->middle.address != route->destination.address &&
            !nodes_.isSuspect(route->destination.address) && !nodes_.isSuspect(p->middle.address) &&
            !inside) {
            path = route->path;
            destination = route->destination;
        }
    }
    if (!path) {
        if (!swarm || !paths_.pick({}, swarm)) {
            sending_.remove(envelope.recipient);  // waits for a path (pump runs again then)
            return;
        }
        // Not at a node that is our guard on the other path: it knows our address.
        std::set<QString> guards;
        for (const NodeInfo& guard : paths_.guards()) {
            guards.insert(guard.address);
        }
        const NodeChooser::NodeFilter notOurGuard = [&guards](const NodeInfo& n) {
            return guards.count(n.address) == 0;
        };
        // The paths in order of preference; the first that leaves a live member of the swarm
        // (the relays of a path are never its destination, and on a small network they may
        // be every live member). Only if none does, the preferred path and whatever is left.
        bool onlySuspects = false;
        for (const bool sparingSuspects : {true, false}) {
            onlySuspects = !sparingSuspects;
            for (int k = 0; k < OnionPaths::kPaths && !path; ++k) {
                const auto candidate = paths_.pick({}, swarm);
                if (!candidate) {
                    break;
                }
                const auto& c = paths_.at(*candidate);
                auto member =
                    nodes_.randomNode({c->guard.address, c->middle.address}, *swarm, {notOurGuard});
                if (member && (!sparingSuspects || !nodes_.isSuspect(member->address))) {
                    path = candidate;
                    destination = std::move(member);
                }
            }
            if (path) {
                break;
            }
        }
        // Only a member that just failed is left through the ready paths, and another path is
        // being built: wait for it (flush() runs this again) rather than spend the
        // message's attempts on that member.
        const bool building = paths_.ready() < OnionPaths::kPaths;
        if (path && onlySuspects && building) {
            sending_.remove(envelope.recipient);
            return;
        }
        if (!path || !destination) {
            finishFront(envelope.recipient,
                        pathError(QStringLiteral("no node of the recipient's swarm")));
            return;
        }
        routes_[envelope.recipient] = {*path, paths_.at(*path)->guard.ed25519, *destination};
    }
    proto::node::SwarmRequest store;
    store.mutable_store()->set_recipient(envelope.recipient.toStdString());
    store.mutable_store()->set_data(envelope.ciphertext.toStdString());
    store.mutable_store()->set_ttl_ms(
        static_cast<std::uint64_t>(std::max<std::int64_t>(0, envelope.ttlMs)));
    paths_.request(
        *path, *destination, store, 15000,
        [this, envelope, attempt](Expected<proto::node::SwarmReply, TransportError> reply) {
            if (!running_) {
                return;  // stop() failed it
            }
            if (!reply || (reply->has_error() &&
                           reply->error().code() == proto::node::NodeError::WRONG_SWARM)) {
                // Another path and another member of the swarm, a few times.
                if (attempt + 1 < kSendAttempts) {
                    sendNow(envelope, attempt + 1);
                } else {
                    finishFront(envelope.recipient,
                                reply ? errorOf(reply->error()) : reply.error());
                }
            } else if (reply->has_error()) {
                finishFront(envelope.recipient, errorOf(reply->error()));
            } else if (reply->has_stored()) {
                finishFront(envelope.recipient, std::nullopt);
            } else {
                finishFront(envelope.recipient,
                            TransportError{TransportError::Code::Rejected,
                                           QStringLiteral("unexpected answer"), true});
            }
        });
}

std::optional<QString> OnionSender::routeAddress(const QString& recipient) const {
    const auto it = routes_.find(recipient);
    return it != routes_.end() ? std::optional<QString>(it->destination.address) : std::nullopt;
}

QStringList OnionSender::routeHops(const QString& recipient) const {
    const auto it = routes_.find(recipient);
    if (it == routes_.end()) {
        return {};
    }
    const auto& p = paths_.at(it->path);
    if (!p || p->guard.ed25519 != it->guard) {
        return {};
    }
    return {p->guard.address, p->middle.address, it->destination.address};
}

QHash<QString, QString> OnionSender::routes() const {
    QHash<QString, QString> out;
    for (auto it = routes_.begin(); it != routes_.end(); ++it) {
        const QStringList hops = routeHops(it.key());
        if (!hops.isEmpty()) {
            out.insert(it.key(), hops.join(u'>'));
        }
    }
    return out;
}

}  // namespace tandem::transport::onion
