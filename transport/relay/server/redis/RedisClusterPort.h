// RedisClusterPort: a loopback port for a Redis Cluster node started on this machine (by
// tandem-localnet --redis-cluster, relay_bench --redis-cluster, the tests). Redis refuses
// cluster mode on a port above 55535 ("Redis port number too high. Cluster communication
// port is 10,000 port numbers higher than your Redis port."), since the node also listens
// on port + 10000 (the cluster bus); bind(0) hands out ports up to 60999 on Linux, so most
// ephemeral ports are refused. pick() draws a random port in [kLowest, kHighest] whose
// port and bus port are both free now. Someone may still take it before redis-server
// binds: callers retry with a new pick when a node does not start.
#pragma once

#include <QRandomGenerator>
#include <QTcpServer>

namespace tandem::relay {

class RedisClusterPort {
public:
    static constexpr int kLowest = 20000;
    static constexpr int kHighest = 55535;  // Redis: port + 10000 must be a port
    static constexpr int kBusOffset = 10000;
    static constexpr int kAttempts = 200;

    // A port whose bus port is free too; 0 if none was found in kAttempts draws.
    static quint16 pick() {
        for (int i = 0; i < kAttempts; ++i) {
            const auto port =
                static_cast<quint16>(QRandomGenerator::global()->bounded(kLowest, kHighest + 1));
            QTcpServer client;
            QTcpServer bus;
            if (client.listen(QHostAddress::LocalHost, port) &&
                bus.listen(QHostAddress::LocalHost, static_cast<quint16>(port + kBusOffset))) {
                return port;
            }
        }
        return 0;
    }
    // Whether Redis accepts `port` for a cluster node.
    static bool usable(int port) { return port > 0 && port <= kHighest; }
};

}  // namespace tandem::relay
