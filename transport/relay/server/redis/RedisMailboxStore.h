// RedisMailboxStore: mailboxes in Redis, shared by any number of front-ends (MailboxStore.h).
//
// A device's queue is a sorted set (score: the message id; member: id, server time, expiry in
// hex, then the envelope) with its count and bytes beside it. One Lua script per send checks
// the quota, takes the next id of the account (INCR), appends, and PUBLISHes the member on the
// account's channel — atomically, so a front-end that reads the queue after subscribing sees
// every message either in the queue or on the channel, never neither. Acknowledgements remove
// by id (a script too: the counters follow). Batches are pipelined on a thread of their own
// (one round trip; with appendfsync always Redis fsyncs once per batch before it answers), so
// `accepted` still means durable and the event loop never waits for Redis' disk.
//
// Each front-end subscribes to the channels of the accounts signed in to it (RedisSubscriber):
// watch() subscribes, and watching() follows once Redis confirmed — then RelayMailbox reads the
// queue once and pushes what arrives. claim() counts an account's connections (INCR) and
// publishes the new generation: older connections end wherever they are.
#pragma once

#include <map>
#include <memory>
#include <set>

#include <QThread>

#include "transport/relay/server/MailboxStore.h"
#include "transport/relay/server/RelayLimits.h"
#include "transport/relay/server/redis/RedisAccountStore.h"
#include "transport/relay/server/redis/RedisClient.h"
#include "transport/relay/server/redis/RedisSubscriber.h"

namespace tandem::relay {

class RedisMailboxStore final : public MailboxStore {
    Q_OBJECT
public:
    // `waitReplicas`: Redis replicas that must acknowledge (WAIT) a batch of sends before it is
    // committed (`accepted`); 0: the primary's AOF alone.
    RedisMailboxStore(RedisClient& redis, RedisAccountStore& accounts, const RelayLimits& limits,
                      int waitReplicas = 0);
    static constexpr std::chrono::milliseconds kWaitTimeout{1000};
    ~RedisMailboxStore() override;

    bool start(QString* error) override;
    [[nodiscard]] bool assignsIds() const override { return true; }
    void submit(std::vector<NewEnvelope> sends, Acks acks) override;
    [[nodiscard]] bool busy() const override { return busy_; }
    void storeAtStop(const std::vector<NewEnvelope>& sends, const Acks& acks) override;
    std::optional<std::vector<StoredEnvelope>> queued(std::int64_t account, std::int64_t afterId,
                                                      int limit, qint64 maxBytes) override;
    std::map<std::int64_t, QueueSize> queueCounts() override { return {}; }
    void purge(std::int64_t now) override;
    bool watch(std::int64_t account) override;
    void unwatch(std::int64_t account) override;
    std::int64_t claim(std::int64_t account) override;
    bool publishPreKeysLow(std::int64_t account, std::uint32_t left) override;

private:
    // What became of a send's recipient while the batch was built.
    enum class Recipient { Found, Gone, Failed };
    // The commands of a batch (EVALSHA of the send and ack scripts), built on the event loop.
    // `resolved`: per send; Failed (Redis did not answer) fails that send (UNAVAILABLE, sent
    // again), Gone (no such account) refuses it. `sentAcks`: the acknowledgements that have a
    // command, in order (one whose account could not be read is kept for the next batch).
    std::vector<RedisCommand> batchCommands(const std::vector<NewEnvelope>& sends, const Acks& acks,
                                            std::vector<Recipient>* resolved,
                                            Acks* sentAcks = nullptr);
    // An acknowledgement Redis did not take: sent with the next batch (at most kMaxRetryAcks).
    void keepAck(const std::pair<std::int64_t, std::int64_t>& ack);
    static constexpr std::size_t kMaxRetryAcks = 100000;
    Acks retryAcks_;  // on the event loop
    void onSubscribed(const QByteArray& channel);
    void onMessage(const QByteArray& channel, const QByteArray& payload);

    RedisClient& redis_;  // the event loop's connection (reads, claims)
    RedisAccountStore& accounts_;
    const RelayLimits& limits_;
    const QByteArray send_;   // kSend, with SPUBLISH in a cluster
    const QByteArray claim_;  // kClaim, the same
    RedisSubscriber subscriber_;
    std::unique_ptr<RedisClient> writerRedis_;  // used only on thread_
    QThread thread_;
    QObject* worker_ = nullptr;  // lives on thread_
    bool busy_ = false;
    std::size_t inFlight_ = 0;                    // sends of the batch being committed
    std::map<QByteArray, std::int64_t> watched_;  // channel → account
    std::set<std::int64_t> watchRetry_;           // watch() could not read the account: tried again
};

}  // namespace tandem::relay
