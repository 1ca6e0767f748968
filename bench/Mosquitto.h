// relay_bench's reference: mosquitto (Debian's MQTT broker, /usr/sbin/mosquitto) with
// persistence on, as a child process on 127.0.0.1, and the runs that measure it with
// libmosquitto clients (QoS 1), as the relay's runs measure tandem-relayd.
#pragma once

#include <memory>

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include "bench/RelayBench.h"

namespace tandem::bench {

class Mosquitto {
public:
    Mosquitto();  // writes its configuration, on a free port
    ~Mosquitto() { stopChild(process_); }

    // Starts (or restarts, on the same port and persistence folder); waits for the port.
    void start();
    void kill() { killChild(process_); }
    void stop() { stopChild(process_); }
    [[nodiscard]] int port() const { return port_; }

private:
    QTemporaryDir dir_;
    QString conf_;
    quint16 port_ = 0;
    std::unique_ptr<QProcess> process_;
};

// N messages, W in flight, each PUBACKed and delivered to the subscriber.
Result mosquittoThroughput(const Options& o, Mosquitto& broker, int run);
// One-way latency at a steady rate.
Result mosquittoLatency(const Options& o, Mosquitto& broker, int run);
// The subscriber offline, N PUBACKed, the broker SIGKILLed and restarted: what then arrives.
Result mosquittoDurability(const Options& o, Mosquitto& broker);

}  // namespace tandem::bench
