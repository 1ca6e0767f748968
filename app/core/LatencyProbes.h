// LatencyProbes (docs/latency.md): `count` probes through each mode's channel, interleaved
// (ABBA) so both meet the same conditions, to our own account in that mode ("self") or to a
// contact, who answers each. A probe travels exactly as a message does (sealed sender through
// the relay; Session encryption through an onion path to the swarm) but is not
// ratchet-encrypted (it holds only padding and timings), never queued in the outbox and never
// stored as a message. A round leaves `intervalMs` after the one before, and not before the
// network took every probe of it (else a transport that sends one at a time would measure its
// own queue). Every probe leaves a sample (lost when no answer came within `timeoutMs` of the
// last send), all written to the store when the run ends. Only contacts' probes are answered,
// at most kMaxReplyRate a second.
#pragma once

#include <map>

#include <QElapsedTimer>
#include <QFuture>
#include <QObject>
#include <QPromise>
#include <QTimer>

#include "app/core/ModeChannel.h"
#include "storage/Store.h"

namespace tandem::core {

class LatencyProbes : public QObject {
    Q_OBJECT
public:
    struct Options {
        std::vector<storage::Mode> modes;
        QString to = QStringLiteral("self");  // "self", or a contact's address (its mode only)
        int count = 20;
        int size = 0;           // padding bytes per probe
        int intervalMs = 200;   // between rounds (one probe per mode a round)
        int timeoutMs = 15000;  // after the last send
    };
    struct Result {
        std::int64_t run = 0;
        std::vector<storage::LatencySample> samples;  // sent order; lost ones included
    };
    static constexpr int kMaxProbes = 10000;
    static constexpr int kMaxProbeBytes = 64 * 1024;
    static constexpr int kMaxReplyRate = 200;  // answers to contacts' probes, per second
    static constexpr std::int64_t kReplyTtlMs = 60 * 1000;
    // Their transport ids start with this (outbox ids are numbers).
    static constexpr const char* kIdPrefix = "probe:";

    LatencyProbes(storage::Store& store, const Channels& channels, QObject* parent = nullptr);
    ~LatencyProbes() override;

    void attach(ModeChannel& channel);
    QFuture<CoreResult<Result>> run(const Options& options);
    [[nodiscard]] bool running() const { return run_ != nullptr; }
    // Ends a run now, with `why` as its error.
    void cancel(const QString& why);
    // A probe (or an answer to one) the inbox opened.
    void seen(storage::Mode mode, const ProbeSeen& probe, const QString& source);

signals:
    // Probes answered or lost so far, of `total`.
    void progress(qint64 run, int done, int total);
    // One probe's sample (live, before the run's samples are written).
    void sampled(const tandem::storage::LatencySample& sample);
    // Samples were written to the store.
    void samplesChanged();

private:
    struct Target {
        storage::Mode mode = storage::Mode::Signal;
        ProbePeer peer;
    };
    struct Pending {
        storage::LatencySample sample;
        std::int64_t sentNs = 0;  // on the run's steady clock
        bool taken = false;       // accepted (or refused) by the network
        bool done = false;
        // Where the route is recorded: the hops it was sent through, and the member it came
        // back from (either may be learned first: the swarm's answer and the delivery race).
        QString sentVia;
        QString cameFrom;
    };
    struct Run {
        std::uint32_t run = 0;
        Options options;
        std::vector<Target> targets;
        std::map<QByteArray, Pending> pending;  // by transport id
        int round = 0;
        int done = 0;
        std::int64_t ttlMs = 0;  // how long the network keeps a probe of this run
        int total = 0;
        QElapsedTimer clock;
        QTimer tick;
        QTimer deadline;
        std::shared_ptr<QPromise<CoreResult<Result>>> promise;
    };
    void start(Options options, std::vector<Target> targets,
               std::shared_ptr<QPromise<CoreResult<Result>>> promise);
    void sendRound();
    void answer(ModeChannel& channel, const ProbeSeen& probe, std::int64_t nowUs);
    void onAccepted(storage::Mode mode, const QByteArray& id);
    void onFailed(const QByteArray& id, const transport::TransportError& error);
    void probeDone(Pending& p);
    void finish(std::optional<CoreError> error);
    [[nodiscard]] QByteArray idOf(storage::Mode mode, std::uint32_t sequence) const;

    storage::Store& store_;
    const Channels& channels_;
    std::unique_ptr<Run> run_;
    QElapsedTimer replyWindow_;  // answers to others' probes: kMaxReplyRate a second
    int repliesInWindow_ = 0;
};

}  // namespace tandem::core
