// RedisAccountStore: the relay's accounts, codes, prekeys and registration locks in Redis
// (AccountStore.h; tandem-relayd --store redis://…), shared by every front-end. Keys:
// RedisKeys.h. Each write is one command, a MULTI/EXEC or a Lua script on the account's slot:
// atomic, and durable before its reply when Redis runs with appendfsync always.
// Numeric account ids (what RelayClient and the mailbox use) come from INCR acct:next; the
// aci behind an id never changes, nor the aci of a number, so both are cached (bounded).
#pragma once

#include <map>

#include "transport/relay/server/AccountStore.h"
#include "transport/relay/server/redis/RedisClient.h"

namespace tandem::relay {

class RedisAccountStore final : public AccountStore {
public:
    explicit RedisAccountStore(RedisClient& redis);
    ~RedisAccountStore() override;
    RedisAccountStore(const RedisAccountStore&) = delete;
    RedisAccountStore& operator=(const RedisAccountStore&) = delete;
    // Reads the relay's secret from Redis (made by the first front-end): it names numbers in
    // keys (tag()). False (and `error`) when Redis cannot be read.
    bool start(QString* error);

    std::optional<AccountRow> accountByPhone(const QString& phone) override;
    std::optional<AccountRow> accountById(std::int64_t id) override;
    std::optional<AccountRow> accountByAci(const QByteArray& aci) override;
    Expected<AccountRow, QString> registerAccount(const Registration& r, std::int64_t now) override;
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
    std::optional<LockAttempts> countLockAttempt(std::int64_t account, std::int64_t now,
                                                 std::int64_t windowMs) override;
    CodeCheck checkCode(const QString& phone, const QString& code, std::int64_t now) override;
    void markPresent(const std::vector<std::int64_t>& accounts, std::int64_t ttlMs) override;
    bool present(std::int64_t account) override;
    bool admitSharedDistinct(const QByteArray& key, const QByteArray& member, std::int64_t limit,
                             std::int64_t windowMs) override;
    bool admitShared(const QByteArray& key, std::int64_t cost, std::int64_t limit,
                     std::int64_t windowMs) override;

    // The aci of numeric account `id`, or nullopt (no such account, or Redis failed).
    std::optional<QByteArray> aciOf(std::int64_t id);
    [[nodiscard]] bool failed() const override { return failed_; }

protected:
    std::optional<CodeRow> codeRow(const QString& phone) override;
    void countCodeAttempt(const QString& phone) override;

private:
    // A number's name in keys: hex of BLAKE2b-128 keyed with the relay's secret.
    [[nodiscard]] QByteArray tag(const QString& phone) const;

    RedisClient& redis_;
    QByteArray secret_;
    std::map<std::int64_t, QByteArray> acis_;
    // Number → aci, also fixed once registered (re-registration keeps the aci; accounts are
    // never deleted): a send by number then costs one round trip, not two.
    std::map<QString, QByteArray> phones_;
    bool failed_ =
        false;  // the last account read failed  // id → aci (fixed for good once assigned)
};

}  // namespace tandem::relay
