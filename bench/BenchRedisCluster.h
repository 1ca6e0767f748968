// relay_bench's Redis Cluster: six redis-server child processes on loopback (three primaries,
// three replicas: cluster-enabled, cluster-node-timeout 1500 ms, AOF with the bench's
// appendfsync) in folders under `dir`, joined by `redis-cli --cluster create`; a primary
// SIGKILLed on demand (relayFailover) and the failover waited for.
#pragma once

#include <memory>
#include <vector>

#include <QProcess>
#include <QString>

#include "bench/BenchSupport.h"

namespace tandem::bench {

class BenchRedisCluster {
public:
    BenchRedisCluster(QString dir, QString appendfsync)
        : dir_(std::move(dir)), appendfsync_(std::move(appendfsync)) {}
    ~BenchRedisCluster();
    BenchRedisCluster(const BenchRedisCluster&) = delete;
    BenchRedisCluster& operator=(const BenchRedisCluster&) = delete;

    // Six nodes, joined and healthy (qFatal otherwise); their seeds as redis-cluster://….
    QString start();
    // SIGKILLs the primary holding the account of `phone`; false if none does.
    bool killPrimaryOf(const QString& phone);
    // True once every running node says cluster_state:ok again (at most `ms`).
    bool waitUntilOk(int ms);

private:
    QString dir_;
    QString appendfsync_;
    std::vector<std::unique_ptr<QProcess>> nodes_;
};

}  // namespace tandem::bench
