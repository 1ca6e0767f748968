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
#include "transport/relay/server/AccountStore.h"
#include "transport/relay/server/MailboxStore.h"

namespace tandem::relay {

class RelayStore final : public AccountStore {
public:
    static Expected<std::unique_ptr<RelayStore>, QString> open(const QString& dir);

    std::optional<AccountRow> accountByPhone(const QString& phone) override;
    std::optional<AccountRow> accountById(std::int64_t id) override;
    std::optional<AccountRow> accountByAci(const QByteArray& aci) override;
    // One transaction.
    Expected<AccountRow, QString> registerAccount(const Registration& r, std::int64_t now) override;
    // One statement, committed before it returns.
    bool setAccessKey(std::int64_t account, const QByteArray& accessKey) override;
    bool setCode(const QString& phone, const QString& code, std::int64_t expiresAt) override;
    bool setSignedPreKey(std::int64_t account, const SignedPreKeyRow& key) override;
    std::optional<SignedPreKeyRow> signedPreKey(std::int64_t account) override;
    std::int64_t addOneTimePreKeys(std::int64_t account,
                                   const std::vector<std::pair<std::uint32_t, QByteArray>>& keys,
                                   std::int64_t cap) override;
    std::optional<std::pair<std::uint32_t, QByteArray>> takeOneTimePreKey(
        std::int64_t account) override;
    std::int64_t oneTimePreKeyCount(std::int64_t account) override;
    std::optional<std::optional<LockRow>> lockRow(std::int64_t account) override;
    bool setLockFailures(std::int64_t account, std::int64_t failures, std::int64_t since) override;
    bool setLock(std::int64_t account, const QByteArray& hash, std::int64_t now) override;
    void lockSeen(std::int64_t account, std::int64_t now) override;

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
    // The connection RelayRecords reads and writes (the relay's thread only).
    [[nodiscard]] storage::Database& database() { return *db_; }

protected:
    std::optional<CodeRow> codeRow(const QString& phone) override;
    void countCodeAttempt(const QString& phone) override;

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
