// relay_bench's tandem-relayd: the daemon as a child process on 127.0.0.1, and the runs that
// measure it with relay clients (throughput, latency, durability across a SIGKILL).
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include "bench/BenchRedisCluster.h"
#include "bench/RelayBench.h"
#include "transport/relay/RelayConnection.h"

namespace tandem::bench {

// tandem-relayd on its data folder (the default), or `frontEnds` of them over a redis-server
// (--store redis://…, one key), the receiver on one and the senders on another when `cross`;
// with `cluster`, over a six-node Redis Cluster (3 primaries, 3 replicas, --store
// redis-cluster://…) and --redis-wait `wait`.
struct RedisSetup {
    int frontEnds = 0;  // 0: the SQLite relay
    bool cross = false;
    QString appendfsync = QStringLiteral("always");
    bool cluster = false;
    int wait = 0;
};

class RelaydUnderTest {
public:
    explicit RelaydUnderTest(QString binDir, RedisSetup redis = {})
        : binDir_(std::move(binDir)), redis_(std::move(redis)) {}
    ~RelaydUnderTest();

    // Starts (or restarts, on the same port and data folder); waits for its ready line.
    void start();
    void kill() { killChild(process_); }
    void stop() { stopChild(process_); }
    // The receiver's front-end.
    [[nodiscard]] const transport::RelayEndpoint& endpoint() const { return endpoint_; }
    // Where sender connection `i` goes: the receiver's front-end, or with `cross` the others
    // in turn.
    [[nodiscard]] const transport::RelayEndpoint& senderEndpoint(std::size_t i) const {
        return senders_.empty() ? endpoint_ : senders_[i % senders_.size()];
    }

    // Cluster setups: SIGKILLs the primary holding the account of `phone`; false if none does.
    bool killPrimaryOf(const QString& phone);
    // Cluster setups: true once every running node says cluster_state:ok again (at most `ms`).
    bool waitForClusterOk(int ms);

    // network.json for a profile of this relay; returns its path.
    QString writeNetworkJson() const;

private:
    transport::RelayEndpoint startRelay(std::unique_ptr<QProcess>& process, const QString& data,
                                        QStringList extra);
    void startRedis();
    void startFrontEnds(const QStringList& store);

    QString binDir_;
    RedisSetup redis_;
    QTemporaryDir dir_;
    std::unique_ptr<QProcess> process_;
    transport::RelayEndpoint endpoint_;
    std::unique_ptr<QProcess> redisProcess_;
    std::unique_ptr<BenchRedisCluster> cluster_;
    std::vector<std::unique_ptr<QProcess>> frontEnds_;
    std::vector<transport::RelayEndpoint> senders_;
};

// The relay hop one message at a time, for a run that interleaves it with other work (the
// end-to-end run): its own receiver and sender on this thread; once() sends one and waits for
// it (at most 2 s).
class OneAtATimeHop {
public:
    OneAtATimeHop(RelaydUnderTest& relay, int messages, int payloadBytes);
    ~OneAtATimeHop();
    OneAtATimeHop(const OneAtATimeHop&) = delete;
    OneAtATimeHop& operator=(const OneAtATimeHop&) = delete;
    // Its one-way latency in ns; nullopt if it did not arrive.
    std::optional<std::int64_t> once();

private:
    struct Clients;
    std::unique_ptr<Clients> clients_;
};

// N messages, W in flight over several sender connections, each accepted and delivered.
Result relayThroughput(const Options& o, RelaydUnderTest& relay, int run);
// One-way latency at a steady rate, the sender on a thread of its own.
Result relayLatency(const Options& o, RelaydUnderTest& relay, int run);
// The receiver offline, N accepted, the relay SIGKILLed and restarted: what then arrives.
Result relayDurability(const Options& o, RelaydUnderTest& relay);
// Cluster setups: the receiver offline, senders sending; halfway, the receiver's primary is
// SIGKILLed (its replica takes over). Of the sends accepted, what the receiver then gets
// (`lost`: accepted, never delivered); `throughput` holds how many were accepted.
Result relayFailover(const Options& o, RelaydUnderTest& relay, int run);

}  // namespace tandem::bench
