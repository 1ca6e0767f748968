#include "transport/relay/server/RelayStore.h"

#include <sodium.h>

#include <QDateTime>
#include <QDir>
#include <QFile>

#include "transport/Transport.h"
#include "transport/daemon/DaemonData.h"
#include "transport/daemon/RecordTable.h"
#include "transport/relay/Address.h"
#include "transport/relay/server/RegistrationLocks.h"

namespace tandem::relay {

using storage::Statement;
using storage::Transaction;

namespace {

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS accounts (
    id INTEGER PRIMARY KEY,
    phone TEXT NOT NULL UNIQUE,
    identity_key BLOB NOT NULL,
    password_hash BLOB NOT NULL,
    access_key BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    aci BLOB NOT NULL,
    share_phone INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX IF NOT EXISTS accounts_by_aci ON accounts(aci);
CREATE TABLE IF NOT EXISTS codes (
    phone TEXT PRIMARY KEY NOT NULL,
    code TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS signed_prekeys (
    account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    key_id INTEGER NOT NULL,
    public_key BLOB NOT NULL,
    signature BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS one_time_prekeys (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    key_id INTEGER NOT NULL,
    public_key BLOB NOT NULL,
    PRIMARY KEY (account_id, key_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS mailbox (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    envelope BLOB NOT NULL,
    server_time INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS mailbox_by_account ON mailbox(account_id, id);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY NOT NULL,
    value INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS mailbox_by_expiry ON mailbox(expires_at);
CREATE TABLE IF NOT EXISTS registration_locks (
    account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    token_hash BLOB NOT NULL,
    last_active INTEGER NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    failures_since INTEGER NOT NULL DEFAULT 0
);
PRAGMA user_version = 4;
)sql";

// Version 1 had no account ids: every account gets a random one, numbers stay private.
constexpr std::string_view kMigrateFrom1 = R"sql(
ALTER TABLE accounts ADD COLUMN aci BLOB NOT NULL DEFAULT x'';
ALTER TABLE accounts ADD COLUMN share_phone INTEGER NOT NULL DEFAULT 0;
UPDATE accounts SET aci = randomblob(16);
)sql";

// Version 2 had no registration locks, version 3 no signed records: kSchema and
// daemon::RecordTable::kSchema add their tables.
constexpr int kSchemaVersion = 4;

}  // namespace

Expected<std::unique_ptr<RelayStore>, QString> RelayStore::open(const QString& dir) {
    const QString path = dir + QStringLiteral("/relay.db");
    auto opened = daemon::openDatabase(dir, QStringLiteral("relay.db"), kSchemaVersion,
                                       QStringLiteral("relay database"));
    if (!opened) {
        return unexpected(opened.error());
    }
    auto& db = opened->db;
    const std::int64_t version = opened->version;
    if (version == 1) {
        auto tx = Transaction::begin(*db);
        if (!tx || !db->exec(kMigrateFrom1) || !db->exec(daemon::RecordTable::kSchema) ||
            !db->exec(kSchema) || !tx->commit()) {
            return unexpected(QStringLiteral("cannot upgrade %1").arg(path));
        }
    }
    if (auto r = db->exec(daemon::RecordTable::kSchema); !r) {
        return unexpected(r.error().message);
    }
    if (auto r = db->exec(kSchema); !r) {
        return unexpected(r.error().message);
    }
    std::unique_ptr<RelayStore> store(new RelayStore(dir, std::move(db)));
    if (!store->startEpoch()) {
        return unexpected(QStringLiteral("cannot write to %1").arg(path));
    }
    return store;
}

bool RelayStore::startEpoch() {
    const auto stored = db_->queryInt("SELECT value FROM meta WHERE key = 'epoch'");
    const auto highest = db_->queryInt("SELECT coalesce(max(id), 0) FROM mailbox");
    if (!stored || !highest) {
        return false;
    }
    epoch_ = std::max(*stored, *highest >> 32) + 1;
    auto stmt = db_->prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('epoch', ?)");
    if (!stmt || !(*stmt)->bindAll(epoch_).run()) {
        return false;
    }
    sequence_ = 0;
    return true;
}

std::optional<std::int64_t> RelayStore::nextMessageId() {
    constexpr std::int64_t kPerEpoch = std::int64_t{1} << 32;
    if (sequence_ + 1 >= kPerEpoch) {  // four billion messages in one run: a new epoch
        if (!startEpoch()) {
            return std::nullopt;  // tried again with the next message
        }
    }
    ++sequence_;
    return (epoch_ << 32) | sequence_;
}

namespace {

constexpr std::string_view kAccountColumns =
    "SELECT id, phone, aci, share_phone, identity_key, password_hash, access_key FROM accounts ";

AccountRow readAccount(const Statement& s) {
    return {s.int64(0), s.text(1), s.blob(2), s.int64(3) != 0, s.blob(4), s.blob(5), s.blob(6)};
}

template <class F>
auto firstRow(storage::Database& db, std::string_view sql, F bindAndRead)
    -> std::optional<decltype(bindAndRead(std::declval<Statement&>(), false))> {
    auto stmt = db.prepare(sql);
    if (!stmt) {
        return std::nullopt;
    }
    bindAndRead(**stmt, true);
    auto row = (*stmt)->step();
    if (!row || !*row) {
        (*stmt)->reset();
        return std::nullopt;
    }
    auto value = bindAndRead(**stmt, false);
    (*stmt)->reset();
    return value;
}

}  // namespace

std::optional<AccountRow> RelayStore::accountByPhone(const QString& phone) {
    // Only an exact number names an account: a lookalike ("+49…\n") never reaches one, even
    // one stored before registration was exact.
    if (!isE164(phone)) {
        return std::nullopt;
    }
    const std::string sql = std::string(kAccountColumns) + "WHERE phone = ?";
    return firstRow(*db_, sql, [&](Statement& s, bool bind) {
        if (bind) {
            s.bind(1, phone);
        }
        return readAccount(s);
    });
}

std::optional<AccountRow> RelayStore::accountById(std::int64_t id) {
    const std::string sql = std::string(kAccountColumns) + "WHERE id = ?";
    return firstRow(*db_, sql, [&](Statement& s, bool bind) {
        if (bind) {
            s.bind(1, id);
        }
        return readAccount(s);
    });
}

std::optional<AccountRow> RelayStore::accountByAci(const QByteArray& aci) {
    if (aci.size() != kAciBytes) {
        return std::nullopt;
    }
    const std::string sql = std::string(kAccountColumns) + "WHERE aci = ?";
    return firstRow(*db_, sql, [&](Statement& s, bool bind) {
        if (bind) {
            s.bind(1, aci);
        }
        return readAccount(s);
    });
}

Expected<AccountRow, QString> RelayStore::registerAccount(const Registration& r, std::int64_t now) {
    auto tx = Transaction::begin(*db_);
    if (!tx) {
        return unexpected(tx.error().message);
    }
    std::int64_t id = 0;
    if (const auto existing = accountByPhone(r.phone)) {
        id = existing->id;
        auto update = db_->prepare(
            "UPDATE accounts SET identity_key = ?, password_hash = ?, access_key = ?, "
            "share_phone = ? WHERE id = ?");
        if (!update || !(*update)
                            ->bindAll(r.identityKey, r.passwordHash, r.accessKey,
                                      std::int64_t{r.sharePhone}, id)
                            .run()) {
            return unexpected(QStringLiteral("cannot update the account"));
        }
        for (const char* sql : {"DELETE FROM signed_prekeys WHERE account_id = ?",
                                "DELETE FROM one_time_prekeys WHERE account_id = ?"}) {
            auto del = db_->prepare(sql);
            if (!del || !(*del)->bindAll(id).run()) {
                return unexpected(QStringLiteral("cannot reset the account's prekeys"));
            }
        }
    } else {
        QByteArray aci(kAciBytes, Qt::Uninitialized);
        randombytes_buf(aci.data(), static_cast<std::size_t>(aci.size()));
        auto insert = db_->prepare(
            "INSERT INTO accounts (phone, identity_key, password_hash, access_key, created_at, "
            "aci, share_phone) VALUES (?, ?, ?, ?, ?, ?, ?)");
        if (!insert || !(*insert)
                            ->bindAll(r.phone, r.identityKey, r.passwordHash, r.accessKey, now, aci,
                                      std::int64_t{r.sharePhone})
                            .run()) {
            return unexpected(QStringLiteral("cannot create the account"));
        }
        id = db_->lastInsertRowId();
    }
    auto del = db_->prepare("DELETE FROM codes WHERE phone = ?");
    if (!del || !(*del)->bindAll(r.phone).run()) {
        return unexpected(QStringLiteral("cannot clear the code"));
    }
    if (!setLock(id,
                 r.lockToken.isEmpty() ? QByteArray() : RegistrationLocks::hashToken(r.lockToken),
                 now)) {
        return unexpected(QStringLiteral("cannot store the registration lock"));
    }
    if (auto committed = tx->commit(); !committed) {
        return unexpected(committed.error().message);
    }
    auto account = accountById(id);
    if (!account) {
        return unexpected(QStringLiteral("the account vanished after registration"));
    }
    return *account;
}

bool RelayStore::setAccessKey(std::int64_t account, const QByteArray& accessKey) {
    // One statement, its own transaction: as durable as a registration (synchronous=FULL).
    auto stmt = db_->prepare("UPDATE accounts SET access_key = ? WHERE id = ?");
    return stmt && (*stmt)->bindAll(accessKey, account).run() && db_->changes() == 1;
}

bool RelayStore::setCode(const QString& phone, const QString& code, std::int64_t expiresAt) {
    auto stmt = db_->prepare(
        "INSERT OR REPLACE INTO codes (phone, code, expires_at, attempts) VALUES (?, ?, ?, 0)");
    return stmt && (*stmt)->bindAll(phone, code, expiresAt).run();
}

std::optional<CodeRow> RelayStore::codeRow(const QString& phone) {
    return firstRow(*db_, "SELECT code, expires_at, attempts FROM codes WHERE phone = ?",
                    [&](Statement& s, bool bind) {
                        if (bind) {
                            s.bind(1, phone);
                        }
                        return CodeRow{s.text(0), s.int64(1), s.int64(2)};
                    });
}

void RelayStore::countCodeAttempt(const QString& phone) {
    auto bump = db_->prepare("UPDATE codes SET attempts = attempts + 1 WHERE phone = ?");
    if (bump) {
        (void)(*bump)->bindAll(phone).run();
    }
}

std::optional<std::optional<LockRow>> RelayStore::lockRow(std::int64_t account) {
    auto select = db_->prepare(
        "SELECT token_hash, last_active, failures, failures_since FROM registration_locks "
        "WHERE account_id = ?");
    if (!select) {
        return std::nullopt;
    }
    (*select)->bindAll(account);
    const auto found = (*select)->step();
    if (!found) {
        (*select)->reset();
        return std::nullopt;
    }
    std::optional<LockRow> row;
    if (*found) {
        row = LockRow{(*select)->blob(0), (*select)->int64(1), (*select)->int64(2),
                      (*select)->int64(3)};
    }
    (*select)->reset();
    return row;
}

bool RelayStore::setLockFailures(std::int64_t account, std::int64_t failures, std::int64_t since) {
    auto count = db_->prepare(
        "UPDATE registration_locks SET failures = ?, failures_since = ? WHERE account_id = ?");
    return count && (*count)->bindAll(failures, since, account).run();
}

bool RelayStore::setLock(std::int64_t account, const QByteArray& hash, std::int64_t now) {
    if (hash.isEmpty()) {
        auto del = db_->prepare("DELETE FROM registration_locks WHERE account_id = ?");
        return del && (*del)->bindAll(account).run();
    }
    auto put = db_->prepare(
        "INSERT OR REPLACE INTO registration_locks (account_id, token_hash, last_active, "
        "failures, failures_since) VALUES (?, ?, ?, 0, 0)");
    return put && (*put)->bindAll(account, hash, now).run();
}

void RelayStore::lockSeen(std::int64_t account, std::int64_t now) {
    auto update =
        db_->prepare("UPDATE registration_locks SET last_active = ? WHERE account_id = ?");
    if (update) {
        (void)(*update)->bindAll(now, account).run();
    }
}

bool RelayStore::setSignedPreKey(std::int64_t account, const SignedPreKeyRow& key) {
    auto stmt = db_->prepare(
        "INSERT OR REPLACE INTO signed_prekeys (account_id, key_id, public_key, signature) VALUES "
        "(?, ?, ?, ?)");
    return stmt && (*stmt)->bindAll(account, std::int64_t{key.id}, key.key, key.signature).run();
}

std::optional<SignedPreKeyRow> RelayStore::signedPreKey(std::int64_t account) {
    return firstRow(
        *db_, "SELECT key_id, public_key, signature FROM signed_prekeys WHERE account_id = ?",
        [&](Statement& s, bool bind) {
            if (bind) {
                s.bind(1, account);
            }
            return SignedPreKeyRow{static_cast<std::uint32_t>(s.int64(0)), s.blob(1), s.blob(2)};
        });
}

std::int64_t RelayStore::addOneTimePreKeys(
    std::int64_t account, const std::vector<std::pair<std::uint32_t, QByteArray>>& keys,
    std::int64_t cap) {
    auto tx = Transaction::begin(*db_);
    if (!tx) {
        return oneTimePreKeyCount(account);
    }
    std::int64_t count = oneTimePreKeyCount(account);
    auto insert = db_->prepare(
        "INSERT OR REPLACE INTO one_time_prekeys (account_id, key_id, public_key) VALUES (?, ?, "
        "?)");
    for (const auto& [id, key] : keys) {
        if (count >= cap || !insert) {
            break;
        }
        (*insert)->reset();
        if ((*insert)->bindAll(account, std::int64_t{id}, key).run()) {
            count = oneTimePreKeyCount(account);
        }
    }
    (void)tx->commit();
    return oneTimePreKeyCount(account);
}

std::optional<std::pair<std::uint32_t, QByteArray>> RelayStore::takeOneTimePreKey(
    std::int64_t account) {
    auto key =
        firstRow(*db_,
                 "SELECT key_id, public_key FROM one_time_prekeys WHERE account_id = ? ORDER BY "
                 "key_id LIMIT 1",
                 [&](Statement& s, bool bind) {
                     if (bind) {
                         s.bind(1, account);
                     }
                     return std::make_pair(static_cast<std::uint32_t>(s.int64(0)), s.blob(1));
                 });
    if (key) {
        auto del = db_->prepare("DELETE FROM one_time_prekeys WHERE account_id = ? AND key_id = ?");
        if (!del || !(*del)->bindAll(account, std::int64_t{key->first}).run()) {
            return std::nullopt;  // never hand out a key twice
        }
    }
    return key;
}

std::int64_t RelayStore::oneTimePreKeyCount(std::int64_t account) {
    return firstRow(*db_, "SELECT count(*) FROM one_time_prekeys WHERE account_id = ?",
                    [&](Statement& s, bool bind) {
                        if (bind) {
                            s.bind(1, account);
                        }
                        return s.int64(0);
                    })
        .value_or(0);
}

Expected<std::unique_ptr<storage::Database>, QString> RelayStore::openWriterConnection() {
    auto db = storage::Database::open(dir_ + QStringLiteral("/relay.db"), nullptr, {});
    if (!db) {
        return unexpected(db.error().message);
    }
    if (auto r = (*db)->exec("PRAGMA synchronous = FULL;"); !r) {
        return unexpected(r.error().message);
    }
    return std::move(db).value();
}

bool RelayStore::commitBatch(storage::Database& db, const std::vector<NewEnvelope>& sends,
                             const std::vector<std::pair<std::int64_t, std::int64_t>>& acks,
                             std::map<std::int64_t, QueueSize>* deleted, bool replay) {
    auto tx = Transaction::begin(db);
    if (!tx) {
        return false;
    }
    auto insert = db.prepare(
        replay ? "INSERT OR IGNORE INTO mailbox (id, account_id, envelope, server_time, "
                 "expires_at) VALUES (?, ?, ?, ?, ?)"
               : "INSERT INTO mailbox (id, account_id, envelope, server_time, expires_at) "
                 "VALUES (?, ?, ?, ?, ?)");
    if (!insert) {
        return false;
    }
    for (const NewEnvelope& e : sends) {
        (*insert)->reset();
        if (!(*insert)->bindAll(e.id, e.account, e.envelope, e.serverTime, e.expiresAt).run()) {
            return false;  // rolls back
        }
    }
    auto size = db.prepare("SELECT length(envelope) FROM mailbox WHERE account_id = ? AND id = ?");
    auto del = db.prepare("DELETE FROM mailbox WHERE account_id = ? AND id = ?");
    if (!size || !del) {
        return false;
    }
    std::map<std::int64_t, QueueSize> counts;
    for (const auto& [account, id] : acks) {
        (*size)->reset();
        (*size)->bindAll(account, id);
        const auto found = (*size)->step();
        if (!found) {
            return false;
        }
        const std::int64_t bytes = *found ? (*size)->int64(0) : 0;
        (*size)->reset();
        (*del)->reset();
        if (!(*del)->bindAll(account, id).run()) {
            return false;
        }
        if (db.changes() > 0) {
            counts[account].count += 1;
            counts[account].bytes += bytes;
        }
    }
    if (!tx->commit()) {
        return false;
    }
    if (deleted != nullptr) {
        *deleted = std::move(counts);
    }
    return true;
}

std::vector<StoredEnvelope> RelayStore::queued(std::int64_t account, std::int64_t afterId,
                                               int limit, qint64 maxBytes) {
    std::vector<StoredEnvelope> out;
    qint64 bytes = 0;
    auto stmt = db_->prepare(
        "SELECT id, envelope, server_time FROM mailbox WHERE account_id = ? AND id > ? AND "
        "expires_at > ? ORDER BY id LIMIT ?");
    if (!stmt) {
        return out;
    }
    (*stmt)->bindAll(account, afterId,
                     static_cast<std::int64_t>(QDateTime::currentMSecsSinceEpoch()), limit);
    while (true) {
        auto row = (*stmt)->step();
        if (!row || !*row) {
            break;
        }
        QByteArray envelope = (*stmt)->blob(1);
        bytes += envelope.size();
        if (bytes > maxBytes && !out.empty()) {
            break;  // the next batch starts with it
        }
        out.push_back({(*stmt)->int64(0), std::move(envelope), (*stmt)->int64(2)});
    }
    return out;
}

std::map<std::int64_t, QueueSize> RelayStore::queueCounts() {
    std::map<std::int64_t, QueueSize> out;
    auto stmt = db_->prepare(
        "SELECT account_id, count(*), sum(length(envelope)) FROM mailbox GROUP BY account_id");
    if (!stmt) {
        return out;
    }
    while (true) {
        auto row = (*stmt)->step();
        if (!row || !*row) {
            break;
        }
        out[(*stmt)->int64(0)] = {(*stmt)->int64(1), (*stmt)->int64(2)};
    }
    return out;
}

int RelayStore::purgeExpired(std::int64_t now) {
    return purgeExpired(*db_, now);
}

int RelayStore::purgeExpired(storage::Database& db, std::int64_t now) {
    auto stmt = db.prepare("DELETE FROM mailbox WHERE expires_at <= ?");
    if (!stmt || !(*stmt)->bindAll(now).run()) {
        return 0;
    }
    return db.changes();
}

}  // namespace tandem::relay
