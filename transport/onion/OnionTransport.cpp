#include "transport/onion/OnionTransport.h"

#include <array>
#include <sodium.h>

#include <QDateTime>

#include "crypto/Onion.h"
#include "crypto/session/SessionKeys.h"
#include "transport/onion/Blob.h"
#include "transport/onion/OnionTransportUtil.h"
#include "transport/onion/OwnerAuth.h"

namespace tandem::transport::onion {

using namespace detail;  // OnionTransportUtil.h

OnionTransport::OnionTransport(NodeDirectory directory, OnionIdentity identity,
                               std::optional<crypto::PublicKey> guard, QObject* parent)
    : Transport(parent),
      directory_(std::move(directory)),
      identity_(std::move(identity)),
      preferredGuard_(guard),
      paths_(kPaths) {
    suspectClock_.start();
    refreshTimer_.setInterval(kDirectoryRefreshMs);
    connect(&refreshTimer_, &QTimer::timeout, this, &OnionTransport::refreshDirectory);
    pollTimer_.setSingleShot(true);
    connect(&pollTimer_, &QTimer::timeout, this, &OnionTransport::poll);
    retryTimer_.setSingleShot(true);
    connect(&retryTimer_, &QTimer::timeout, this, [this] {
        if (!running_) {
            return;
        }
        for (int i = 0; i < kPaths; ++i) {
            if (!paths_[static_cast<std::size_t>(i)]) {
                buildPath(i, false);
            }
        }
        poll();
    });
}

OnionTransport::~OnionTransport() {
    stop();
}

void OnionTransport::start() {
    if (running_) {
        return;
    }
    running_ = true;
    suspects_.clear();  // a new start tries every node again
    status_.state = TransportStatus::State::Connecting;
    status_.detail = QStringLiteral("Building onion paths");
    emit statusChanged(status_);
    for (int i = 0; i < kPaths; ++i) {
        buildPath(i, false);
    }
    refreshTimer_.start();
}

void OnionTransport::stop() {
    running_ = false;
    polling_ = false;
    retryTimer_.stop();
    pollTimer_.stop();
    refreshTimer_.stop();
    // Acknowledgements not sent yet wait for the next start (what they name is delivered
    // again meanwhile only if this member is read from its beginning: the core drops it).
    links_.clear();  // what waits on them is failed below, not called back
    auto outbox = std::move(outbox_);
    outbox_.clear();
    sending_.clear();
    queued_ = 0;
    for (const auto& queue : outbox) {
        for (const OutgoingEnvelope& e : queue) {
            emit failed(e.id, {TransportError::Code::Deferred, QStringLiteral("stopped"), true});
        }
    }
    const auto blobs = std::exchange(blobsWaiting_, {});
    for (const BlobOp& op : blobs) {
        emit blobFailed(op.requestId, pathError(QStringLiteral("stopped")));
    }
    // Those on the wire: their links are gone (cleared above), so no answer will come.
    for (const QByteArray& id : std::exchange(blobsInFlight_, {})) {
        emit blobFailed(id, pathError(QStringLiteral("stopped")));
    }
    for (auto& p : paths_) {
        p.reset();
    }
    status_.state = TransportStatus::State::Offline;
    status_.path.clear();
}

std::optional<NodeInfo> OnionTransport::randomNode(
    const std::set<QString>& avoid, std::optional<std::uint64_t> inSwarm,
    const std::vector<NodeFilter>& preferences) const {
    // A live node first (a suspect drawn again would fail the path again), then the strongest
    // preference some node passes.
    for (const bool sparingSuspects : {true, false}) {
        for (std::size_t tier = 0; tier <= preferences.size(); ++tier) {
            std::vector<const NodeInfo*> candidates;
            for (const NodeInfo& n : directory_.nodes) {
                if (avoid.count(n.address) == 0 && (!inSwarm || n.swarmId == *inSwarm) &&
                    !(sparingSuspects && isSuspect(n.address)) &&
                    (tier == preferences.size() || preferences[tier](n))) {
                    candidates.push_back(&n);
                }
            }
            if (!candidates.empty()) {
                return *candidates[randombytes_uniform(
                    static_cast<std::uint32_t>(candidates.size()))];
            }
        }
    }
    return std::nullopt;
}

std::optional<std::uint64_t> OnionTransport::ownSwarm() const {
    const auto key = crypto::session::parseSessionId(identity_.sessionId);
    return key ? directory_.swarmOf(*key) : std::nullopt;
}

bool OnionTransport::isSuspect(const QString& address) const {
    const auto it = suspects_.constFind(address);
    return it != suspects_.constEnd() && *it > suspectClock_.elapsed();
}

void OnionTransport::suspect(const QString& address) {
    const qint64 now = suspectClock_.elapsed();
    suspects_.removeIf([now](const auto& entry) { return entry.value() <= now; });
    suspects_.insert(address, now + kSuspectMs);  // at most one per node of the directory
}

void OnionTransport::buildPath(int index, bool newGuard) {
    auto& slot = paths_[static_cast<std::size_t>(index)];
    std::set<QString> avoid;
    std::set<std::uint64_t> taken;      // the swarms the other paths relay through
    for (const auto& other : paths_) {  // paths share no guard
        if (other && &other != &slot) {
            avoid.insert(other->guard.address);
            taken.insert(other->guard.swarmId);
            taken.insert(other->middle.swarmId);
        }
    }
    // Relays outside our own swarm, each path in a swarm of its own (see the header). With
    // fewer than three swarms that would put every relay, and the destinations too, into the
    // few nodes of one swarm (a dead one then breaks both paths): relays are drawn from all.
    const bool spread = directory_.swarmIds().size() >= kSwarmsToSpreadPaths;
    const auto own = spread ? ownSwarm() : std::nullopt;
    const NodeFilter notOurs = [own](const NodeInfo& n) { return !own || n.swarmId != *own; };
    const NodeFilter untaken = [notOurs, spread, &taken](const NodeInfo& n) {
        return spread && notOurs(n) && taken.count(n.swarmId) == 0;
    };
    const bool outsideExists = std::any_of(directory_.nodes.begin(), directory_.nodes.end(),
                                           [&](const NodeInfo& n) { return notOurs(n); });
    const auto keepable = [&](const NodeInfo& g) { return notOurs(g) || !outsideExists; };
    std::optional<NodeInfo> guard;
    if (index == 0 && !newGuard && preferredGuard_) {
        if (const NodeInfo* known = directory_.find(*preferredGuard_); known && keepable(*known)) {
            guard = *known;
        }
    } else if (!newGuard && slot && keepable(slot->guard)) {
        guard = slot->guard;
    }
    if (!guard) {
        if (newGuard && slot) {
            avoid.insert(slot->guard.address);
        }
        guard = randomNode(avoid, std::nullopt, {untaken, notOurs});
        if (!guard) {
            guard = randomNode({}, std::nullopt, {notOurs});
        }
    }
    if (!guard) {
        slot.reset();
        return;
    }
    if (index == 0 && (!preferredGuard_ || *preferredGuard_ != guard->ed25519)) {
        preferredGuard_ = guard->ed25519;
        emit guardChanged(guard->ed25519);
    }
    const NodeFilter besideGuard = [notOurs, spread, swarm = guard->swarmId](const NodeInfo& n) {
        return spread && notOurs(n) && n.swarmId == swarm;
    };
    auto middle = randomNode({guard->address}, std::nullopt, {besideGuard, untaken, notOurs});
    if (!middle) {
        slot.reset();
        return;
    }
    slot = Path{*guard, *middle, nextGeneration_++};
    testPath(index);
}

void OnionTransport::testPath(int index) {
    auto& slot = paths_[static_cast<std::size_t>(index)];
    if (!slot || slot->testing) {
        return;
    }
    const auto destination = randomNode({slot->guard.address, slot->middle.address}, std::nullopt);
    if (!destination) {
        slot->tested = true;  // a network too small to test through: nothing better to do
        return;
    }
    slot->testing = true;
    SwarmRequest probe;
    probe.mutable_get_directory();
    request(
        index, *destination, probe, 10000,
        [this, index, generation = slot->generation](Expected<SwarmReply, TransportError> reply) {
            auto& p = paths_[static_cast<std::size_t>(index)];
            if (!p || p->generation != generation) {
                return;  // the path was rebuilt meanwhile
            }
            p->testing = false;
            if (!reply || !reply->has_directory()) {
                qCInfo(lcOnion) << "an onion path failed its test; building another";
                p.reset();
                // Said at once: with no other path ready we are offline now, and whoever
                // waits for us to be back (the core's held sends) hears it when we are.
                updateStatus();
                if (running_) {
                    retryTimer_.start(500);
                }
                return;
            }
            p->tested = true;
            p->strikes = 0;
            updateStatus();
            flushSends();
            poll();
            // Adopted once this callback is done (it may rebuild paths).
            QTimer::singleShot(0, this, [this, signedDirectory = reply->directory()] {
                adoptDirectory(signedDirectory);
            });
        });
}

void OnionTransport::setDirectoryRefreshInterval(int ms) {
    refreshTimer_.setInterval(std::max(ms, 100));
}

void OnionTransport::refreshDirectory() {
    const auto path = pickPath();
    if (!running_ || !networkKey_ || !path) {
        return;
    }
    const auto& p = paths_[static_cast<std::size_t>(*path)];
    const auto destination = randomNode({p->guard.address, p->middle.address}, std::nullopt);
    if (!destination) {
        return;
    }
    SwarmRequest get;
    get.mutable_get_directory();
    request(*path, *destination, get, 15000, [this](Expected<SwarmReply, TransportError> reply) {
        if (running_ && reply && reply->has_directory()) {
            adoptDirectory(reply->directory());
        }
    });
}

void OnionTransport::adoptDirectory(const std::string& signedDirectory) {
    if (!networkKey_ || !running_) {  // queued before a stop(): nothing to rebuild now
        return;
    }
    auto verified = NodeDirectory::verify(crypto::view(signedDirectory), *networkKey_);
    if (!verified) {
        qCWarning(lcOnion) << "a node handed out a directory that does not verify:"
                           << verified.error();
        return;
    }
    if (verified->version <= directory_.version) {
        return;
    }
    qCInfo(lcOnion) << "adopting directory version" << verified->version << "with"
                    << verified->nodes.size() << "nodes";
    directory_ = std::move(verified).value();
    // Whatever names a node that is gone, or listed differently now, is chosen again.
    const auto listed = [this](const NodeInfo& n) {
        const NodeInfo* now = directory_.find(n.ed25519);
        return now != nullptr && now->address == n.address && now->swarmId == n.swarmId;
    };
    routes_.clear();
    const auto own = crypto::session::parseSessionId(identity_.sessionId);
    if (pollTarget_ &&
        (!listed(*pollTarget_) || !own || directory_.swarmOf(*own) != pollTarget_->swarmId)) {
        pollTarget_.reset();
    }
    // Swarms may have been dealt again: a relay that is now in our own swarm goes too (a
    // path that cannot avoid it draws the same).
    const auto ownNow = ownSwarm();
    const bool spread = directory_.swarmIds().size() >= kSwarmsToSpreadPaths && ownNow.has_value();
    const std::uint64_t ours = ownNow.value_or(0);
    const auto inOurs = [&](const NodeInfo& n) { return spread && n.swarmId == ours; };
    for (int i = 0; i < kPaths; ++i) {
        const auto& p = paths_[static_cast<std::size_t>(i)];
        if (p &&
            (!listed(p->guard) || !listed(p->middle) || inOurs(p->guard) || inOurs(p->middle))) {
            buildPath(i, !listed(p->guard) || inOurs(p->guard));
        }
    }
    updateStatus();
    emit directoryChanged(QByteArray::fromStdString(signedDirectory));
}

std::vector<NodeInfo> OnionTransport::guards() const {
    std::vector<NodeInfo> out;
    for (const auto& p : paths_) {
        if (p) {
            out.push_back(p->guard);
        }
    }
    return out;
}

int OnionTransport::readyPaths() const {
    int n = 0;
    for (const auto& p : paths_) {
        n += (p && p->tested) ? 1 : 0;
    }
    return n;
}

std::optional<int> OnionTransport::pickPath(const QString& avoidRelay,
                                            std::optional<std::uint64_t> awayFrom) {
    for (const bool sparingSuspects : {true, false}) {
        for (const bool outside : {true, false}) {
            if (outside && !awayFrom) {
                continue;
            }
            for (int k = 0; k < kPaths; ++k) {
                const int i = (nextPath_ + k) % kPaths;
                const auto& p = paths_[static_cast<std::size_t>(i)];
                if (p && p->tested && p->guard.address != avoidRelay &&
                    p->middle.address != avoidRelay &&
                    !(sparingSuspects &&
                      (isSuspect(p->guard.address) || isSuspect(p->middle.address))) &&
                    !(outside &&
                      (p->guard.swarmId == *awayFrom || p->middle.swarmId == *awayFrom))) {
                    nextPath_ = (i + 1) % kPaths;
                    return i;
                }
            }
        }
    }
    return std::nullopt;
}

void OnionTransport::strike(int index, Failure failure) {
    auto& p = paths_[static_cast<std::size_t>(index)];
    if (!p) {
        return;
    }
    // A guard that does not answer is replaced; a hop the guard cannot reach means the path
    // is broken now; anything else (a timeout, an unreadable reply) counts as a strike.
    if (failure == Failure::Guard || failure == Failure::Unreachable ||
        ++p->strikes >= kStrikesBeforeRebuild) {
        qCInfo(lcOnion) << "rebuilding an onion path"
                        << (failure == Failure::Guard ? "(its guard failed)" : "");
        buildPath(index, failure == Failure::Guard);
        updateStatus();
    }
}

void OnionTransport::request(int index, const NodeInfo& destination,
                             const SwarmRequest& swarmRequest, int timeoutMs, Answer answer) {
    const auto& p = paths_[static_cast<std::size_t>(index)];
    if (!p) {
        answer(unexpected(pathError(QStringLiteral("no onion path"))));
        return;
    }
    const std::vector<crypto::OnionHop> hops{{p->guard.address, p->guard.x25519},
                                             {p->middle.address, p->middle.x25519},
                                             {destination.address, destination.x25519}};
    const std::string bytes = swarmRequest.SerializeAsString();
    auto wrapped = crypto::wrapOnion(hops, crypto::view(bytes));
    if (!wrapped) {
        answer(unexpected(
            TransportError{TransportError::Code::TooLarge, wrapped.error().message, false}));
        return;
    }
    auto keys = std::make_shared<std::vector<SecretBytes>>(std::move(wrapped->layerKeys));
    NodeRequest onion;
    onion.set_onion(crypto::toString(wrapped->packet));
    links_.linkTo(p->guard)->request(
        std::move(onion),
        [this, index, keys, generation = p->generation,
         hops = std::array{p->guard.address, p->middle.address, destination.address},
         answer = std::move(answer)](const NodeReply& reply) {
            const auto& current = paths_[static_cast<std::size_t>(index)];
            const bool samePath = current && current->generation == generation;
            if (reply.has_error()) {
                // No request id: our own link to the guard failed (closed, or no answer in
                // time: only a closed link condemns the guard). With one, a hop beyond the
                // guard was unreachable: the middle, or the destination.
                const bool local = reply.request_id() == 0;
                const bool unreachable = reply.error().code() == NodeError::UNREACHABLE;
                if (unreachable) {
                    if (local) {
                        suspect(hops[0]);
                    } else {
                        suspect(hops[1]);
                        suspect(hops[2]);
                    }
                }
                if (samePath) {
                    strike(index, local && unreachable    ? Failure::Guard
                                  : !local && unreachable ? Failure::Unreachable
                                                          : Failure::Strike);
                }
                answer(unexpected(pathError(QString::fromStdString(reply.error().message()))));
                return;
            }
            auto opened = crypto::openOnionReply(*keys, crypto::view(reply.onion_reply()));
            SwarmReply out;
            if (!opened || !out.ParseFromArray(opened->data(), static_cast<int>(opened->size()))) {
                if (samePath) {
                    strike(index, Failure::Strike);
                }
                answer(unexpected(pathError(QStringLiteral("an unreadable reply"))));
                return;
            }
            for (const QString& hop : hops) {  // all three answered
                suspects_.remove(hop);
            }
            answer(std::move(out));
        },
        timeoutMs);
}

void OnionTransport::send(const OutgoingEnvelope& envelope) {
    if (queued_ >= kMaxQueuedSends) {
        emit failed(envelope.id, pathError(QStringLiteral("too many messages waiting")));
        return;
    }
    ++queued_;
    outbox_[envelope.recipient].push_back(envelope);
    pump(envelope.recipient);
}

void OnionTransport::flushSends() {
    const QStringList recipients = outbox_.keys();
    for (const QString& r : recipients) {
        pump(r);
    }
    auto blobs = std::exchange(blobsWaiting_, {});
    for (BlobOp& op : blobs) {
        runBlob(std::move(op));
    }
}

// One message in flight per recipient: the next goes once the swarm confirmed the one before,
// so a conversation is stored — and retrieved — in the order it was sent, also across path
// failures and retries.
void OnionTransport::pump(const QString& recipient) {
    const auto it = outbox_.find(recipient);
    if (!running_ || it == outbox_.end() || it->empty() || sending_.contains(recipient) ||
        readyPaths() == 0) {
        return;
    }
    sending_.insert(recipient);
    sendNow(it->front(), 0);
}

void OnionTransport::finishFront(const QString& recipient, std::optional<TransportError> error) {
    sending_.remove(recipient);
    const auto it = outbox_.find(recipient);
    if (it == outbox_.end() || it->empty()) {
        return;
    }
    const OutgoingEnvelope done = it->front();
    it->pop_front();
    --queued_;
    if (!error) {
        emit accepted(done.id, nowMs());
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

void OnionTransport::sendNow(const OutgoingEnvelope& envelope, int attempt) {
    const auto key = crypto::session::parseSessionId(envelope.recipient);
    if (!key) {
        finishFront(envelope.recipient, TransportError{TransportError::Code::Rejected,
                                                       QStringLiteral("not a Session ID"), false});
        return;
    }
    const auto swarm = directory_.swarmOf(*key);
    // One route per recipient — the same path and swarm member while they work.
    std::optional<int> path;
    std::optional<NodeInfo> destination;
    if (const auto route = routes_.find(envelope.recipient);
        route != routes_.end() && attempt == 0) {
        const auto& p = paths_[static_cast<std::size_t>(route->path)];
        // A path rebuilt around the same guard may have drawn the route's member as its
        // middle, or the member or the middle may be down (suspects): then the route is
        // chosen again.
        // A path rebuilt with a middle in the recipient's swarm is chosen again too (pickPath
        // then prefers one outside it, if there is one).
        const bool inside =
            p && swarm && (p->guard.swarmId == *swarm || p->middle.swarmId == *swarm);
        if (p && p->tested && p->guard.ed25519 == route->guard &&
            p->middle.address != route->destination.address &&
            !isSuspect(route->destination.address) && !isSuspect(p->middle.address) && !inside) {
            path = route->path;
            destination = route->destination;
        }
    }
    if (!path) {
        if (!swarm || !pickPath({}, swarm)) {
            sending_.remove(envelope.recipient);  // waits for a path (pump runs again then)
            return;
        }
        // Not at a node that is our guard on the other path: it knows our address.
        std::set<QString> guards;
        for (const auto& other : paths_) {
            if (other) {
                guards.insert(other->guard.address);
            }
        }
        const NodeFilter notOurGuard = [&guards](const NodeInfo& n) {
            return guards.count(n.address) == 0;
        };
        // The paths in order of preference; the first that leaves a live member of the swarm
        // (the relays of a path are never its destination, and on a small network they may
        // be every live member). Only if none does, the preferred path and whatever is left.
        bool onlySuspects = false;
        for (const bool sparingSuspects : {true, false}) {
            onlySuspects = !sparingSuspects;
            for (int k = 0; k < kPaths && !path; ++k) {
                const auto candidate = pickPath({}, swarm);
                if (!candidate) {
                    break;
                }
                const auto& c = paths_[static_cast<std::size_t>(*candidate)];
                auto member =
                    randomNode({c->guard.address, c->middle.address}, *swarm, {notOurGuard});
                if (member && (!sparingSuspects || !isSuspect(member->address))) {
                    path = candidate;
                    destination = std::move(member);
                }
            }
            if (path) {
                break;
            }
        }
        // Only a member that just failed is left through the ready paths, and another path is
        // being built: wait for it (flushSends runs this again) rather than spend the
        // message's attempts on that member.
        const bool building = std::any_of(paths_.begin(), paths_.end(), [](const auto& other) {
            return !other || !other->tested;
        });
        if (path && onlySuspects && building) {
            sending_.remove(envelope.recipient);
            return;
        }
        if (!path || !destination) {
            finishFront(envelope.recipient,
                        pathError(QStringLiteral("no node of the recipient's swarm")));
            return;
        }
        const auto& p = paths_[static_cast<std::size_t>(*path)];
        routes_[envelope.recipient] = {*path, p->guard.ed25519, *destination};
    }
    SwarmRequest store;
    store.mutable_store()->set_recipient(envelope.recipient.toStdString());
    store.mutable_store()->set_data(envelope.ciphertext.toStdString());
    store.mutable_store()->set_ttl_ms(
        static_cast<std::uint64_t>(std::max<std::int64_t>(0, envelope.ttlMs)));
    request(
        *path, *destination, store, 15000,
        [this, envelope, attempt](Expected<SwarmReply, TransportError> reply) {
            if (!running_) {
                return;  // stop() failed it
            }
            if (!reply || (reply->has_error() && reply->error().code() == NodeError::WRONG_SWARM)) {
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

void OnionTransport::updateStatus() {
    status_.path.clear();
    for (const auto& p : paths_) {
        if (p && p->tested) {
            status_.path = {p->guard.address, p->middle.address, QStringLiteral("your swarm")};
            break;
        }
    }
    const bool online = !status_.path.isEmpty();
    status_.state = online ? TransportStatus::State::Online : TransportStatus::State::Connecting;
    status_.detail = online ? QStringLiteral("Connected through an onion path")
                            : QStringLiteral("Building onion paths");
    emit statusChanged(status_);
}

}  // namespace tandem::transport::onion
