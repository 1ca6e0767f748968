#include "transport/onion/node/NodeStore.h"

#include <algorithm>
#include <functional>
#include <sodium.h>

#include "transport/daemon/DaemonData.h"
#include "transport/daemon/RecordTable.h"
#include "transport/onion/Blob.h"
#include "transport/onion/node/WalSyncer.h"

namespace tandem::transport::onion {

using storage::Transaction;

namespace {

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  hash BLOB NOT NULL UNIQUE,
  recipient TEXT NOT NULL,
  data BLOB NOT NULL,
  stored_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_recipient ON messages(recipient, seq);
CREATE INDEX IF NOT EXISTS messages_by_expiry ON messages(expires_at);
CREATE TABLE IF NOT EXISTS deleted (
  hash BLOB PRIMARY KEY,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS deleted_by_expiry ON deleted(expires_at);
CREATE TABLE IF NOT EXISTS blobs (
  id BLOB PRIMARY KEY,
  data BLOB NOT NULL,
  size INTEGER NOT NULL,
  stored_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS blobs_by_expiry ON blobs(expires_at);
PRAGMA user_version = 4;
)sql";

// 1: messages. 2: + deleted (what the owner deleted, until it would have expired). 3: + blobs
// (the onion file store). 4: + records (daemon::RecordTable::kSchema, run first). Every
// statement is idempotent, so an older database is brought up to date by running them.
constexpr int kSchemaVersion = 4;

QString describe(const storage::StoreError& e) {
    return e.message;
}

}  // namespace

Expected<std::unique_ptr<NodeStore>, QString> NodeStore::open(const QString& dir,
                                                              NodeStoreLimits limits,
                                                              std::function<bool()> sync) {
    auto opened = daemon::openDatabase(dir, QStringLiteral("node.db"), kSchemaVersion,
                                       QStringLiteral("node database"));
    if (!opened) {
        return unexpected(opened.error());
    }
    auto& db = opened->db;
    if (auto r = db->exec(daemon::RecordTable::kSchema); !r) {
        return unexpected(r.error().message);
    }
    if (auto r = db->exec(kSchema); !r) {
        return unexpected(r.error().message);
    }
    // Commits write the WAL and return; WalSyncer fsyncs it off the event loop, and its
    // thread checkpoints. The loop's own autocheckpoint (two fsyncs on the loop) is the
    // fallback bound: 4 000 pages, 16 MiB of WAL.
    if (auto r = db->exec("PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 4000;");
        !r) {
        return unexpected(r.error().message);
    }
    auto syncer = std::make_unique<WalSyncer>(db->path(), std::move(sync));
    return std::unique_ptr<NodeStore>(new NodeStore(std::move(db), std::move(syncer), limits));
}

NodeStore::NodeStore(std::unique_ptr<storage::Database> db, std::unique_ptr<WalSyncer> syncer,
                     NodeStoreLimits limits)
    : db_(std::move(db)), syncer_(std::move(syncer)), limits_(limits) {}

NodeStore::~NodeStore() {
    syncer_.reset();  // a last sync; its checkpoint connection closes before ours, the last
    if (db_) {
        (void)db_->close();
    }
}

void NodeStore::whenDurable(std::function<void(bool)> done) {
    syncer_->whenDurable(std::move(done));
}

bool NodeStore::diskFailed() const {
    return syncer_->failed();
}

namespace {

QString diskFailedReason() {
    return QStringLiteral("this node could not write to its disk; it takes no writes until it "
                          "is restarted");
}

}  // namespace

std::int64_t NodeStore::checkpointCount() const {
    return syncer_->checkpoints();
}

std::pair<std::int64_t, std::int64_t> NodeStore::syncCounts() const {
    return {syncer_->syncs(), syncer_->commits()};
}

QByteArray NodeStore::hashOf(const QString& recipient, const QByteArray& data) {
    const QByteArray to = recipient.toUtf8();
    QByteArray out(crypto_generichash_BYTES, Qt::Uninitialized);
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, crypto_generichash_BYTES);
    const auto length = static_cast<unsigned char>(to.size());  // ids are 66 characters
    crypto_generichash_update(&state, &length, 1);
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(to.constData()),
                              static_cast<unsigned long long>(to.size()));
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(data.constData()),
                              static_cast<unsigned long long>(data.size()));
    crypto_generichash_final(&state, reinterpret_cast<unsigned char*>(out.data()),
                             crypto_generichash_BYTES);
    return out;
}

namespace {

Unexpected<StoreRefusal> refused(QString reason) {
    return unexpected(StoreRefusal{false, std::move(reason)});
}

Unexpected<StoreRefusal> full(QString reason) {
    return unexpected(StoreRefusal{true, std::move(reason)});
}

std::int64_t chargeOf(qsizetype bytes) {
    return static_cast<std::int64_t>(bytes) + NodeStoreLimits::kMessageRowCharge;
}

}  // namespace

Expected<std::int64_t, QString> NodeStore::messageCharge() {
    if (messageCharge_) {
        return *messageCharge_;
    }
    // length() of a blob reads its size, not its bytes.
    const auto total =
        db_->queryInt("SELECT coalesce(sum(length(data)), 0) + 256 * count(*) FROM messages");
    if (!total) {
        return unexpected(describe(total.error()));
    }
    static_assert(NodeStoreLimits::kMessageRowCharge == 256);
    messageCharge_ = *total;
    return *total;
}

Expected<std::pair<StoreOutcome, StoredMessage>, StoreRefusal> NodeStore::store(
    const QString& recipient, const QByteArray& data, std::int64_t ttlMs, std::int64_t now,
    const std::function<void(const StoredMessage&)>& beforeCommit) {
    if (diskFailed()) {
        return refused(diskFailedReason());
    }
    if (data.isEmpty() || data.size() > limits_.maxMessageBytes) {
        return refused(
            QStringLiteral("a stored message holds 1 to %1 bytes").arg(limits_.maxMessageBytes));
    }
    if (recipient.isEmpty() || recipient.size() > 255) {
        return refused(QStringLiteral("the recipient is not a valid id"));
    }
    if (ttlMs < 0 || (ttlMs != 0 && ttlMs < NodeStoreLimits::kMinTtlMs)) {
        return refused(
            QStringLiteral("a TTL is at least %1 s").arg(NodeStoreLimits::kMinTtlMs / 1000));
    }
    const std::int64_t ttl =
        ttlMs == 0 ? NodeStoreLimits::kMaxTtlMs : std::min(ttlMs, NodeStoreLimits::kMaxTtlMs);
    StoredMessage message{hashOf(recipient, data), data, now, now + ttl};
    auto tx = Transaction::begin(*db_);
    if (!tx) {
        return refused(describe(tx.error()));
    }
    auto existing = db_->prepare("SELECT stored_at, expires_at FROM messages WHERE hash = ?");
    if (!existing) {
        return refused(describe(existing.error()));
    }
    (*existing)->reset();
    (*existing)->bindAll(message.hash);
    auto found = (*existing)->step();
    if (!found) {
        return refused(describe(found.error()));
    }
    if (*found) {
        message.storedAt = (*existing)->int64(0);
        message.expiresAt = (*existing)->int64(1);
        (*existing)->reset();
        return std::pair{StoreOutcome::Duplicate, std::move(message)};
    }
    (*existing)->reset();
    // Deleted by its owner: a late replica or a sender's retry must not bring it back.
    auto tombstone =
        db_->prepare("SELECT expires_at FROM deleted WHERE hash = ? AND expires_at > ?");
    if (!tombstone) {
        return refused(describe(tombstone.error()));
    }
    (*tombstone)->reset();
    (*tombstone)->bindAll(message.hash, now);
    auto gone = (*tombstone)->step();
    if (!gone) {
        (*tombstone)->reset();
        return refused(describe(gone.error()));
    }
    if (*gone) {
        message.expiresAt = (*tombstone)->int64(0);
        (*tombstone)->reset();
        return std::pair{StoreOutcome::Deleted, std::move(message)};
    }
    (*tombstone)->reset();
    auto usage = db_->prepare(
        "SELECT count(*), coalesce(sum(length(data)), 0) FROM messages "
        "WHERE recipient = ? AND expires_at > ?");
    if (!usage) {
        return refused(describe(usage.error()));
    }
    (*usage)->reset();
    (*usage)->bindAll(recipient, now);
    const auto counted = (*usage)->step();
    if (!counted || !*counted) {
        (*usage)->reset();
        return refused(QStringLiteral("cannot count stored messages"));
    }
    const std::int64_t queued = (*usage)->int64(0);
    const std::int64_t queuedBytes = (*usage)->int64(1);
    (*usage)->reset();
    if (queued >= limits_.maxPerRecipient) {
        return full(QStringLiteral("the recipient's messages here are full (%1 messages); "
                                   "try again when they have fetched theirs")
                        .arg(limits_.maxPerRecipient));
    }
    if (queuedBytes + data.size() > limits_.maxBytesPerRecipient) {
        return full(QStringLiteral("the recipient's messages here are full (%1 MiB); try "
                                   "again when they have fetched theirs")
                        .arg(limits_.maxBytesPerRecipient / (1024 * 1024)));
    }
    const auto total = messageCharge();
    if (!total) {
        return refused(total.error());
    }
    if (*total + chargeOf(data.size()) > limits_.maxMessageBytesTotal) {
        return full(QStringLiteral("this node's message store is full (%1 MiB); try again "
                                   "later")
                        .arg(limits_.maxMessageBytesTotal / (1024 * 1024)));
    }
    auto insert = db_->prepare(
        "INSERT INTO messages (hash, recipient, data, stored_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?)");
    if (!insert) {
        return refused(describe(insert.error()));
    }
    (*insert)->reset();
    if (auto r = (*insert)
                     ->bindAll(message.hash, recipient, data, message.storedAt, message.expiresAt)
                     .run();
        !r) {
        return refused(describe(r.error()));
    }
    if (beforeCommit) {
        beforeCommit(message);
    }
    if (auto r = tx->commit(); !r) {
        return refused(describe(r.error()));
    }
    messageCharge_ = *total + chargeOf(data.size());
    return std::pair{StoreOutcome::Stored, std::move(message)};
}

Expected<std::vector<StoredMessage>, QString> NodeStore::retrieve(const QString& recipient,
                                                                  const QByteArray& afterHash,
                                                                  int limit, std::int64_t now) {
    std::int64_t afterSeq = 0;
    if (!afterHash.isEmpty()) {
        auto seq = db_->prepare("SELECT seq FROM messages WHERE hash = ? AND recipient = ?");
        if (!seq) {
            return unexpected(describe(seq.error()));
        }
        (*seq)->reset();
        (*seq)->bindAll(afterHash, recipient);
        auto found = (*seq)->step();
        if (!found) {
            return unexpected(describe(found.error()));
        }
        if (*found) {
            afterSeq = (*seq)->int64(0);
        }
        (*seq)->reset();
    }
    auto query = db_->prepare(
        "SELECT hash, data, stored_at, expires_at FROM messages "
        "WHERE recipient = ? AND seq > ? AND expires_at > ? ORDER BY seq LIMIT ?");
    if (!query) {
        return unexpected(describe(query.error()));
    }
    (*query)->reset();
    (*query)->bindAll(recipient, afterSeq, now,
                      std::int64_t{std::clamp(limit, 1, limits_.maxRetrieve)});
    std::vector<StoredMessage> out;
    qsizetype bytes = 0;
    while (true) {
        auto row = (*query)->step();
        if (!row) {
            (*query)->reset();
            return unexpected(describe(row.error()));
        }
        if (!*row) {
            break;
        }
        QByteArray data = (*query)->blob(1);
        bytes += data.size();
        if (bytes > limits_.maxRetrieveBytes && !out.empty()) {
            break;  // the next retrieve starts with it
        }
        out.push_back({(*query)->blob(0), std::move(data), (*query)->int64(2), (*query)->int64(3)});
    }
    (*query)->reset();
    return out;
}

Expected<int, QString> NodeStore::remove(const QString& recipient,
                                         const std::vector<QByteArray>& hashes) {
    if (hashes.size() > static_cast<std::size_t>(limits_.maxRetrieve)) {
        return unexpected(
            QStringLiteral("at most %1 messages are deleted at once").arg(limits_.maxRetrieve));
    }
    if (diskFailed()) {
        return unexpected(diskFailedReason());
    }
    auto tx = Transaction::begin(*db_);
    if (!tx) {
        return unexpected(describe(tx.error()));
    }
    auto mark = db_->prepare(
        "INSERT OR IGNORE INTO deleted (hash, expires_at) "
        "SELECT hash, expires_at FROM messages WHERE hash = ? AND recipient = ?");
    if (!mark) {
        return unexpected(describe(mark.error()));
    }
    auto del = db_->prepare("DELETE FROM messages WHERE hash = ? AND recipient = ?");
    if (!del) {
        return unexpected(describe(del.error()));
    }
    auto size = db_->prepare("SELECT length(data) FROM messages WHERE hash = ? AND recipient = ?");
    if (!size) {
        return unexpected(describe(size.error()));
    }
    int removed = 0;
    std::int64_t freed = 0;
    for (const QByteArray& hash : hashes) {
        (*size)->reset();
        (*size)->bindAll(hash, recipient);
        const auto there = (*size)->step();
        if (!there) {
            (*size)->reset();
            return unexpected(describe(there.error()));
        }
        if (*there) {
            freed += chargeOf((*size)->int64(0));
        }
        (*size)->reset();
        (*mark)->reset();
        if (auto r = (*mark)->bindAll(hash, recipient).run(); !r) {
            return unexpected(describe(r.error()));
        }
        (*del)->reset();
        if (auto r = (*del)->bindAll(hash, recipient).run(); !r) {
            return unexpected(describe(r.error()));
        }
        removed += db_->changes();
    }
    if (auto r = tx->commit(); !r) {
        return unexpected(describe(r.error()));
    }
    if (messageCharge_) {
        *messageCharge_ = std::max<std::int64_t>(0, *messageCharge_ - freed);
    }
    return removed;
}

int NodeStore::purgeExpired(std::int64_t now) {
    auto stmt = db_->prepare("DELETE FROM messages WHERE expires_at <= ?");
    if (!stmt) {
        return 0;
    }
    (*stmt)->reset();
    if (!(*stmt)->bindAll(now).run()) {
        return 0;
    }
    const int purged = db_->changes();
    if (purged > 0) {
        messageCharge_.reset();  // counted again at the next store
    }
    if (auto marks = db_->prepare("DELETE FROM deleted WHERE expires_at <= ?")) {
        (*marks)->reset();
        (void)(*marks)->bindAll(now).run();
    }
    if (auto blobs = db_->prepare("DELETE FROM blobs WHERE expires_at <= ?")) {
        (*blobs)->reset();
        (void)(*blobs)->bindAll(now).run();
        if (db_->changes() > 0) {
            blobCharge_.reset();  // counted again at the next store
        }
    }
    return purged;
}

Expected<std::pair<StoreOutcome, std::int64_t>, QString> NodeStore::storeBlob(
    const QByteArray& id, const QByteArray& data, std::int64_t expiresAt, std::int64_t now) {
    if (diskFailed()) {
        return unexpected(diskFailedReason());
    }
    if (data.isEmpty() || data.size() > kMaxBlobBytes) {
        return unexpected(QStringLiteral("a blob holds 1 to %1 bytes").arg(kMaxBlobBytes));
    }
    if (!blobIdMatches(id, data)) {
        return unexpected(QStringLiteral("the blob's id is not the BLAKE2b-256 of its bytes"));
    }
    const std::int64_t expires = std::min(expiresAt, now + kBlobTtlMs);
    if (expires <= now) {
        return unexpected(QStringLiteral("the blob has expired"));
    }
    auto tx = Transaction::begin(*db_);
    if (!tx) {
        return unexpected(describe(tx.error()));
    }
    // Uploaded again: kept once, living kBlobTtlMs from the latest upload.
    auto renew = db_->prepare("UPDATE blobs SET expires_at = max(expires_at, ?) WHERE id = ?");
    if (!renew) {
        return unexpected(describe(renew.error()));
    }
    (*renew)->reset();
    if (auto r = (*renew)->bindAll(expires, id).run(); !r) {
        return unexpected(describe(r.error()));
    }
    if (db_->changes() > 0) {
        if (auto r = tx->commit(); !r) {
            return unexpected(describe(r.error()));
        }
        return std::pair{StoreOutcome::Duplicate, expires};
    }
    const std::int64_t charge =
        std::max<std::int64_t>(data.size(), NodeStoreLimits::kMinBlobCharge);
    if (!blobCharge_) {
        auto total = db_->prepare("SELECT coalesce(sum(max(size, ?)), 0) FROM blobs");
        if (!total) {
            return unexpected(describe(total.error()));
        }
        (*total)->reset();
        (*total)->bindAll(NodeStoreLimits::kMinBlobCharge);
        auto row = (*total)->step();
        if (!row || !*row) {
            (*total)->reset();
            return unexpected(QStringLiteral("cannot count the stored blobs"));
        }
        blobCharge_ = (*total)->int64(0);
        (*total)->reset();
    }
    if (*blobCharge_ + charge > limits_.maxBlobBytesTotal) {
        return unexpected(QStringLiteral("this node's file store is full (%1 bytes)")
                              .arg(limits_.maxBlobBytesTotal));
    }
    auto insert = db_->prepare(
        "INSERT INTO blobs (id, data, size, stored_at, expires_at) VALUES (?, ?, ?, ?, ?)");
    if (!insert) {
        return unexpected(describe(insert.error()));
    }
    (*insert)->reset();
    if (auto r = (*insert)
                     ->bindAll(id, data, static_cast<std::int64_t>(data.size()), now, expires)
                     .run();
        !r) {
        return unexpected(describe(r.error()));
    }
    if (auto r = tx->commit(); !r) {
        return unexpected(describe(r.error()));
    }
    *blobCharge_ += charge;
    return std::pair{StoreOutcome::Stored, expires};
}

Expected<std::optional<QByteArray>, QString> NodeStore::blob(const QByteArray& id,
                                                             std::int64_t now) {
    auto query = db_->prepare("SELECT data FROM blobs WHERE id = ? AND expires_at > ?");
    if (!query) {
        return unexpected(describe(query.error()));
    }
    (*query)->reset();
    (*query)->bindAll(id, now);
    auto row = (*query)->step();
    if (!row) {
        (*query)->reset();
        return unexpected(describe(row.error()));
    }
    std::optional<QByteArray> out;
    if (*row) {
        out = (*query)->blob(0);
    }
    (*query)->reset();
    return out;
}

Expected<std::int64_t, QString> NodeStore::count(const QString& recipient, std::int64_t now) {
    auto stmt =
        db_->prepare("SELECT count(*) FROM messages WHERE recipient = ? AND expires_at > ?");
    if (!stmt) {
        return unexpected(describe(stmt.error()));
    }
    (*stmt)->reset();
    (*stmt)->bindAll(recipient, now);
    auto row = (*stmt)->step();
    if (!row || !*row) {
        (*stmt)->reset();
        return unexpected(QStringLiteral("cannot count stored messages"));
    }
    const std::int64_t n = (*stmt)->int64(0);
    (*stmt)->reset();
    return n;
}

}  // namespace tandem::transport::onion
