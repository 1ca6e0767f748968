// ConnectionGate: who may connect to a daemon (tandem-relayd, tandem-node). At most
// `maxConnections` at once, and at most `maxPerAddress` from one IP address, so one host cannot
// take every slot (a flood of connections, of half-open handshakes). Both daemons admit every
// socket through it; a channel released (closed) frees its slot.
#pragma once

#include <map>

#include <QHostAddress>
#include <QString>

namespace tandem::daemon {

class ConnectionGate {
public:
    struct Limits {
        int maxConnections = 2000;
        // tandem-localnet runs every client on 127.0.0.1: the default leaves room for a
        // demo's and a test's worth, and still stops one host from taking every slot.
        int maxPerAddress = 256;
    };

    explicit ConnectionGate(Limits limits) : limits_(limits) {}

    // Takes a slot for a connection from `peer`; false (and nothing taken) when full.
    bool admit(const QHostAddress& peer);
    // Gives back the slot admit() took for `peer`.
    void release(const QHostAddress& peer);

    [[nodiscard]] int connections() const { return total_; }
    [[nodiscard]] int from(const QHostAddress& peer) const;
    [[nodiscard]] const Limits& limits() const { return limits_; }
    // New limits (a reload): they apply to the next admit(); connections already admitted
    // stay, even over a lowered limit.
    void setLimits(Limits limits) { limits_ = limits; }

private:
    static QString keyOf(const QHostAddress& peer);

    Limits limits_;
    int total_ = 0;
    std::map<QString, int> perAddress_;
};

}  // namespace tandem::daemon
