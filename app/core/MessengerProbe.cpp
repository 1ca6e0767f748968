// Messenger, latency probes (docs/latency.md): a run sends `count` probes through each mode's
// transport exactly as messages travel (sealed sender through the relay; Session encryption
// through an onion path to the swarm), to our own account or to a contact who answers each
// with a ProbeReply. A probe is not ratchet-encrypted (it holds only padding and timings), is
// never queued in the outbox and never stored as a message; each one leaves a latency sample.
#include <algorithm>
#include <chrono>
#include <sodium.h>

#include <QDateTime>

#include <tandem/common/Redact.h>

#include "app/core/CoreLog.h"
#include "app/core/Messenger.h"
#include "crypto/QtBytes.h"
#include "crypto/session/SessionKeys.h"
#include "crypto/session/SessionMessage.h"
#include "crypto/signal/SealedSender.h"
#include "proto/ContentCodec.h"
#include "transport/relay/Address.h"

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

TransportKind kindOf(Mode mode) {
    return mode == Mode::Signal ? TransportKind::Relay : TransportKind::Onion;
}

QString modeName(Mode mode) {
    return mode == Mode::Signal ? QStringLiteral("Signal") : QStringLiteral("Session");
}

}  // namespace

QFuture<CoreResult<Messenger::ProbeResult>> Messenger::runProbes(const ProbeOptions& options) {
    auto promise = std::make_shared<QPromise<CoreResult<ProbeResult>>>();
    promise->start();
    QFuture<CoreResult<ProbeResult>> future = promise->future();
    const auto refuse = [&](CoreErrorCode code, const QString& why) {
        promise->addResult(coreError(code, why));
        promise->finish();
        return future;
    };
    if (probe_) {
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
        for (const Mode m : {Mode::Signal, Mode::Session}) {
            if (hasAccount(m)) {
                modes.push_back(m);
            }
        }
    }
    std::sort(modes.begin(), modes.end());
    modes.erase(std::unique(modes.begin(), modes.end()), modes.end());
    if (modes.empty()) {
        return refuse(CoreErrorCode::NotRegistered, QStringLiteral("this profile has no account"));
    }
    for (const Mode m : modes) {
        if (!hasAccount(m)) {
            return refuse(CoreErrorCode::NotRegistered,
                          QStringLiteral("this profile has no %1-mode account").arg(modeName(m)));
        }
        if (!isConnected(m)) {
            return refuse(CoreErrorCode::Network,
                          QStringLiteral("%1 mode is not connected").arg(modeName(m)));
        }
    }
    if (modes.front() == Mode::Signal &&
        (certificate_.isEmpty() ||
         certificateExpires_ < QDateTime::currentMSecsSinceEpoch() + 60 * 1000)) {
        ensureCertificate();
        return refuse(CoreErrorCode::Network,
                      QStringLiteral("the sender certificate is not here yet; try again"));
    }
    ProbeOptions resolved = options;
    resolved.modes = modes;
    if (self) {
        std::vector<ProbeTarget> targets;
        for (const Mode m : modes) {
            ProbeTarget t;
            t.mode = m;
            t.self = true;
            if (m == Mode::Signal) {
                t.address = relay::aciAddress(signal_->aci);
                t.accessKey = signal_->accessKey;
                t.identityKey = crypto::qbytes(signal_->keys->publicKey().ed25519);
            } else {
                t.address = session_->sessionId;
            }
            targets.push_back(std::move(t));
        }
        startProbeRun(std::move(resolved), std::move(targets), promise);
        return future;
    }
    // A contact: their identity key and (Signal mode) access key come from the store.
    const Mode mode = modes.front();
    const QString address = options.to.trimmed().toLower();
    store_.read([mode, address](Repositories& r) { return findContact(r, mode, address); }, this,
                [this, mode, resolved, promise](StoreResult<std::optional<Contact>> found) {
                    const auto fail = [&](CoreErrorCode code, const QString& why) {
                        promise->addResult(coreError(code, why));
                        promise->finish();
                    };
                    if (!found) {
                        fail(CoreErrorCode::Storage, found.error().message);
                        return;
                    }
                    if (probe_) {
                        fail(CoreErrorCode::InvalidArgument,
                             QStringLiteral("a latency comparison is already running"));
                        return;
                    }
                    ProbeTarget t;
                    t.mode = mode;
                    if (mode == Mode::Session) {
                        t.address = resolved.to.trimmed().toLower();
                    } else {
                        if (!*found || (*found)->identityKey.isEmpty() ||
                            (*found)->accessKey.size() != 16) {
                            fail(CoreErrorCode::InvalidArgument,
                                 QStringLiteral("exchange a message with %1 first: probes need "
                                                "their identity and access keys")
                                     .arg(redact(resolved.to)));
                            return;
                        }
                        const Contact& c = **found;
                        t.address = c.serviceId.isEmpty() ? c.address : c.serviceId;
                        t.accessKey = c.accessKey;
                        t.identityKey = c.identityKey;
                    }
                    startProbeRun(resolved, {std::move(t)}, promise);
                });
    return future;
}

void Messenger::startProbeRun(ProbeOptions options, std::vector<ProbeTarget> targets,
                              std::shared_ptr<QPromise<CoreResult<ProbeResult>>> promise) {
    probe_ = std::make_unique<ProbeRun>();
    ProbeRun& run = *probe_;
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
    connect(&run.tick, &QTimer::timeout, this, &Messenger::sendProbeRound);
    run.deadline.setSingleShot(true);
    connect(&run.deadline, &QTimer::timeout, this, [this] { finishProbeRun(std::nullopt); });
    qCInfo(lcCore) << "latency probe run" << run.run << "with" << run.total << "probes";
    emit probeProgress(run.run, 0, run.total);
    sendProbeRound();
    if (probe_ && probe_->round < probe_->options.count) {
        probe_->tick.start();
    }
}

std::optional<QByteArray> Messenger::sealProbe(const ProbeTarget& target, const QByteArray& content,
                                               QString* problem) {
    if (target.mode == Mode::Signal) {
        if (!signal_ || certificate_.isEmpty()) {
            *problem = QStringLiteral("no Signal-mode account or sender certificate");
            return std::nullopt;
        }
        crypto::PublicKey ed25519{};
        if (target.identityKey.size() != static_cast<qsizetype>(ed25519.size())) {
            *problem = QStringLiteral("no identity key for the recipient");
            return std::nullopt;
        }
        std::copy(target.identityKey.begin(), target.identityKey.end(), ed25519.begin());
        const auto recipient = crypto::signal::IdentityPublicKey::fromEd25519(ed25519);
        if (!recipient) {
            *problem = recipient.error().message;
            return std::nullopt;
        }
        auto sealed = crypto::signal::sealSender(*signal_->keys, crypto::view(certificate_),
                                                 crypto::signal::MessageType::Probe,
                                                 crypto::view(content), *recipient);
        if (!sealed) {
            *problem = sealed.error().message;
            return std::nullopt;
        }
        return crypto::qbytes(*sealed);
    }
    if (!session_) {
        *problem = QStringLiteral("no Session-mode identity");
        return std::nullopt;
    }
    const auto key = crypto::session::parseSessionId(target.address);
    if (!key) {
        *problem = QStringLiteral("not a Session ID");
        return std::nullopt;
    }
    const auto sealed = crypto::session::encryptSessionMessage(crypto::view(content),
                                                               session_->keys->ed25519, *key);
    if (!sealed) {
        *problem = sealed.error().message;
        return std::nullopt;
    }
    return crypto::qbytes(*sealed);
}

void Messenger::sendProbeRound() {
    if (!probe_) {
        return;
    }
    ProbeRun& run = *probe_;
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
                if (!probe_) {
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
        const ProbeTarget& target = run.targets[i];
        const std::int64_t now = wallUs();
        proto::Content content;
        const MessageUid uid = MessageUid::generate(now / 1000);
        content.set_uid(uid.toByteArray().toStdString());
        content.set_sent_at_ms(static_cast<std::uint64_t>(now / 1000));
        if (target.mode == Mode::Signal && signal_) {
            content.set_sender_access_key(signal_->accessKey.toStdString());
        }
        auto* probe = content.mutable_probe();
        probe->set_run(run.run);
        probe->set_sequence(sequence);
        probe->set_sent_at_us(static_cast<std::uint64_t>(now));
        probe->set_padding(randomBytes(run.options.size).toStdString());
        const QByteArray bytes = proto::encodeContent(content);

        PendingProbe pending;
        pending.sample.transport = kindOf(target.mode);
        pending.sample.messageUid = uid.toByteArray();
        pending.sample.probeRun = run.run;
        pending.sample.sentAt = now / 1000;
        pending.sample.size = bytes.size();
        pending.sample.lost = true;
        const QByteArray id = QByteArray(kProbeIdPrefix) + QByteArray::number(run.run) + ':' +
                              QByteArray::number(static_cast<int>(target.mode)) + ':' +
                              QByteArray::number(sequence);
        QString problem;
        const auto sealed = sealProbe(target, bytes, &problem);
        pending.sentNs = run.clock.nsecsElapsed();
        auto& stored = run.pending[id] = std::move(pending);
        transport::Transport* transport = transportFor(target.mode);
        if (!sealed || transport == nullptr) {
            qCWarning(lcCore) << "a probe could not be sent:" << problem;
            probeDone(stored);
            if (!probe_) {
                return;
            }
            continue;
        }
        transport::OutgoingEnvelope out;
        out.id = id;
        out.recipient = target.address;
        out.accessKey = target.accessKey;
        out.ciphertext = *sealed;
        out.ttlMs = run.ttlMs;
        transport->send(out);
        if (!probe_) {
            return;  // refused at once, and that ended the run
        }
    }
    if (probe_ && probe_->round >= probe_->options.count) {
        probe_->tick.stop();
        probe_->deadline.start(probe_->options.timeoutMs);
    }
}

void Messenger::onProbeAccepted(const QByteArray& id) {
    if (!probe_) {
        return;
    }
    const auto it = probe_->pending.find(id);
    if (it == probe_->pending.end()) {
        return;
    }
    it->second.taken = true;
    if (it->second.sample.transport != TransportKind::Onion || !it->second.sentVia.isEmpty()) {
        return;
    }
    // The onion route it took: guard, middle, swarm member.
    for (const ProbeTarget& t : probe_->targets) {
        if (t.mode == Mode::Session && onion_) {
            it->second.sentVia = onion_->routeHops(t.address).join(u'>');
        }
    }
}

void Messenger::onProbeFailed(const QByteArray& id, const transport::TransportError& error) {
    if (!probe_) {
        return;
    }
    const auto it = probe_->pending.find(id);
    if (it == probe_->pending.end() || it->second.done) {
        return;
    }
    qCInfo(lcCore) << "a probe was not taken by the network:" << error.message;
    it->second.taken = true;
    probeDone(it->second);  // lost
}

void Messenger::onProbeSeen(Mode mode, const ProbeSeen& probe, const QString& source) {
    const std::int64_t now = wallUs();
    if (!probe.reply && !probe.fromSelf) {
        // A contact's probe: answered at once, within a rate limit. A stranger's is not
        // answered at all (it would tell them we are online, and cost us a send).
        if (!probe.fromContact) {
            return;
        }
        if (!replyWindow_.isValid() || replyWindow_.elapsed() >= 1000) {
            replyWindow_.start();
            repliesInWindow_ = 0;
        }
        if (++repliesInWindow_ > kMaxProbeReplyRate) {
            return;
        }
        ProbeTarget target;
        target.mode = mode;
        target.address = probe.replyTo;
        target.accessKey = probe.accessKey;
        target.identityKey = probe.identityKey;
        proto::Content content;
        content.set_uid(MessageUid::generate(now / 1000).toByteArray().toStdString());
        content.set_sent_at_ms(static_cast<std::uint64_t>(now / 1000));
        if (mode == Mode::Signal && signal_) {
            content.set_sender_access_key(signal_->accessKey.toStdString());
        }
        auto* reply = content.mutable_probe_reply();
        reply->set_run(probe.run);
        reply->set_sequence(probe.sequence);
        reply->set_sent_at_us(static_cast<std::uint64_t>(probe.sentAtUs));
        reply->set_received_at_us(static_cast<std::uint64_t>(now));
        QString problem;
        const auto sealed = sealProbe(target, proto::encodeContent(content), &problem);
        transport::Transport* transport = transportFor(mode);
        if (!sealed || transport == nullptr) {
            qCInfo(lcCore) << "a probe could not be answered:" << problem;
            return;
        }
        transport::OutgoingEnvelope out;
        out.id = QByteArray(kProbeIdPrefix) + "reply";  // nobody waits for its acceptance
        out.recipient = target.address;
        out.accessKey = target.accessKey;
        out.ciphertext = *sealed;
        out.ttlMs = kProbeReplyTtlMs;
        transport->send(out);
        return;
    }
    if (!probe_ || probe.run != probe_->run || (probe.fromSelf && probe.reply)) {
        return;  // a run that is over (counted lost), or not ours
    }
    const QByteArray id = QByteArray(kProbeIdPrefix) + QByteArray::number(probe_->run) + ':' +
                          QByteArray::number(static_cast<int>(mode)) + ':' +
                          QByteArray::number(probe.sequence);
    const auto it = probe_->pending.find(id);
    if (it == probe_->pending.end() || it->second.done ||
        static_cast<std::int64_t>(probe.sentAtUs) / 1000 != it->second.sample.sentAt) {
        return;
    }
    PendingProbe& p = it->second;
    const std::int64_t roundTripUs = (probe_->clock.nsecsElapsed() - p.sentNs) / 1000;
    p.sample.roundTripUs = roundTripUs;
    // To ourselves the trip out is the whole trip, on one clock; a contact's answer says when
    // it arrived on their clock.
    p.sample.oneWayUs = probe.fromSelf ? roundTripUs : probe.receivedAtUs - probe.sentAtUs;
    p.sample.lost = false;
    if (mode == Mode::Session) {
        p.cameFrom = source;
        if (p.sentVia.isEmpty() && onion_) {  // delivered before the swarm's answer came back
            p.sentVia = onion_->routeHops(probe.replyTo).join(u'>');
        }
    }
    probeDone(p);
}

void Messenger::probeDone(PendingProbe& p) {
    if (p.done || !probe_) {
        return;
    }
    p.done = true;
    if (p.sample.transport == TransportKind::Onion) {
        // "guard>middle>member|member it came back from" (docs/latency.md)
        p.sample.path = p.cameFrom.isEmpty() ? p.sentVia : p.sentVia + u'|' + p.cameFrom;
    }
    ++probe_->done;
    emit latencySampled(p.sample);
    emit probeProgress(probe_->run, probe_->done, probe_->total);
    if (probe_->done >= probe_->total) {
        finishProbeRun(std::nullopt);
    }
}

void Messenger::finishProbeRun(std::optional<CoreError> error) {
    if (!probe_) {
        return;
    }
    // Destroyed once control is back in the event loop: this may run inside one of the run's
    // own timers' signals, or under a transport's send().
    std::shared_ptr<ProbeRun> run(std::move(probe_));
    QMetaObject::invokeMethod(
        this, [run] {}, Qt::QueuedConnection);
    run->tick.stop();
    run->deadline.stop();
    if (error) {
        run->promise->addResult(unexpected(*error));
        run->promise->finish();
        return;
    }
    ProbeResult result;
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
                emit latencySamplesChanged();
            }
            promise->finish();
        });
}

}  // namespace tandem::core
