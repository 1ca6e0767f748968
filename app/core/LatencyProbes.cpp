#include "app/core/LatencyProbes.h"

#include <algorithm>
#include <chrono>
#include <sodium.h>

#include <tandem/common/Redact.h>

#include "app/core/Addresses.h"
#include "app/core/CoreLog.h"
#include "proto/ContentCodec.h"

namespace tandem::core {

using namespace tandem::storage;

namespace {

// The wall clock in microseconds: one-way times compare two machines' clocks.
std::int64_t wallUs() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

QByteArray randomBytes(qsizetype n) {
    QByteArray out(n, Qt::Uninitialized);
    randombytes_buf(out.data(), static_cast<std::size_t>(n));
    return out;
}

// The content every probe and answer starts from: a fresh uid, the send time.
proto::Content probeContent(const ModeChannel& channel, std::int64_t nowUs, MessageUid* uid) {
    proto::Content content;
    const MessageUid made = MessageUid::generate(nowUs / 1000);
    content.set_uid(made.toByteArray().toStdString());
    content.set_sent_at_ms(static_cast<std::uint64_t>(nowUs / 1000));
    channel.stamp(content);
    if (uid != nullptr) {
        *uid = made;
    }
    return content;
}

}  // namespace

LatencyProbes::LatencyProbes(Store& store, const Channels& channels, QObject* parent)
    : QObject(parent), store_(store), channels_(channels) {}

LatencyProbes::~LatencyProbes() {
    store_.post([] {}).waitForFinished();  // no continuation of ours is left to run
}

void LatencyProbes::attach(ModeChannel& channel) {
    if (transport::Transport* t = channel.transport()) {
        connect(
            t, &transport::Transport::accepted, this,
            [this, mode = channel.mode()](const QByteArray& id, qint64) { onAccepted(mode, id); });
        connect(t, &transport::Transport::failed, this, &LatencyProbes::onFailed);
    }
}

QByteArray LatencyProbes::idOf(Mode mode, std::uint32_t sequence) const {
    return QByteArray(kIdPrefix) + QByteArray::number(run_->run) + ':' +
           QByteArray::number(static_cast<int>(mode)) + ':' + QByteArray::number(sequence);
}

QFuture<CoreResult<LatencyProbes::Result>> LatencyProbes::run(const Options& options) {
    auto promise = std::make_shared<QPromise<CoreResult<Result>>>();
    promise->start();
    QFuture<CoreResult<Result>> future = promise->future();
    const auto refuse = [&](CoreErrorCode code, const QString& why) {
        promise->addResult(coreError(code, why));
        promise->finish();
        return future;
    };
    if (run_) {
        return refuse(CoreErrorCode::InvalidArgument,
                      QStringLiteral("a latency comparison is already running"));
    }
    if (options.count < 1 || options.count > kMaxProbes) {
        return refuse(CoreErrorCode::InvalidArgument,
                      QStringLiteral("give 1 to %1 probes").arg(kMaxProbes));
    }
    if (options.size < 0 || options.size > kMaxProbeBytes) {
        return refuse(CoreErrorCode::InvalidArgument,
                      QStringLiteral("a probe is 0 to %1 bytes").arg(kMaxProbeBytes));
    }
    if (options.intervalMs < 1 || options.intervalMs > 60000 || options.timeoutMs < 100 ||
        options.timeoutMs > 600000) {
        return refuse(CoreErrorCode::InvalidArgument,
                      QStringLiteral("the interval is 1 ms to 60 s, the timeout 0.1 to 600 s"));
    }
    const bool self = options.to == QLatin1String("self");
    std::vector<Mode> modes = options.modes;
    if (!self) {
        const auto mode = modeOf(options.to.trimmed().toLower());
        if (!mode) {
            return refuse(CoreErrorCode::InvalidArgument,
                          QStringLiteral("\"%1\" is not 'self', a phone number or a Session ID")
                              .arg(redact(options.to)));
        }
        if (!modes.empty() && std::find(modes.begin(), modes.end(), *mode) == modes.end()) {
            return refuse(
                CoreErrorCode::InvalidArgument,
                QStringLiteral("%1 is a %2-mode address").arg(redact(options.to), modeName(*mode)));
        }
        modes = {*mode};
    }
    if (modes.empty()) {
        channels_.forEach([&modes](const ModeChannel& c) { modes.push_back(c.mode()); });
    }
    std::sort(modes.begin(), modes.end());
    modes.erase(std::unique(modes.begin(), modes.end()), modes.end());
    if (modes.empty()) {
        return refuse(CoreErrorCode::NotRegistered, QStringLiteral("this profile has no account"));
    }
    for (const Mode m : modes) {
        const ModeChannel* channel = channels_[m];
        if (channel == nullptr) {
            return refuse(CoreErrorCode::NotRegistered,
                          QStringLiteral("this profile has no %1-mode account").arg(modeName(m)));
        }
        if (!channel->isConnected()) {
            return refuse(CoreErrorCode::Network,
                          QStringLiteral("%1 mode is not connected").arg(modeName(m)));
        }
    }
    Options resolved = options;
    resolved.modes = modes;
    if (self) {
        std::vector<Target> targets;
        for (const Mode m : modes) {
            QString why;
            const auto peer = channels_[m]->self(&why);
            if (!peer) {
                return refuse(CoreErrorCode::Network, why);
            }
            targets.push_back({m, *peer});
        }
        start(std::move(resolved), std::move(targets), promise);
        return future;
    }
    // A contact: what the channel needs of them (identity and access keys) is in the store.
    const Mode mode = modes.front();
    const QString address = options.to.trimmed().toLower();
    store_.read(
        [mode, address](Repositories& r) { return findContact(r, mode, address); }, this,
        [this, mode, address, resolved, promise](StoreResult<std::optional<Contact>> found) {
            const auto fail = [&](CoreErrorCode code, const QString& why) {
                promise->addResult(coreError(code, why));
                promise->finish();
            };
            if (!found) {
                fail(CoreErrorCode::Storage, found.error().message);
                return;
            }
            if (run_) {
                fail(CoreErrorCode::InvalidArgument,
                     QStringLiteral("a latency comparison is already running"));
                return;
            }
            const ModeChannel* channel = channels_[mode];
            QString why;
            const auto peer =
                channel != nullptr ? channel->probePeer(address, *found, &why) : std::nullopt;
            if (!peer) {
                fail(CoreErrorCode::InvalidArgument, why);
                return;
            }
            start(resolved, {{mode, *peer}}, promise);
        });
    return future;
}

void LatencyProbes::start(Options options, std::vector<Target> targets,
                          std::shared_ptr<QPromise<CoreResult<Result>>> promise) {
    run_ = std::make_unique<Run>();
    Run& run = *run_;
    run.run = randombytes_uniform(0x7fffffff) + 1;
    run.options = std::move(options);
    run.targets = std::move(targets);
    run.total = run.options.count * static_cast<int>(run.targets.size());
    // Kept by the relay or the swarm no longer than the run can use them (an offline
    // contact's mailbox does not fill with probes that can only count as lost).
    run.ttlMs = static_cast<std::int64_t>(run.options.count) * run.options.intervalMs +
                run.options.timeoutMs;
    run.promise = std::move(promise);
    run.clock.start();
    run.tick.setInterval(run.options.intervalMs);
    connect(&run.tick, &QTimer::timeout, this, &LatencyProbes::sendRound);
    run.deadline.setSingleShot(true);
    connect(&run.deadline, &QTimer::timeout, this, [this] { finish(std::nullopt); });
    qCInfo(lcCore) << "latency probe run" << run.run << "with" << run.total << "probes";
    emit progress(run.run, 0, run.total);
    sendRound();
    if (run_ && run_->round < run_->options.count) {
        run_->tick.start();
    }
}

void LatencyProbes::sendRound() {
    if (!run_) {
        return;
    }
    Run& run = *run_;
    if (run.round >= run.options.count) {
        run.tick.stop();
        return;
    }
    // Paced by the slower transport: the next round waits until the network took the last
    // (a probe it has not taken within the timeout is lost).
    bool waiting = false;
    for (auto& [id, p] : run.pending) {
        if (!p.taken && !p.done) {
            if ((run.clock.nsecsElapsed() - p.sentNs) / 1000000 >= run.options.timeoutMs) {
                p.taken = true;
                probeDone(p);
                if (!run_) {
                    return;
                }
            } else {
                waiting = true;
            }
        }
    }
    if (waiting) {
        return;  // the next tick tries again
    }
    const auto sequence = static_cast<std::uint32_t>(run.round++);
    // ABBA: the transport that goes first alternates, so neither is always second.
    std::vector<std::size_t> order(run.targets.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        order[i] = (sequence % 2 == 0) ? i : order.size() - 1 - i;
    }
    for (const std::size_t i : order) {
        const Target& target = run.targets[i];
        ModeChannel* channel = channels_[target.mode];
        const std::int64_t now = wallUs();
        MessageUid uid;
        proto::Content content = probeContent(*channel, now, &uid);
        auto* probe = content.mutable_probe();
        probe->set_run(run.run);
        probe->set_sequence(sequence);
        probe->set_sent_at_us(static_cast<std::uint64_t>(now));
        probe->set_padding(randomBytes(run.options.size).toStdString());
        const QByteArray bytes = proto::encodeContent(content);

        Pending pending;
        pending.sample.transport = target.mode;
        pending.sample.messageUid = uid.toByteArray();
        pending.sample.probeRun = run.run;
        pending.sample.sentAt = now / 1000;
        pending.sample.size = bytes.size();
        pending.sample.lost = true;
        const QByteArray id = idOf(target.mode, sequence);
        QString problem;
        const auto sealed = channel->sealProbe(target.peer, bytes, &problem);
        pending.sentNs = run.clock.nsecsElapsed();
        auto& stored = run.pending[id] = std::move(pending);
        transport::Transport* transport = channel->transport();
        if (!sealed || transport == nullptr) {
            qCWarning(lcCore) << "a probe could not be sent:" << problem;
            probeDone(stored);
            if (!run_) {
                return;
            }
            continue;
        }
        transport::OutgoingEnvelope out;
        out.id = id;
        out.recipient = target.peer.address;
        out.accessKey = target.peer.accessKey;
        out.ciphertext = *sealed;
        out.ttlMs = run.ttlMs;
        transport->send(out);
        if (!run_) {
            return;  // refused at once, and that ended the run
        }
    }
    if (run_ && run_->round >= run_->options.count) {
        run_->tick.stop();
        run_->deadline.start(run_->options.timeoutMs);
    }
}

void LatencyProbes::onAccepted(Mode mode, const QByteArray& id) {
    if (!run_ || !id.startsWith(kIdPrefix)) {
        return;
    }
    const auto it = run_->pending.find(id);
    if (it == run_->pending.end()) {
        return;
    }
    it->second.taken = true;
    const ModeChannel* channel = channels_[mode];
    if (channel == nullptr || !channel->recordsRoutes() || !it->second.sentVia.isEmpty()) {
        return;
    }
    for (const Target& t : run_->targets) {  // the route it took
        if (t.mode == mode) {
            it->second.sentVia = channel->routeTo(t.peer.address);
        }
    }
}

void LatencyProbes::onFailed(const QByteArray& id, const transport::TransportError& error) {
    if (!run_ || !id.startsWith(kIdPrefix)) {
        return;
    }
    const auto it = run_->pending.find(id);
    if (it == run_->pending.end() || it->second.done) {
        return;
    }
    qCInfo(lcCore) << "a probe was not taken by the network:" << error.message;
    it->second.taken = true;
    probeDone(it->second);  // lost
}

void LatencyProbes::answer(ModeChannel& channel, const ProbeSeen& probe, std::int64_t nowUs) {
    // A contact's probe: answered at once, within a rate limit. A stranger's is not answered
    // at all (it would tell them we are online, and cost us a send).
    if (!probe.fromContact) {
        return;
    }
    if (!replyWindow_.isValid() || replyWindow_.elapsed() >= 1000) {
        replyWindow_.start();
        repliesInWindow_ = 0;
    }
    if (++repliesInWindow_ > kMaxReplyRate) {
        return;
    }
    const ProbePeer peer{probe.replyTo, probe.accessKey, probe.identityKey};
    proto::Content content = probeContent(channel, nowUs, nullptr);
    auto* reply = content.mutable_probe_reply();
    reply->set_run(probe.run);
    reply->set_sequence(probe.sequence);
    reply->set_sent_at_us(static_cast<std::uint64_t>(probe.sentAtUs));
    reply->set_received_at_us(static_cast<std::uint64_t>(nowUs));
    QString problem;
    const auto sealed = channel.sealProbe(peer, proto::encodeContent(content), &problem);
    transport::Transport* transport = channel.transport();
    if (!sealed || transport == nullptr) {
        qCInfo(lcCore) << "a probe could not be answered:" << problem;
        return;
    }
    transport::OutgoingEnvelope out;
    out.id = QByteArray(kIdPrefix) + "reply";  // nobody waits for its acceptance
    out.recipient = peer.address;
    out.accessKey = peer.accessKey;
    out.ciphertext = *sealed;
    out.ttlMs = kReplyTtlMs;
    transport->send(out);
}

void LatencyProbes::seen(Mode mode, const ProbeSeen& probe, const QString& source) {
    const std::int64_t now = wallUs();
    ModeChannel* channel = channels_[mode];
    if (channel == nullptr) {
        return;
    }
    if (!probe.reply && !probe.fromSelf) {
        answer(*channel, probe, now);
        return;
    }
    if (!run_ || probe.run != run_->run || (probe.fromSelf && probe.reply)) {
        return;  // a run that is over (counted lost), or not ours
    }
    const auto it = run_->pending.find(idOf(mode, probe.sequence));
    if (it == run_->pending.end() || it->second.done ||
        static_cast<std::int64_t>(probe.sentAtUs) / 1000 != it->second.sample.sentAt) {
        return;
    }
    Pending& p = it->second;
    const std::int64_t roundTripUs = (run_->clock.nsecsElapsed() - p.sentNs) / 1000;
    p.sample.roundTripUs = roundTripUs;
    // To ourselves the trip out is the whole trip, on one clock; a contact's answer says when
    // it arrived on their clock.
    p.sample.oneWayUs = probe.fromSelf ? roundTripUs : probe.receivedAtUs - probe.sentAtUs;
    p.sample.lost = false;
    if (channel->recordsRoutes()) {
        p.cameFrom = source;
        if (p.sentVia.isEmpty()) {  // delivered before the swarm's answer came back
            p.sentVia = channel->routeTo(probe.replyTo);
        }
    }
    probeDone(p);
}

void LatencyProbes::probeDone(Pending& p) {
    if (p.done || !run_) {
        return;
    }
    p.done = true;
    if (!p.sentVia.isEmpty() || !p.cameFrom.isEmpty()) {
        // "guard>middle>member|member it came back from" (docs/latency.md)
        p.sample.path = p.cameFrom.isEmpty() ? p.sentVia : p.sentVia + u'|' + p.cameFrom;
    }
    ++run_->done;
    emit sampled(p.sample);
    emit progress(run_->run, run_->done, run_->total);
    if (run_->done >= run_->total) {
        finish(std::nullopt);
    }
}

void LatencyProbes::cancel(const QString& why) {
    if (run_) {
        finish(CoreError{CoreErrorCode::Network, why});
    }
}

void LatencyProbes::finish(std::optional<CoreError> error) {
    if (!run_) {
        return;
    }
    // Destroyed once control is back in the event loop: this may run inside one of the run's
    // own timers' signals, or under a transport's send().
    std::shared_ptr<Run> run(std::move(run_));
    QMetaObject::invokeMethod(
        this, [run] {}, Qt::QueuedConnection);
    run->tick.stop();
    run->deadline.stop();
    if (error) {
        run->promise->addResult(unexpected(*error));
        run->promise->finish();
        return;
    }
    Result result;
    result.run = run->run;
    std::vector<std::pair<std::int64_t, LatencySample>> ordered;
    for (auto& [id, p] : run->pending) {
        ordered.emplace_back(p.sentNs, p.sample);  // unanswered ones are still lost
    }
    std::sort(ordered.begin(), ordered.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [at, sample] : ordered) {
        result.samples.push_back(std::move(sample));
    }
    const int lost = static_cast<int>(std::count_if(result.samples.begin(), result.samples.end(),
                                                    [](const LatencySample& s) { return s.lost; }));
    qCInfo(lcCore) << "latency probe run" << result.run << "ended:" << result.samples.size()
                   << "probes," << lost << "lost";
    auto promise = run->promise;
    // Copied before the call: the continuation below takes `result` by move, and the order in
    // which arguments are built is unspecified.
    std::vector<LatencySample> toWrite = result.samples;
    store_.write(
        [samples = std::move(toWrite)](Repositories& r) -> StoreResult<void> {
            for (const LatencySample& s : samples) {
                TANDEM_TRY(r.latency.add(s));
            }
            return {};
        },
        this,
        [this, promise, result = std::move(result)](StoreResult<void> written) mutable {
            if (!written) {
                promise->addResult(unexpected(fromStore(written.error())));
            } else {
                promise->addResult(std::move(result));
                emit samplesChanged();
            }
            promise->finish();
        });
}

}  // namespace tandem::core
