// RedisCluster: the relay's connection to a Redis Cluster (tandem-relayd --store
// redis-cluster://SEED[,SEED…]), behind RedisClient's interface: RedisClient delegates to it in
// cluster mode, so the stores do not know which they talk to.
//
// The slot map comes from CLUSTER SLOTS of any reachable seed or known node; one RedisClient
// per primary. A pipeline is split by node (each command goes to the primary of its key's
// slot; a MULTI…EXEC block goes whole, by its first key), each node's part written together.
// Redirects: MOVED patches the map and sends the command again (it was not run); ASK sends
// ASKING and the command to the node named, once. A node that cannot be reached (nothing was
// written) or whose connection broke (a failover) makes the map be read again; then only
// what cannot have written is sent again — a command that was never written to a socket, or a
// batch of reads. A write whose reply was lost is an error: the relay answers UNAVAILABLE and
// the client sends the same bytes again (docs/relay.md, "Redis Cluster").
//
// `wait` replicas: after the writes of a batch, each node's part ends with WAIT N timeout;
// when fewer replicas acknowledged, every write of that part is an error (it may be lost by a
// failover), though Redis applied it.
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "transport/relay/server/redis/RedisClient.h"
#include "transport/relay/server/redis/RedisSlotMap.h"

namespace tandem::relay {

class RedisCluster {
public:
    RedisCluster(std::vector<RedisAddress> seeds, std::chrono::milliseconds timeout, bool backoff,
                 const std::vector<QByteArray>& scripts);
    ~RedisCluster();
    RedisCluster(const RedisCluster&) = delete;
    RedisCluster& operator=(const RedisCluster&) = delete;

    // Reads the slot map if there is none; false (and lastError()) when no node answers.
    bool connect();
    std::vector<RedisReply> pipeline(const std::vector<RedisCommand>& commands, bool retryReads,
                                     int waitReplicas, std::chrono::milliseconds waitTimeout);
    // Every primary of the current map (reads it first if needed).
    std::vector<RedisAddress> primaries();
    // Forgets the map: the next call reads it again.
    void refreshSoon() { stale_ = true; }
    [[nodiscard]] const QString& lastError() const { return lastError_; }
    void disconnect();

    static constexpr int kMaxRounds = 5;  // redirects and re-reads of the map per call

private:
    struct Unit;  // one command, or one MULTI…EXEC block
    bool refresh();
    RedisClient& node(const RedisAddress& address);
    void runOn(const RedisAddress& address, std::vector<Unit*>& units, bool retryReads,
               int waitReplicas, std::chrono::milliseconds waitTimeout,
               std::vector<RedisReply>& out, std::vector<Unit*>& again);

    std::vector<RedisAddress> seeds_;
    std::chrono::milliseconds timeout_;
    bool backoff_;
    const std::vector<QByteArray>& scripts_;  // the owning RedisClient's preloaded scripts
    RedisSlotMap map_;
    bool stale_ = true;
    std::chrono::milliseconds window_{0};                    // backoff after no node gave a map
    std::chrono::steady_clock::time_point retryAt_{};        // no map read before it
    std::map<QString, std::unique_ptr<RedisClient>> nodes_;  // by "host:port"
    QString lastError_;
};

}  // namespace tandem::relay
