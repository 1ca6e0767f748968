// RelayStore: the relay's durable state in DIR/relay.db (SQLite through the storage engine,
// no key: it holds phone numbers, public keys, password hashes and sealed envelopes, never
// message plaintext). synchronous=FULL: what the relay acknowledges survives a power cut,
// and group commit (commitBatch) keeps that fast.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include <QByteArray>
#include <QString>

#include <tandem/common/Expected.h>

#include "storage/Database.h"

namespace tandem::relay {

struct AccountRow {
    std::int64_t id = 0;
    QString phone;
    QByteArray aci;  // 16 random bytes, fixed at first registration, kept on re-registration
    bool sharePhone = false;
    QByteArray identityKey;
    QByteArray passwordHash;
    QByteArray accessKey;
};

// What an account's mailbox holds: envelopes and their bytes (both have quotas).
struct QueueSize {
    std::int64_t count = 0;
    std::int64_t bytes = 0;
};

struct NewEnvelope {
    std::int64_t id = 0;  // from nextMessageId()
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

struct SignedPreKeyRow {
    std::uint32_t id = 0;
    QByteArray key;
    QByteArray signature;
};

enum class CodeCheck { Ok, Wrong, Expired, TooManyAttempts };

class RelayStore {
public:
    static constexpr int kMaxCodeAttempts = 5;

    static Expected<std::unique_ptr<RelayStore>, QString> open(const QString& dir);

    std::optional<AccountRow> accountByPhone(const QString& phone);
    std::optional<AccountRow> accountById(std::int64_t id);
    std::optional<AccountRow> accountByAci(const QByteArray& aci);
    // An address is "+E164" or "aci:" followed by 32 hex digits.
    std::optional<AccountRow> accountByAddress(const QString& address);

    struct Registration {
        QString phone;
        QByteArray identityKey;
        QByteArray passwordHash;
        QByteArray accessKey;
        bool sharePhone = false;
        QByteArray lockToken;  // the registration lock it is locked with; empty: none
    };
    // Creates the account, or replaces the keys of an existing one (re-registration: same
    // account id, its prekeys dropped, its queued messages kept), and sets its registration
    // lock (RegistrationLocks), in one transaction. Returns the account.
    Expected<AccountRow, QString> registerAccount(const Registration& r, std::int64_t now);

    // Replaces the account's access key (SetAccessKey), committed before it returns.
    bool setAccessKey(std::int64_t account, const QByteArray& accessKey);

    bool setCode(const QString& phone, const QString& code, std::int64_t expiresAt);
    CodeCheck checkCode(const QString& phone, const QString& code, std::int64_t now);

    bool setSignedPreKey(std::int64_t account, const SignedPreKeyRow& key);
    std::optional<SignedPreKeyRow> signedPreKey(std::int64_t account);
    // Adds one-time prekeys, keeping at most `cap` per account; returns how many are held.
    std::int64_t addOneTimePreKeys(std::int64_t account,
                                   const std::vector<std::pair<std::uint32_t, QByteArray>>& keys,
                                   std::int64_t cap);
    std::optional<std::pair<std::uint32_t, QByteArray>> takeOneTimePreKey(std::int64_t account);
    std::int64_t oneTimePreKeyCount(std::int64_t account);

    // A mailbox id before the message is stored, so it can be pushed while its commit runs.
    // Ids grow across restarts and are never reused: the high 32 bits are a boot epoch,
    // persisted (and incremented) at every open, so an id handed out by a relay that then
    // crashed before committing it can never name another message (a late acknowledgement
    // of it deletes nothing).
    // nullopt if a new epoch was needed and could not be stored: then no id is safe to give.
    std::optional<std::int64_t> nextMessageId();

    // One transaction (one fsync) on `db`: stores `sends` with their ids and deletes the
    // acknowledged (account, id) pairs, counting the rows (and bytes) deleted per account into
    // `deleted`.
    // False if the transaction failed (nothing done). `replay`: a message already stored is
    // skipped (committing a batch again at shutdown); otherwise an id clash fails the batch.
    static bool commitBatch(storage::Database& db, const std::vector<NewEnvelope>& sends,
                            const std::vector<std::pair<std::int64_t, std::int64_t>>& acks,
                            std::map<std::int64_t, QueueSize>* deleted, bool replay = false);
    bool commitBatch(const std::vector<NewEnvelope>& sends,
                     const std::vector<std::pair<std::int64_t, std::int64_t>>& acks,
                     bool replay = false) {
        return commitBatch(*db_, sends, acks, nullptr, replay);
    }
    static int purgeExpired(storage::Database& db, std::int64_t now);
    // A second connection to the same database (WAL: it writes while this one reads), with
    // the same durability, for the MailboxWriter's thread.
    Expected<std::unique_ptr<storage::Database>, QString> openWriterConnection();
    // At most `limit` envelopes and `maxBytes` of them (always at least one), oldest first;
    // none whose time to live ended (a disappearing message's; purgeExpired removes them).
    std::vector<StoredEnvelope> queued(std::int64_t account, std::int64_t afterId, int limit,
                                       qint64 maxBytes);
    std::map<std::int64_t, QueueSize> queueCounts();
    int purgeExpired(std::int64_t now);

    [[nodiscard]] const QString& dir() const { return dir_; }
    // The connection RegistrationLocks reads and writes (the relay's thread only).
    [[nodiscard]] storage::Database& database() { return *db_; }

private:
    RelayStore(QString dir, std::unique_ptr<storage::Database> db)
        : dir_(std::move(dir)), db_(std::move(db)) {}
    bool startEpoch();

    QString dir_;
    std::unique_ptr<storage::Database> db_;
    std::int64_t epoch_ = 0;
    std::int64_t sequence_ = 0;
};

}  // namespace tandem::relay
