#include "transport/onion/OnionTransport.h"

#include <sodium.h>

#include <QDateTime>

#include "crypto/Onion.h"
#include "crypto/session/SessionKeys.h"
#include "transport/onion/Blob.h"
#include "transport/onion/OwnerAuth.h"

namespace tandem::transport::onion {

using proto::node::NodeError;
using proto::node::NodeReply;
using proto::node::NodeRequest;
using proto::node::SwarmReply;
using proto::node::SwarmRequest;

namespace {

std::int64_t nowMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

TransportError pathError(const QString& message) {
    return {TransportError::Code::Network, message, true};
}

TransportError errorOf(const NodeError& e) {
    const QString message = QString::fromStdString(e.message());
    switch (e.code()) {
        case NodeError::TOO_LARGE:
            return {TransportError::Code::TooLarge, message, false};
        case NodeError::UNAUTHORIZED:
            return {TransportError::Code::Unauthorized, message, false};
        case NodeError::RATE_LIMITED:
            return {TransportError::Code::RateLimited, message, true};
        case NodeError::MALFORMED:
            return {TransportError::Code::Rejected, message, false};
        case NodeError::NOT_FOUND:
            return {TransportError::Code::NotFound, message, false};
        default:
            return {TransportError::Code::Rejected, message, true};
    }
}

void setOwner(proto::node::OwnerSignature* out, const OwnerProof& p) {
    out->set_ed25519(crypto::toString(p.ed25519));
    out->set_timestamp_ms(static_cast<std::uint64_t>(p.timestampMs));
    out->set_signature(crypto::toString(p.signature));
}

}  // namespace

OnionTransport::OnionTransport(NodeDirectory directory, OnionIdentity identity,
                               std::optional<crypto::PublicKey> guard, QObject* parent)
    : Transport(parent),
      directory_(std::move(directory)),
      identity_(std::move(identity)),
      preferredGuard_(guard),
      paths_(kPaths) {
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

std::optional<NodeInfo> OnionTransport::randomNode(const std::set<QString>& avoid,
                                                   std::optional<std::uint64_t> inSwarm) const {
    std::vector<const NodeInfo*> candidates;
    for (const NodeInfo& n : directory_.nodes) {
        if (avoid.count(n.address) == 0 && (!inSwarm || n.swarmId == *inSwarm)) {
            candidates.push_back(&n);
        }
    }
    if (candidates.empty()) {
        return std::nullopt;
    }
    return *candidates[randombytes_uniform(static_cast<std::uint32_t>(candidates.size()))];
}

void OnionTransport::buildPath(int index, bool newGuard) {
    auto& slot = paths_[static_cast<std::size_t>(index)];
    std::set<QString> avoid;
    for (const auto& other : paths_) {  // paths share no guard
        if (other && &other != &slot) {
            avoid.insert(other->guard.address);
        }
    }
    std::optional<NodeInfo> guard;
    if (index == 0 && !newGuard && preferredGuard_) {
        if (const NodeInfo* known = directory_.find(*preferredGuard_)) {
            guard = *known;
        }
    } else if (!newGuard && slot) {
        guard = slot->guard;
    }
    if (!guard) {
        if (newGuard && slot) {
            avoid.insert(slot->guard.address);
        }
        guard = randomNode(avoid, std::nullopt);
        if (!guard) {
            guard = randomNode({}, std::nullopt);
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
    auto middle = randomNode({guard->address}, std::nullopt);
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
    for (int i = 0; i < kPaths; ++i) {
        const auto& p = paths_[static_cast<std::size_t>(i)];
        if (p && (!listed(p->guard) || !listed(p->middle))) {
            buildPath(i, !listed(p->guard));
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

std::optional<int> OnionTransport::pickPath(const QString& avoidRelay) {
    for (int k = 0; k < kPaths; ++k) {
        const int i = (nextPath_ + k) % kPaths;
        const auto& p = paths_[static_cast<std::size_t>(i)];
        if (p && p->tested && p->guard.address != avoidRelay && p->middle.address != avoidRelay) {
            nextPath_ = (i + 1) % kPaths;
            return i;
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
         answer = std::move(answer)](const NodeReply& reply) {
            const auto& current = paths_[static_cast<std::size_t>(index)];
            const bool samePath = current && current->generation == generation;
            if (reply.has_error()) {
                if (samePath) {
                    // No request id: our own link to the guard failed (closed, or no answer
                    // in time: only a closed link condemns the guard).
                    const bool local = reply.request_id() == 0;
                    strike(index, local && reply.error().code() == NodeError::UNREACHABLE
                                      ? Failure::Guard
                                  : !local && reply.error().code() == NodeError::UNREACHABLE
                                      ? Failure::Unreachable
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
        // middle: then the route is chosen again.
        if (p && p->tested && p->guard.ed25519 == route->guard &&
            p->middle.address != route->destination.address) {
            path = route->path;
            destination = route->destination;
        }
    }
    if (!path) {
        path = pickPath();
        if (!swarm || !path) {
            sending_.remove(envelope.recipient);  // waits for a path (pump runs again then)
            return;
        }
        const auto& p = paths_[static_cast<std::size_t>(*path)];
        destination = randomNode({p->guard.address, p->middle.address}, *swarm);
        if (!destination) {
            finishFront(envelope.recipient,
                        pathError(QStringLiteral("no node of the recipient's swarm")));
            return;
        }
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

void OnionTransport::poll() {
    if (!running_ || polling_) {
        return;
    }
    const auto key = crypto::session::parseSessionId(identity_.sessionId);
    // The member we poll keeps its place: the path is chosen around it. Changing members
    // because the next path in turn happened to relay through ours would read each new one
    // from its beginning, and with paths that take turns, on every poll: everything not yet
    // acknowledged, again and again (with a busy core, an ever-growing backlog of repeats).
    // At a start, the member our bookmark is from is the one to keep.
    std::optional<int> path = pickPath(pollTarget_ ? pollTarget_->address : lastSeenAt_);
    if (!path) {
        path = pickPath();
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
    const auto swarm = directory_.swarmOf(*key);
    const auto& p = paths_[static_cast<std::size_t>(*path)];
    if (!pollTarget_ || pollTarget_->address == p->guard.address ||
        pollTarget_->address == p->middle.address) {
        std::optional<NodeInfo> chosen;
        if (!lastSeenAt_.isEmpty() && lastSeenAt_ != p->guard.address &&
            lastSeenAt_ != p->middle.address && swarm) {
            for (const NodeInfo& n : directory_.members(*swarm)) {
                if (n.address == lastSeenAt_) {
                    chosen = n;
                }
            }
        }
        if (!chosen) {
            chosen = randomNode({p->guard.address, p->middle.address}, swarm);
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
    setOwner(r->mutable_owner(), signAsOwner(identity_.ed25519, "retrieve", identity_.sessionId,
                                             nowMs(), crypto::view(r->after_hash())));
    request(*path, destination, retrieve, waitMs + 15000,
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
                    retryTimer_.start(1000);  // the path was struck; try again shortly
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

std::optional<QString> OnionTransport::pollAddress() const {
    return pollTarget_ ? std::optional<QString>(pollTarget_->address) : std::nullopt;
}

std::optional<QString> OnionTransport::routeAddress(const QString& recipient) const {
    const auto it = routes_.find(recipient);
    return it != routes_.end() ? std::optional<QString>(it->destination.address) : std::nullopt;
}

QStringList OnionTransport::routeHops(const QString& recipient) const {
    const auto it = routes_.find(recipient);
    if (it == routes_.end()) {
        return {};
    }
    const auto& p = paths_[static_cast<std::size_t>(it->path)];
    if (!p || p->guard.ed25519 != it->guard) {
        return {};
    }
    return {p->guard.address, p->middle.address, it->destination.address};
}

QString OnionTransport::stateForDiagnostics() const {
    return QStringLiteral(
               "paths ready %1, sends queued %2 (in flight to %3 recipients), "
               "%4 poll out, poll timer %5")
        .arg(readyPaths())
        .arg(queued_)
        .arg(sending_.size())
        .arg(polling_ ? 1 : 0)
        .arg(pollTimer_.isActive() ? QStringLiteral("on") : QStringLiteral("off"));
}

QHash<QString, QString> OnionTransport::routes() const {
    QHash<QString, QString> out;
    for (auto it = routes_.begin(); it != routes_.end(); ++it) {
        const QStringList hops = routeHops(it.key());
        if (!hops.isEmpty()) {
            out.insert(it.key(), hops.join(u'>'));
        }
    }
    return out;
}

void OnionTransport::acknowledge(const QByteArray& serverId) {
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

void OnionTransport::scheduleAckFlush() {
    if (!ackScheduled_ && !acks_.empty()) {
        ackScheduled_ = true;
        QMetaObject::invokeMethod(this, &OnionTransport::flushAcks, Qt::QueuedConnection);
    }
}

void OnionTransport::flushAcks() {
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
    const std::optional<int> picked = pickPath(destination.address);
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
        setOwner(d->mutable_owner(), signAsOwner(identity_.ed25519, "delete", identity_.sessionId,
                                                 nowMs(), crypto::view(joined)));
        request(path, destination, del, 15000, [](Expected<SwarmReply, TransportError>) {});
    }
    acks_.clear();
}

void OnionTransport::putBlob(const QByteArray& requestId, const QByteArray& ciphertext) {
    if (ciphertext.size() > kMaxBlobBytes) {
        emit blobFailed(requestId,
                        {TransportError::Code::TooLarge,
                         QStringLiteral("a file in Session mode holds at most %1 bytes (768 KiB); "
                                        "this one has %2")
                             .arg(kMaxBlobBytes)
                             .arg(ciphertext.size()),
                         false});
        return;
    }
    if (ciphertext.isEmpty()) {
        emit blobFailed(requestId, {TransportError::Code::Rejected,
                                    QStringLiteral("an empty file cannot be stored"), false});
        return;
    }
    BlobOp op;
    op.requestId = requestId;
    op.put = true;
    op.id = blobIdOf(ciphertext);
    op.data = ciphertext;
    op.size = ciphertext.size();
    emit blobProgress(requestId, 0, op.size);
    runBlob(std::move(op));
}

void OnionTransport::getBlob(const QByteArray& requestId, const BlobRef& ref) {
    if (ref.id.size() != kBlobIdBytes || ref.size < 0 || ref.size > kMaxBlobBytes) {
        emit blobFailed(requestId, {TransportError::Code::NotFound,
                                    QStringLiteral("not a Session-mode file reference"), false});
        return;
    }
    BlobOp op;
    op.requestId = requestId;
    op.id = ref.id;
    op.size = ref.size;
    emit blobProgress(requestId, 0, op.size);
    runBlob(std::move(op));
}

void OnionTransport::runBlob(BlobOp op) {
    if (!running_ || readyPaths() == 0) {
        if (blobsWaiting_.size() >= static_cast<std::size_t>(kMaxQueuedSends)) {
            emit blobFailed(op.requestId, pathError(QStringLiteral("too many files waiting")));
            return;
        }
        blobsWaiting_.push_back(std::move(op));  // flushSends() runs it once a path is ready
        return;
    }
    const auto swarm = directory_.swarmOf(blobRingKey(op.id));
    if (!swarm || !randomNode(op.tried, *swarm) || op.attempt >= kSendAttempts) {
        // Every member asked (or kSendAttempts requests made): the last failure, or (fetching)
        // NotFound when each said so.
        if (op.lastError && (op.put || op.lastError->code != TransportError::Code::NotFound)) {
            emit blobFailed(op.requestId, *op.lastError);
        } else {
            emit blobFailed(op.requestId,
                            op.put
                                ? pathError(QStringLiteral("no node of the file's swarm"))
                                : TransportError{TransportError::Code::NotFound,
                                                 QStringLiteral("no node has this file"), false});
        }
        return;
    }
    // A ready path whose own hops leave a member not yet asked.
    std::optional<int> path;
    std::optional<NodeInfo> destination;
    std::optional<int> middleInTheWay;
    for (int k = 0; k < kPaths && !destination; ++k) {
        path = pickPath();
        if (!path) {
            break;
        }
        const auto& p = paths_[static_cast<std::size_t>(*path)];
        std::set<QString> avoid = op.tried;
        avoid.insert(p->guard.address);
        avoid.insert(p->middle.address);
        destination = randomNode(avoid, *swarm);
        if (!destination && op.tried.count(p->middle.address) == 0 && p->middle.swarmId == *swarm) {
            middleInTheWay = *path;
        }
    }
    if (!destination) {
        // The members left are hops of every ready path. A path with another middle hop then
        // (its guard is kept); this counts no request, but is bounded too.
        if (!middleInTheWay || op.reroutes >= kSendAttempts) {
            op.attempt = kSendAttempts;
            op.lastError = pathError(QStringLiteral("no onion path reaches the file's swarm"));
            runBlob(std::move(op));
            return;
        }
        ++op.reroutes;
        buildPath(*middleInTheWay, false);
        updateStatus();
        blobsWaiting_.push_back(std::move(op));  // flushSends() runs it once that path is ready
        return;
    }
    SwarmRequest r;
    if (op.put) {
        r.mutable_store_blob()->set_id(op.id.toStdString());
        r.mutable_store_blob()->set_data(op.data.toStdString());
    } else {
        r.mutable_get_blob()->set_id(op.id.toStdString());
    }
    const QString address = destination->address;
    blobsInFlight_.insert(op.requestId);
    request(
        *path, *destination, r, 30000,
        [this, op = std::move(op), address](Expected<SwarmReply, TransportError> reply) mutable {
            blobsInFlight_.remove(op.requestId);
            if (!running_) {
                return;  // stop() answered for it
            }
            const bool success =
                reply && (reply->has_blob_stored() ||
                          (reply->has_blob() &&
                           blobIdMatches(op.id, QByteArray::fromStdString(reply->blob()))));
            if (!success) {
                // That member has not got it, has other bytes, or did not answer: another
                // member next time.
                op.tried.insert(address);
                op.lastError =
                    reply ? (reply->has_error() ? errorOf(reply->error()) : TransportError{})
                          : reply.error();
            }
            blobDone(op, std::move(reply));
        });
}

void OnionTransport::blobDone(const BlobOp& op, Expected<SwarmReply, TransportError> reply) {
    const bool done =
        reply && ((op.put && reply->has_blob_stored()) ||
                  (!op.put && reply->has_blob() &&
                   blobIdMatches(op.id, QByteArray::fromStdString(reply->blob())) &&
                   (op.size == 0 || static_cast<std::int64_t>(reply->blob().size()) == op.size)));
    if (done && op.put) {
        emit blobProgress(op.requestId, op.size, op.size);
        emit blobStored(op.requestId, BlobRef{op.id, op.size});
        return;
    }
    if (done) {
        const QByteArray bytes = QByteArray::fromStdString(reply->blob());
        emit blobProgress(op.requestId, bytes.size(), bytes.size());
        emit blobFetched(op.requestId, bytes);
        return;
    }
    // A path failure, another swarm, a member without it: another path and member.
    const bool final =
        reply && reply->has_error() && reply->error().code() != NodeError::NOT_FOUND &&
        reply->error().code() != NodeError::WRONG_SWARM && !errorOf(reply->error()).retryable;
    if (!final && op.attempt + 1 < kSendAttempts) {
        BlobOp next = op;
        ++next.attempt;
        runBlob(std::move(next));
        return;
    }
    if (!reply) {
        emit blobFailed(op.requestId, reply.error());
    } else if (reply->has_error()) {
        emit blobFailed(op.requestId, errorOf(reply->error()));
    } else {
        emit blobFailed(op.requestId,
                        op.put ? TransportError{TransportError::Code::Rejected,
                                                QStringLiteral("unexpected answer"), true}
                               : TransportError{TransportError::Code::NotFound,
                                                QStringLiteral("no node has this file"), false});
    }
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
