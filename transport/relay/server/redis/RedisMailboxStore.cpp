#include "transport/relay/server/redis/RedisMailboxStore.h"

#include <algorithm>

#include <QDateTime>
#include <QTimer>

#include "transport/Transport.h"
#include "transport/relay/server/redis/RedisKeys.h"

namespace tandem::relay {

namespace keys = rediskeys;

namespace {

// A member: 16 hex digits each of the id, the server time and the expiry, then the envelope.
constexpr int kHeader = 48;
constexpr int kWatchRetryMs = 1000;

// KEYS: queue, size, sequence (all of the recipient's slot). ARGV: server time and expiry (32
// hex digits) and the envelope; its size; the quota (count, bytes); the channel. Returns the
// id, or 0 when the quota is full. In a cluster PUBLISH is
// SPUBLISH (sharded pub/sub: heard on the slot's shard only). The channel has the account's
// hash tag (the slot of the keys) but is an argument, not a key: a key that does not exist (a
// channel never does) makes Redis refuse a script with TRYAGAIN while its slot is being
// migrated, even after every key moved.
//
// Ids never roll back: an id is at least the primary's clock in ms × 1024 (kIdsPerMs), and
// above the last one. A failover may lose the last sends and the sequence's last INCRs (the
// replica lags), but the promoted replica's clock has moved on by the failover's duration
// (at least cluster-node-timeout), so its next id is above every id the dead primary gave —
// provided the two machines' clocks differ by less than that and the dead primary did not
// run more than 1024 sends a ms ahead of its clock. An id is thus never given to two
// envelopes, and an acknowledgement by id deletes the envelope it names. The script
// publishes, even with --redis-wait (before WAIT): publishing after WAIT, from each
// front-end's writer, would let two front-ends' sends to one account be heard out of id
// order, and a pushed id above a later-heard one makes the later one skipped (lastSentId).
// A push whose write a failover then loses is harmless: its sender never heard `accepted`
// and sends again under a new, greater id; the client drops the copy by its uid. (Lua numbers are
// doubles: ms × 1024 ≈ 1.8e15 < 2^53, exact; formatted with %.0f, never %g.)
constexpr char kSend[] = R"lua(
local n = tonumber(redis.call('HGET', KEYS[2], 'n') or '0')
local b = tonumber(redis.call('HGET', KEYS[2], 'b') or '0')
local size = tonumber(ARGV[2])
if n >= tonumber(ARGV[3]) or b + size > tonumber(ARGV[4]) then return 0 end
local t = redis.call('TIME')
local floor = (tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)) * 1024
local id = redis.call('INCR', KEYS[3])
if id < floor then
  id = floor
  redis.call('SET', KEYS[3], string.format('%.0f', id))
end
local member = string.format('%016x', id) .. ARGV[1]
redis.call('ZADD', KEYS[1], string.format('%.0f', id), member)
redis.call('HINCRBY', KEYS[2], 'n', 1)
redis.call('HINCRBY', KEYS[2], 'b', size)
redis.call('PUBLISH', ARGV[5], 'm' .. member)
return id
)lua";

// KEYS: queue, size. ARGV: the id. Returns 1 when it was there.
constexpr char kAck[] = R"lua(
local m = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1])
if #m == 0 then return 0 end
redis.call('ZREMRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1])
redis.call('HINCRBY', KEYS[2], 'n', -1)
redis.call('HINCRBY', KEYS[2], 'b', -(#m[1] - 48))
return 1
)lua";

// KEYS: queue, size. ARGV: now (ms). Removes what expired; returns how many.
constexpr char kPurge[] = R"lua(
local now = tonumber(ARGV[1])
local gone = 0
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if tonumber(string.sub(m, 33, 48), 16) <= now then
    redis.call('ZREM', KEYS[1], m)
    redis.call('HINCRBY', KEYS[2], 'n', -1)
    redis.call('HINCRBY', KEYS[2], 'b', -(#m - 48))
    gone = gone + 1
  end
end
return gone
)lua";

// KEYS: generation. ARGV: the channel (as in kSend; PUBLISH: SPUBLISH in a cluster). A new
// connection of the account: its generation, published.
constexpr char kClaim[] = R"lua(
local g = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', ARGV[1], 'd' .. g)
return g
)lua";

// The script for this mode: sharded pub/sub in a cluster (one shard hears a channel, not all).
QByteArray forMode(const char* script, bool cluster) {
    QByteArray s(script);
    return cluster ? s.replace("'PUBLISH'", "'SPUBLISH'") : s;
}

QByteArray hex16(std::int64_t v) {
    return QByteArray::number(static_cast<qulonglong>(v), 16).rightJustified(16, '0');
}

std::optional<std::pair<StoredEnvelope, std::int64_t>> parseMember(const QByteArray& m) {
    if (m.size() <= kHeader) {
        return std::nullopt;
    }
    bool a = false;
    bool b = false;
    bool c = false;
    StoredEnvelope e;
    e.id = m.left(16).toLongLong(&a, 16);
    e.serverTime = m.mid(16, 16).toLongLong(&b, 16);
    const std::int64_t expiresAt = m.mid(32, 16).toLongLong(&c, 16);
    if (!a || !b || !c) {
        return std::nullopt;
    }
    e.envelope = m.mid(kHeader);
    return std::make_pair(std::move(e), expiresAt);
}

}  // namespace

RedisMailboxStore::RedisMailboxStore(RedisClient& redis, RedisAccountStore& accounts,
                                     const RelayLimits& limits, int waitReplicas)
    : redis_(redis),
      accounts_(accounts),
      limits_(limits),
      send_(forMode(kSend, redis.isCluster())),
      claim_(forMode(kClaim, redis.isCluster())),
      subscriber_(redis.servers(), redis.isCluster()),
      writerRedis_(std::make_unique<RedisClient>(redis.servers(), false, std::chrono::seconds(5),
                                                 false, redis.isCluster())) {
    writerRedis_->setWait(waitReplicas, kWaitTimeout);
    for (const QByteArray& script : {send_, QByteArray(kAck), QByteArray(kPurge)}) {
        writerRedis_->preload(script);
    }
    redis_.preload(claim_);
    redis_.preload(send_);
    redis_.preload(kAck);
    connect(&subscriber_, &RedisSubscriber::subscribed, this, &RedisMailboxStore::onSubscribed);
    connect(&subscriber_, &RedisSubscriber::message, this, &RedisMailboxStore::onMessage);
}

RedisMailboxStore::~RedisMailboxStore() {
    thread_.quit();  // after the batch it is committing, if any
    thread_.wait();
}

bool RedisMailboxStore::start(QString* error) {
    if (!redis_.connect()) {
        *error = redis_.lastError();
        return false;
    }
    if (!subscriber_.start(error)) {
        return false;
    }
    thread_.setObjectName(QStringLiteral("relay-redis-writer"));
    worker_ = new QObject;
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    thread_.start();
    return true;
}

std::vector<RedisCommand> RedisMailboxStore::batchCommands(const std::vector<NewEnvelope>& sends,
                                                           const Acks& acks,
                                                           std::vector<Recipient>* resolved,
                                                           Acks* sentAcks) {
    std::vector<RedisCommand> commands;
    for (const NewEnvelope& e : sends) {
        const auto aci = accounts_.aciOf(e.account);
        resolved->push_back(aci                  ? Recipient::Found
                            : accounts_.failed() ? Recipient::Failed
                                                 : Recipient::Gone);
        if (!aci) {
            continue;
        }
        const QByteArray tail = hex16(e.serverTime) + hex16(e.expiresAt) + e.envelope;
        commands.push_back(RedisClient::evalCommand(
            send_, {keys::queue(*aci), keys::queueSize(*aci), keys::sequence(*aci)},
            {tail, QByteArray::number(e.envelope.size()),
             QByteArray::number(limits_.maxQueuedPerAccount),
             QByteArray::number(limits_.maxQueuedBytesPerAccount), keys::channel(*aci)}));
    }
    for (const auto& ack : acks) {
        if (const auto aci = accounts_.aciOf(ack.first)) {
            commands.push_back(RedisClient::evalCommand(kAck,
                                                        {keys::queue(*aci), keys::queueSize(*aci)},
                                                        {QByteArray::number(ack.second)}));
            if (sentAcks != nullptr) {
                sentAcks->push_back(ack);
            }
        } else if (accounts_.failed()) {
            keepAck(ack);  // the account could not be read: acknowledged in a later batch
        }
    }
    return commands;
}

void RedisMailboxStore::keepAck(const std::pair<std::int64_t, std::int64_t>& ack) {
    if (retryAcks_.size() >= kMaxRetryAcks) {
        // Bounded: a dropped acknowledgement is delivered again at the next sign-in, and the
        // client drops the copy by its message uid.
        qCWarning(lcRelay) << "too many acknowledgements waiting for Redis: one dropped";
        return;
    }
    retryAcks_.push_back(ack);
}

void RedisMailboxStore::submit(std::vector<NewEnvelope> sends, Acks acks) {
    busy_ = true;
    inFlight_ = sends.size();
    // Acknowledgements a shard did not take last time go again (the script is idempotent).
    acks.insert(acks.end(), retryAcks_.begin(), retryAcks_.end());
    retryAcks_.clear();
    std::vector<Recipient> resolved;
    Acks sentAcks;
    auto commands = batchCommands(sends, acks, &resolved, &sentAcks);
    // Each send is judged by its own outcome: a recipient that could not be read (Redis did
    // not answer for its shard) fails that send alone (UNAVAILABLE: sent again), a reply that
    // is an error fails its send alone, an acknowledgement that failed is kept for the next
    // batch. One shard out of reach never fails the sends to the others, nor the front-end.
    QMetaObject::invokeMethod(
        worker_,
        [this, commands = std::move(commands), resolved = std::move(resolved),
         sentAcks = std::move(sentAcks)] {
            const auto replies = writerRedis_->pipeline(commands);
            // An empty batch probes whether Redis answers again (RelayMailbox's retry).
            const bool ok = !commands.empty() || writerRedis_->connect();
            std::vector<std::int64_t> ids;
            std::size_t next = 0;
            int failures = 0;
            for (const Recipient found : resolved) {
                if (found == Recipient::Gone) {
                    ids.push_back(kFull);  // the account is gone: nothing to store it for
                    continue;
                }
                if (found == Recipient::Failed) {
                    ids.push_back(kFailed);
                    ++failures;
                    continue;
                }
                const RedisReply& r = replies[next++];
                if (r.type != RedisReply::Type::Integer) {
                    ids.push_back(kFailed);
                    ++failures;
                    continue;
                }
                ids.push_back(r.integer == 0 ? kFull : r.integer);
            }
            Acks failedAcks;
            for (std::size_t a = 0; next < replies.size(); ++next, ++a) {
                if (replies[next].type != RedisReply::Type::Integer && a < sentAcks.size()) {
                    failedAcks.push_back(sentAcks[a]);
                }
            }
            if (failures > 0 || !failedAcks.empty() || !ok) {
                qCWarning(lcRelay)
                    << "Redis mailbox batch:" << failures << "send(s) and" << failedAcks.size()
                    << "acknowledgement(s) failed:" << writerRedis_->lastError();
            }
            QMetaObject::invokeMethod(
                this,
                [this, ok, ids = std::move(ids), failedAcks = std::move(failedAcks)] {
                    for (const auto& ack : failedAcks) {
                        keepAck(ack);
                    }
                    busy_ = false;
                    inFlight_ = 0;
                    emit committed(ok, ids, {});
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void RedisMailboxStore::storeAtStop(const std::vector<NewEnvelope>& sends, const Acks& acks) {
    thread_.quit();
    thread_.wait();
    // The batch in flight (the first sends) may or may not be stored: its senders never heard
    // `accepted` and send it again. What was never submitted is stored now; acknowledgements
    // are idempotent.
    const std::vector<NewEnvelope> rest(
        sends.begin() + static_cast<std::ptrdiff_t>(std::min(inFlight_, sends.size())),
        sends.end());
    Acks all = acks;  // with those a shard did not take before
    all.insert(all.end(), retryAcks_.begin(), retryAcks_.end());
    retryAcks_.clear();
    std::vector<Recipient> resolved;
    const auto commands = batchCommands(rest, all, &resolved);
    if (!commands.empty()) {
        (void)redis_.pipeline(commands);
    }
}

std::optional<std::vector<StoredEnvelope>> RedisMailboxStore::queued(std::int64_t account,
                                                                     std::int64_t afterId,
                                                                     int limit, qint64 maxBytes) {
    std::vector<StoredEnvelope> out;
    const auto aci = accounts_.aciOf(account);
    if (!aci) {
        if (accounts_.failed()) {
            return std::nullopt;  // not "empty": read again later
        }
        return out;
    }
    const std::int64_t now = QDateTime::currentMSecsSinceEpoch();
    qint64 bytes = 0;
    // A page of nothing but expired mail (not purged yet) is skipped, not taken for the end;
    // after kMaxPages of them the read is "not now" (purge() removes them), never "empty".
    constexpr int kMaxPages = 64;
    for (int pages = 0; out.empty(); ++pages) {
        if (pages == kMaxPages) {
            return std::nullopt;
        }
        const RedisReply r =
            redis_.command({"ZRANGEBYSCORE", keys::queue(*aci), "(" + QByteArray::number(afterId),
                            "+inf", "LIMIT", "0", QByteArray::number(limit)});
        if (r.type != RedisReply::Type::Array) {
            return std::nullopt;  // Redis failed: not an empty queue
        }
        for (const RedisReply& m : r.elements) {
            auto parsed = parseMember(m.string);
            if (!parsed) {
                continue;
            }
            afterId = parsed->first.id;
            if (parsed->second <= now) {
                continue;  // expired: purge() removes it
            }
            bytes += parsed->first.envelope.size();
            if (bytes > maxBytes && !out.empty()) {
                break;  // the next batch starts with it
            }
            out.push_back(std::move(parsed->first));
        }
        if (static_cast<int>(r.elements.size()) < limit) {
            break;  // the end of the queue
        }
    }
    return out;
}

void RedisMailboxStore::purge(std::int64_t now) {
    if (worker_ == nullptr) {
        return;
    }
    // On the writer's connection and thread: a SCAN over the queues, one script per queue.
    QMetaObject::invokeMethod(
        worker_,
        [this, now] {
            int count = 0;
            // SCAN each node that holds queues (each primary of a cluster); the scripts go
            // through the writer's connection, routed by key.
            for (const RedisAddress& node : writerRedis_->nodes()) {
                RedisClient scan({node}, false, std::chrono::seconds(5));
                QByteArray cursor = "0";
                do {
                    const RedisReply page =
                        scan.command({"SCAN", cursor, "MATCH", "mq:{*", "COUNT", "1000"});
                    if (page.type != RedisReply::Type::Array || page.elements.size() != 2) {
                        break;
                    }
                    cursor = page.elements[0].string;
                    std::vector<RedisCommand> commands;
                    for (const RedisReply& key : page.elements[1].elements) {
                        const QByteArray size = "mqs" + key.string.mid(2);
                        commands.push_back(RedisClient::evalCommand(kPurge, {key.string, size},
                                                                    {QByteArray::number(now)}));
                    }
                    for (const RedisReply& r : writerRedis_->pipeline(commands)) {
                        count += static_cast<int>(r.integer);
                    }
                } while (cursor != "0");
            }
            QMetaObject::invokeMethod(
                this, [this, count] { emit purged(count); }, Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

bool RedisMailboxStore::watch(std::int64_t account) {
    const auto aci = accounts_.aciOf(account);
    if (!aci && accounts_.failed()) {
        // Redis failed: tried again in a second while the account is watched; watching()
        // follows once it is (RelayMailbox reads the queue only then).
        if (watchRetry_.insert(account).second) {
            QTimer::singleShot(kWatchRetryMs, this, [this, account] {
                if (watchRetry_.erase(account) > 0 && watch(account)) {
                    emit watching(account);
                }
            });
        }
        return false;
    }
    if (!aci) {
        return true;  // no such account (any more): its queue reads empty
    }
    const QByteArray channel = keys::channel(*aci);
    watched_[channel] = account;
    if (subscriber_.isSubscribed(channel)) {
        return true;
    }
    subscriber_.subscribe(channel);
    return false;
}

void RedisMailboxStore::unwatch(std::int64_t account) {
    watchRetry_.erase(account);
    if (const auto aci = accounts_.aciOf(account)) {
        const QByteArray channel = keys::channel(*aci);
        watched_.erase(channel);
        subscriber_.unsubscribe(channel);
    }
}

std::int64_t RedisMailboxStore::claim(std::int64_t account) {
    const auto aci = accounts_.aciOf(account);
    if (!aci) {
        return 0;
    }
    const RedisReply r = redis_.eval(claim_, {keys::generation(*aci)}, {keys::channel(*aci)});
    return r.type == RedisReply::Type::Integer ? r.integer : 0;
}

bool RedisMailboxStore::publishPreKeysLow(std::int64_t account, std::uint32_t left) {
    const auto aci = accounts_.aciOf(account);
    return aci && redis_.command({redis_.isCluster() ? "SPUBLISH" : "PUBLISH", keys::channel(*aci),
                                  "k" + QByteArray::number(left)})
                          .type == RedisReply::Type::Integer;
}

void RedisMailboxStore::onSubscribed(const QByteArray& channel) {
    const auto it = watched_.find(channel);
    if (it == watched_.end()) {
        return;
    }
    const std::int64_t account = it->second;
    // A claim published before we listened: read it now, like the queue.
    if (const auto aci = accounts_.aciOf(account)) {
        const RedisReply g = redis_.command({"GET", keys::generation(*aci)});
        if (g.type == RedisReply::Type::String) {
            emit displaced(account, g.string.toLongLong());
        }
    }
    emit watching(account);
}

void RedisMailboxStore::onMessage(const QByteArray& channel, const QByteArray& payload) {
    const auto it = watched_.find(channel);
    if (it == watched_.end() || payload.isEmpty()) {
        return;
    }
    if (payload[0] == 'm') {
        if (auto parsed = parseMember(payload.mid(1))) {
            emit arrived(it->second, parsed->first);
        }
    } else if (payload[0] == 'd') {
        emit displaced(it->second, payload.mid(1).toLongLong());
    } else if (payload[0] == 'k') {
        emit preKeysLow(it->second, payload.mid(1).toUInt());
    }
}

}  // namespace tandem::relay
