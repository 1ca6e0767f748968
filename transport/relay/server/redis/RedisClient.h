// RedisClient: one blocking connection to a Redis server through hiredis (its synchronous
// context), for the relay's Redis store (tandem-relayd --store redis://…) — or, in cluster
// mode (--store redis-cluster://…), a RedisCluster behind the same calls: one connection per
// primary, each command routed by its key's slot. Commands are binary
// safe argument vectors; a batch is pipelined (written together, answered together: one round
// trip, and with appendfsync always one fsync for all of it). Every call is bounded by a
// timeout; a connection that failed is opened again by the next call.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include <QByteArray>
#include <QList>
#include <QString>

struct redisContext;

namespace tandem::relay {

class RedisCluster;

// One reply, flattened from hiredis' redisReply.
struct RedisReply {
    enum class Type { Error, Nil, Integer, String, Array, Status };
    Type type = Type::Nil;
    long long integer = 0;
    QByteArray string;  // a bulk string, a status, or an error's message
    std::vector<RedisReply> elements;

    [[nodiscard]] bool isError() const { return type == Type::Error; }
    [[nodiscard]] bool isNil() const { return type == Type::Nil; }
};

using RedisCommand = QList<QByteArray>;

// A Redis server address: redis://HOST:PORT[,HOST:PORT…] (the first that answers is used).
struct RedisAddress {
    QString host;
    int port = 0;
};
// What --store names: a server (redis://, the first address that answers) or a cluster
// (redis-cluster://, its seeds: any reachable one gives the slot map).
struct RedisEndpoints {
    std::vector<RedisAddress> servers;
    bool cluster = false;
};
// The store of a redis:// or redis-cluster:// option, or nullopt (with `error` set) when it is
// malformed.
std::optional<RedisEndpoints> parseRedisUrl(const QString& url, QString* error);

class RedisClient {
public:
    // `retry`: a batch whose connection turns out to be broken (Redis restarted, a failover)
    // is sent once more on a new one — only when every command in it is a read (isReadOnly()):
    // a write may have been applied before the connection broke, and INCR, ZPOPMIN, a claim
    // or a send's script applied twice is a duplicate. Such a write fails; its caller answers
    // UNAVAILABLE and the client asks again.
    //
    // `backoff`: after Redis failed (no server answered, or a command broke the connection),
    // calls fail at once — no connection tried — for a window of kMinBackoff, doubled at each
    // failure in a row up to kMaxBackoff, ended by an answer. So an unreachable or stopped
    // Redis costs the event loop one timeout per window, not one (or two) per call. Off for
    // a connection that paces its own attempts (the subscriber, the writer's thread).
    //
    // `cluster`: `servers` are a Redis Cluster's seeds (RedisCluster.h).
    explicit RedisClient(std::vector<RedisAddress> servers, bool retry = false,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5),
                         bool backoff = false, bool cluster = false);
    static constexpr std::chrono::milliseconds kMinBackoff{1000};
    static constexpr std::chrono::milliseconds kMaxBackoff{8000};
    ~RedisClient();
    RedisClient(const RedisClient&) = delete;
    RedisClient& operator=(const RedisClient&) = delete;

    // After every pipeline that writes, WAIT for `replicas` replicas' acknowledgement (at most
    // `timeout`); a write fewer replicas acknowledged is an error (it may be lost by a
    // failover). 0: no WAIT (durable by the AOF of one machine only).
    void setWait(int replicas, std::chrono::milliseconds timeout) {
        waitReplicas_ = replicas;
        waitTimeout_ = timeout;
    }
    [[nodiscard]] int waitReplicas() const { return waitReplicas_; }
    [[nodiscard]] std::chrono::milliseconds waitTimeout() const { return waitTimeout_; }
    [[nodiscard]] bool isCluster() const { return cluster_ != nullptr; }
    // The servers to SCAN to see every key: the cluster's primaries, or this server.
    std::vector<RedisAddress> nodes();

    // Connects if needed; false (and lastError()) when no server answers.
    bool connect();
    // One command; an Error reply when the connection failed (it is opened again next time).
    RedisReply command(const RedisCommand& args);
    // Several commands, written together; as many replies, in order (all Errors on failure).
    std::vector<RedisReply> pipeline(const std::vector<RedisCommand>& commands);
    // One attempt on one server (not in cluster mode); `broken`: the connection failed
    // (`timedOut`: Redis did not answer in time).
    std::vector<RedisReply> pipelineOnce(const std::vector<RedisCommand>& commands, bool* broken,
                                         bool* timedOut = nullptr);
    // Scripts loaded (SCRIPT LOAD) at every connect, so evalCommand() works in a pipeline,
    // after a server restart too.
    void preload(const QByteArray& script) { scripts_.push_back(script); }
    // EVALSHA of `script` (loaded on first use, and again after a server restart).
    RedisReply eval(const QByteArray& script, const RedisCommand& keys, const RedisCommand& args);
    static RedisCommand evalCommand(const QByteArray& script, const RedisCommand& keys,
                                    const RedisCommand& args);

    // A command that only reads (sent again safely on a new connection).
    static bool isReadOnly(const RedisCommand& command);

    [[nodiscard]] const QString& lastError() const { return lastError_; }
    [[nodiscard]] const std::vector<RedisAddress>& servers() const { return servers_; }
    // The connected server's socket (for a subscriber's notifier), -1 when not connected.
    [[nodiscard]] int fd() const;
    [[nodiscard]] redisContext* context() const { return context_; }
    void disconnect();

private:
    std::vector<RedisAddress> servers_;
    bool retry_;
    std::chrono::milliseconds timeout_;
    bool backoff_;
    std::chrono::milliseconds window_{0};              // the current backoff window
    std::chrono::steady_clock::time_point retryAt_{};  // no connection tried before it
    void failed();
    redisContext* context_ = nullptr;
    QString lastError_;
    std::vector<QByteArray> scripts_;
    int waitReplicas_ = 0;
    std::chrono::milliseconds waitTimeout_{1000};
    std::unique_ptr<RedisCluster> cluster_;  // cluster mode
};

// A reply read from hiredis' reader (RedisClient, RedisSubscriber).
RedisReply toRedisReply(const void* redisReplyPointer);
RedisReply redisError(const QString& message);

}  // namespace tandem::relay
