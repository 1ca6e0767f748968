// relay_bench's tandem-relayd: the daemon as a child process on 127.0.0.1, and the runs that
// measure it with relay clients (throughput, latency, durability across a SIGKILL).
#pragma once

#include <memory>

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include "bench/RelayBench.h"
#include "transport/relay/RelayConnection.h"

namespace tandem::bench {

class RelaydUnderTest {
public:
    explicit RelaydUnderTest(QString binDir) : binDir_(std::move(binDir)) {}
    ~RelaydUnderTest() { stopChild(process_); }

    // Starts (or restarts, on the same port and data folder); waits for its ready line.
    void start();
    void kill() { killChild(process_); }
    void stop() { stopChild(process_); }
    [[nodiscard]] const transport::RelayEndpoint& endpoint() const { return endpoint_; }

    // network.json for a profile of this relay; returns its path.
    QString writeNetworkJson() const;

private:
    QString binDir_;
    QTemporaryDir dir_;
    std::unique_ptr<QProcess> process_;
    transport::RelayEndpoint endpoint_;
};

// N messages, W in flight over several sender connections, each accepted and delivered.
Result relayThroughput(const Options& o, RelaydUnderTest& relay, int run);
// One-way latency at a steady rate, the sender on a thread of its own.
Result relayLatency(const Options& o, RelaydUnderTest& relay, int run);
// The receiver offline, N accepted, the relay SIGKILLed and restarted: what then arrives.
Result relayDurability(const Options& o, RelaydUnderTest& relay);

}  // namespace tandem::bench
