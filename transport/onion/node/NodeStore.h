// NodeStore: a service node's swarm storage. Messages are opaque ciphertext addressed to a
// Session ID; the node keeps them until their TTL ends or the owner deletes them.
//
// - Dedupe by message hash: BLAKE2b-256 over the recipient and the bytes, so the same message
//   stored twice (a client's retry, or the same message replicated from two swarm members)
//   is kept once and keeps its first arrival time.
// - A message its owner deleted leaves its hash behind (table `deleted`) until it would have
//   expired: storing it again (a late replica, a sender's retry) is answered Deleted and
//   stores nothing, so a deleted message cannot come back.
// - TTL: what the sender asks, at most kMaxTtlMs (14 days, Session's default), which is also
//   the default, and at least kMinTtlMs (a disappearing message asks for what is left of its
//   timer, down to a second); expired messages are never returned and purgeExpired() removes
//   them.
// - Retrieval in arrival order after the last hash the owner has seen, as Session does;
//   `seq` is the node's own order, not shared between nodes.
// - Persisted in DIR/node.db (plain SQLite through the storage engine: it holds only what was
//   already end-to-end encrypted). A commit returns once its WAL frames are written (it
//   survives a kill of the process); whenDurable() runs a callback once it is also fsynced,
//   by a thread (WalSyncer) that syncs for several commits at once: what a node confirms is
//   confirmed from there, so it survives a power cut, and the event loop never waits on the
//   disk.
// - Blobs (the onion file store, Blob.h): ciphertext by its BLAKE2b-256, checked on store,
//   kBlobTtlMs from the latest upload, maxBlobBytesTotal for all of them.
// - Signed records: their table (daemon::RecordTable) is created here, kept by SwarmRecords.
// Every limit is explicit (NodeStoreLimits) and refused with a clear error.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <QByteArray>
#include <QString>

#include <tandem/common/Expected.h>

#include "storage/Database.h"

namespace tandem::transport::onion {

class WalSyncer;

struct NodeStoreLimits {
    static constexpr std::int64_t kMaxTtlMs = 14LL * 24 * 3600 * 1000;
    static constexpr std::int64_t kMinTtlMs = 1000;
    qsizetype maxMessageBytes = 76 * 1024;  // Session's limit for one stored message
    std::int64_t maxPerRecipient = 10'000;  // oldest are not evicted: new ones are refused
    // Bytes, as well as messages: one Session ID's messages here, and all messages together
    // (each charged its bytes and kMessageRowCharge, so tiny ones count too). Past either a
    // new message is refused as Full, with a reason; what owners delete or what expires makes
    // room. Anyone can make up Session IDs in this swarm, so only the total bounds the disk.
    std::int64_t maxBytesPerRecipient = 64LL * 1024 * 1024;
    std::int64_t maxMessageBytesTotal = 4LL * 1024 * 1024 * 1024;
    static constexpr std::int64_t kMessageRowCharge = 256;
    int maxRetrieve = 256;  // messages per retrieve answer
    // …and their bytes (at least one message): an answer must fit one onion reply
    // (crypto::kMaxOnionBytes, 1 MiB, less every hop's sealing), so any backlog drains.
    qsizetype maxRetrieveBytes = 768 * 1024;
    std::int64_t maxBlobBytesTotal = 2LL * 1024 * 1024 * 1024;  // the file store, all blobs
    // What a blob is charged against that total at least: a row costs its id, times and
    // index entries whatever its size, so tiny blobs cannot fill the disk past the quota.
    static constexpr std::int64_t kMinBlobCharge = 4096;
    // Signed records (SwarmRecords, daemon/RecordTable.h), all of them: payloads and
    // RecordTable::kRowCharge each.
    std::int64_t maxRecordBytesTotal = 512LL * 1024 * 1024;
};

struct StoredMessage {
    QByteArray hash;  // 32 bytes
    QByteArray data;
    std::int64_t storedAt = 0;
    std::int64_t expiresAt = 0;
};

// Deleted: the owner deleted this message here before; nothing is stored.
enum class StoreOutcome { Stored, Duplicate, Deleted };

// Why a message was not stored: a quota (the recipient's, or the node's) is full — retry
// later, after the owner fetched and deleted, or something expired — or anything else.
struct StoreRefusal {
    bool full = false;
    QString reason;
};

class NodeStore {
public:
    // `sync` replaces the WAL's fdatasync (WalSyncer::SyncFunction; tests only).
    static Expected<std::unique_ptr<NodeStore>, QString> open(
        const QString& dir, NodeStoreLimits limits = {}, std::function<bool()> sync = {});
    ~NodeStore();

    static QByteArray hashOf(const QString& recipient, const QByteArray& data);

    // ttlMs 0: the default. Errors name the limit that refused the message. `beforeCommit`
    // (a new message only) runs once every check has passed and the row is written, just
    // before the commit: the swarm service hands it to waiting long-polls from memory and
    // sends the other members their copies (what the sender is told stored is still
    // committed, and synced, first).
    Expected<std::pair<StoreOutcome, StoredMessage>, StoreRefusal> store(
        const QString& recipient, const QByteArray& data, std::int64_t ttlMs, std::int64_t now,
        const std::function<void(const StoredMessage&)>& beforeCommit = {});
    // Unexpired messages for `recipient` stored after the one with `afterHash` (all of them
    // when it is empty or unknown here), oldest first, at most `limit` (≤ maxRetrieve).
    Expected<std::vector<StoredMessage>, QString> retrieve(const QString& recipient,
                                                           const QByteArray& afterHash, int limit,
                                                           std::int64_t now);
    // Deletes the recipient's messages with these hashes; returns how many there were.
    Expected<int, QString> remove(const QString& recipient, const std::vector<QByteArray>& hashes);
    // Removes expired messages, deletion marks and blobs; returns the messages removed.
    int purgeExpired(std::int64_t now);

    // The onion file store (Blob.h): a blob whose id is not the hash of its bytes, larger
    // than kMaxBlobBytes, or over maxBlobBytesTotal is refused. Stored again, it is kept once
    // and lives until the later expiry. Returns the expiry (at most now + kBlobTtlMs).
    Expected<std::pair<StoreOutcome, std::int64_t>, QString> storeBlob(const QByteArray& id,
                                                                       const QByteArray& data,
                                                                       std::int64_t expiresAt,
                                                                       std::int64_t now);
    // The blob's bytes, or nullopt if it is not here (or expired).
    Expected<std::optional<QByteArray>, QString> blob(const QByteArray& id, std::int64_t now);
    Expected<std::int64_t, QString> count(const QString& recipient, std::int64_t now);
    // What all messages here are charged (bytes + kMessageRowCharge each), counted once and
    // then kept.
    Expected<std::int64_t, QString> messageCharge();

    // `done` runs on this store's thread once every commit made so far is on the disk
    // (false: a sync failed and it is not known to be). Every write a node confirms — a
    // store, a replica, a delete, a blob, a record — is answered from there. After a failed
    // sync the store refuses every write (store, remove, storeBlob) until the node restarts
    // (WalSyncer.h). A store destroyed with answers still waiting drops them: their writers
    // hear nothing and retry (a retry is deduped).
    void whenDurable(std::function<void(bool durable)> done);
    // Whether a sync failed (then nothing is written any more).
    [[nodiscard]] bool diskFailed() const;
    // The fsyncs the store's commits took so far, and the commits they covered.
    [[nodiscard]] std::pair<std::int64_t, std::int64_t> syncCounts() const;
    // The checkpoints WalSyncer ran so far.
    [[nodiscard]] std::int64_t checkpointCount() const;

    [[nodiscard]] const NodeStoreLimits& limits() const { return limits_; }
    // New quotas (a reload): they apply to the next store; what is kept already stays.
    void setLimits(const NodeStoreLimits& limits) { limits_ = limits; }
    // The connection SwarmRecords keeps its table on (the node's thread only).
    [[nodiscard]] storage::Database& database() { return *db_; }

private:
    NodeStore(std::unique_ptr<storage::Database> db, std::unique_ptr<WalSyncer> syncer,
              NodeStoreLimits limits);
    std::unique_ptr<storage::Database> db_;
    std::unique_ptr<WalSyncer> syncer_;
    NodeStoreLimits limits_;
    // The file store's charged total, counted once and then kept (recounted after a purge).
    std::optional<std::int64_t> blobCharge_;
    std::optional<std::int64_t> messageCharge_;  // the same for messages
};

}  // namespace tandem::transport::onion
