// MailboxStore: the seam between RelayMailbox (the protocol: checks, quotas, replies, pushes)
// and where mailboxes are kept. Two implementations:
//  - SqliteMailboxStore (DIR/relay.db): one process. Ids are handed out before the commit
//    (nextMessageId), so RelayMailbox pushes an envelope to a connected recipient at once
//    and tells the sender `accepted` once the group commit (MailboxWriter) is durable.
//  - RedisMailboxStore (--store redis://…): any number of front-ends. A Lua script appends the
//    envelope to the recipient's queue, assigns its id and PUBLISHes it on the account's
//    channel in one step; the front-end holding the recipient pushes it from there
//    (arrived()), this front-end too. Each front-end watches the accounts signed in to it.
// Batches: submit() one at a time; committed() answers it on the event loop.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include <QByteArray>
#include <QObject>
#include <QString>

namespace tandem::relay {

// What an account's mailbox holds: envelopes and their bytes (both have quotas).
struct QueueSize {
    std::int64_t count = 0;
    std::int64_t bytes = 0;
};

struct NewEnvelope {
    std::int64_t id = 0;  // from nextMessageId(); 0 when the store assigns it
    std::int64_t account = 0;
    QByteArray envelope;
    std::int64_t serverTime = 0;
    std::int64_t expiresAt = 0;
};

struct StoredEnvelope {
    std::int64_t id = 0;
    QByteArray envelope;
    std::int64_t serverTime = 0;
};

class MailboxStore : public QObject {
    Q_OBJECT
public:
    using Acks = std::vector<std::pair<std::int64_t, std::int64_t>>;  // (account, message id)
    // The outcome of one submitted send: its id once stored; kFull when the store refused it
    // for the recipient's quota (checked atomically in the store: RedisMailboxStore).
    static constexpr std::int64_t kFull = -1;
    // Not stored, this send alone (its shard did not answer): UNAVAILABLE, the sender sends
    // again; the rest of the batch is judged by its own outcome.
    static constexpr std::int64_t kFailed = -2;

    ~MailboxStore() override = default;

    virtual bool start(QString* error) = 0;
    // True when ids come from the commit and the store publishes what it stored (arrived());
    // false when ids come from nextMessageId() before it and RelayMailbox pushes itself.
    [[nodiscard]] virtual bool assignsIds() const = 0;
    virtual std::optional<std::int64_t> nextMessageId() { return std::nullopt; }
    // One batch at a time: call again only after committed().
    virtual void submit(std::vector<NewEnvelope> sends, Acks acks) = 0;
    [[nodiscard]] virtual bool busy() const = 0;
    // At a clean stop: stores what was received and not committed (twice stores it once).
    virtual void storeAtStop(const std::vector<NewEnvelope>& sends, const Acks& acks) = 0;
    // At most `limit` envelopes and `maxBytes` of them (always at least one), oldest first,
    // after `afterId`; none whose time to live ended. nullopt when the store could not be
    // read (never taken for an empty queue: the caller reads again later).
    virtual std::optional<std::vector<StoredEnvelope>> queued(std::int64_t account,
                                                              std::int64_t afterId, int limit,
                                                              qint64 maxBytes) = 0;
    // Every mailbox's size, for a store whose quotas the front-end keeps (SQLite); empty for
    // one that keeps them itself.
    virtual std::map<std::int64_t, QueueSize> queueCounts() = 0;
    virtual void purge(std::int64_t now) = 0;

    // Fan-out (RedisMailboxStore; the SQLite store has one front-end and answers at once).
    // watch(): an account signed in here; true when its mail can be read now, otherwise
    // watching() follows (subscribed: then read, and nothing published meanwhile is missed).
    virtual bool watch(std::int64_t /*account*/) { return true; }
    virtual void unwatch(std::int64_t /*account*/) {}
    // A connection of `account` signs in: its generation. A newer one ends the older ones,
    // on any front-end (displaced()). 0: the store does not track connections.
    virtual std::int64_t claim(std::int64_t /*account*/) { return 0; }
    // Tells every front-end that `account` has `left` one-time prekeys (preKeysLow() on each);
    // false when there are no others (the caller tells its own connections).
    virtual bool publishPreKeysLow(std::int64_t /*account*/, std::uint32_t /*left*/) {
        return false;
    }

signals:
    // The batch is durable (ok) or was not stored; `ids`: per send (kFull: refused);
    // `deleted`: acknowledged envelopes actually deleted, per account.
    void committed(bool ok, const std::vector<std::int64_t>& ids,
                   const std::map<std::int64_t, QueueSize>& deleted);
    void purged(int count);
    // Stored for `account` (from any front-end), to push to its connections that caught up.
    void arrived(std::int64_t account, const StoredEnvelope& envelope);
    // `account`'s mail can be read now (again, after the subscription was restored).
    void watching(std::int64_t account);
    // Connections of `account` older than `generation` must end.
    void displaced(std::int64_t account, std::int64_t generation);
    // `account`'s one-time prekeys are running out (publishPreKeysLow(), from any front-end).
    void preKeysLow(std::int64_t account, std::uint32_t left);
};

}  // namespace tandem::relay
