// AccountStore: the seam between the relay's account services (RelayAccounts,
// RegistrationLocks, RelayMailbox's recipient checks) and where accounts are kept. Two
// implementations: RelayStore (DIR/relay.db, SQLite: the embedded default) and
// RedisAccountStore (tandem-relayd --store redis://…, shared by any number of front-ends).
// Policy (what a code, a lock or a quota allows) stays in the services and here; an
// implementation only reads and writes rows, each call as durable as the store is.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include <QByteArray>
#include <QString>

#include <tandem/common/Expected.h>

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

struct SignedPreKeyRow {
    std::uint32_t id = 0;
    QByteArray key;
    QByteArray signature;
};

// A verification code as stored.
struct CodeRow {
    QString code;
    std::int64_t expiresAt = 0;
    std::int64_t attempts = 0;
};

// A registration lock as stored (RegistrationLocks).
struct LockRow {
    QByteArray hash;  // RegistrationLocks::hashToken of the token
    std::int64_t lastActive = 0;
    std::int64_t failures = 0;
    std::int64_t failuresSince = 0;
};

enum class CodeCheck { Ok, Wrong, Expired, TooManyAttempts };

class AccountStore {
public:
    static constexpr int kMaxCodeAttempts = 5;

    virtual ~AccountStore() = default;

    virtual std::optional<AccountRow> accountByPhone(const QString& phone) = 0;
    virtual std::optional<AccountRow> accountById(std::int64_t id) = 0;
    virtual std::optional<AccountRow> accountByAci(const QByteArray& aci) = 0;
    // An address is "+E164" or "aci:" followed by 32 hex digits.
    std::optional<AccountRow> accountByAddress(const QString& address);
    // The last account read failed in the store (unreachable), rather than found nothing: a
    // caller answers UNAVAILABLE (retry), never "no such account" or "wrong password".
    [[nodiscard]] virtual bool failed() const { return false; }

    struct Registration {
        QString phone;
        QByteArray identityKey;
        QByteArray passwordHash;
        QByteArray accessKey;
        bool sharePhone = false;
        QByteArray lockToken;  // the registration lock it is locked with; empty: none
    };
    // Creates the account, or replaces the keys of an existing one (re-registration: same
    // account id, its prekeys dropped, its queued messages kept), clears the number's code and
    // sets its registration lock. Returns the account.
    virtual Expected<AccountRow, QString> registerAccount(const Registration& r,
                                                          std::int64_t now) = 0;
    // Replaces the account's access key (SetAccessKey), durable before it returns.
    virtual bool setAccessKey(std::int64_t account, const QByteArray& accessKey) = 0;

    virtual bool setCode(const QString& phone, const QString& code, std::int64_t expiresAt) = 0;
    // Compares in constant time; a wrong code counts an attempt. A store shared by several
    // front-ends (Redis) counts and compares in one step (at most kMaxCodeAttempts guesses in
    // all, not per front-end).
    virtual CodeCheck checkCode(const QString& phone, const QString& code, std::int64_t now);

    virtual bool setSignedPreKey(std::int64_t account, const SignedPreKeyRow& key) = 0;
    virtual std::optional<SignedPreKeyRow> signedPreKey(std::int64_t account) = 0;
    // Adds one-time prekeys, keeping at most `cap` per account; returns how many are held.
    virtual std::int64_t addOneTimePreKeys(
        std::int64_t account, const std::vector<std::pair<std::uint32_t, QByteArray>>& keys,
        std::int64_t cap) = 0;
    // The lowest-numbered one-time prekey, removed as it is read (never handed out twice).
    virtual std::optional<std::pair<std::uint32_t, QByteArray>> takeOneTimePreKey(
        std::int64_t account) = 0;
    virtual std::int64_t oneTimePreKeyCount(std::int64_t account) = 0;

    // Registration locks (RegistrationLocks holds the policy). lockRow: nullopt when the
    // store failed, an empty optional inside when the account has no lock.
    virtual std::optional<std::optional<LockRow>> lockRow(std::int64_t account) = 0;
    virtual bool setLockFailures(std::int64_t account, std::int64_t failures,
                                 std::int64_t since) = 0;
    // Counts a wrong-or-not-yet-checked token against a lock before it is compared: the
    // failures in the window that ends `windowMs` after its first one, this one included, and
    // when that window started; nullopt when the store failed or there is no lock. One step in
    // a store shared by several front-ends, so K front-ends do not allow K times the guesses.
    struct LockAttempts {
        std::int64_t failures = 0;
        std::int64_t since = 0;
    };
    virtual std::optional<LockAttempts> countLockAttempt(std::int64_t account, std::int64_t now,
                                                         std::int64_t windowMs);
    // Locks with the token's hash (failures reset), or unlocks (empty hash).
    virtual bool setLock(std::int64_t account, const QByteArray& hash, std::int64_t now) = 0;
    virtual void lockSeen(std::int64_t account, std::int64_t now) = 0;

    // Presence shared by the front-ends of one store (Redis): `accounts` have a connection on
    // this front-end, for `ttlMs` unless told again. present(): one has a connection on some
    // front-end (a registration lock does not lapse while its holder is connected anywhere).
    // A store with one front-end knows no other connections: nothing to keep, nobody present.
    virtual void markPresent(const std::vector<std::int64_t>& /*accounts*/,
                             std::int64_t /*ttlMs*/) {}
    [[nodiscard]] virtual bool present(std::int64_t /*account*/) { return false; }

    // A rate limit shared by every front-end of the store: counts `cost` against `key` if
    // that keeps it at most `limit` in a window of `windowMs` from the key's first use (a
    // fixed window). The in-memory limiters (CodeRequestLimiter, lookups, identified sends)
    // stay exact for one front-end; this bounds them across all. A store with one front-end
    // admits everything here (true). A store that failed to count answers false with failed()
    // true: the caller answers UNAVAILABLE (retryable), not RATE_LIMITED.
    virtual bool admitShared(const QByteArray& /*key*/, std::int64_t /*cost*/,
                             std::int64_t /*limit*/, std::int64_t /*windowMs*/) {
        return true;
    }
    // The same for distinct members (an identified sender's recipients of the day): admits
    // `member` under `key` if it is counted already, or if fewer than `limit` are, in a fixed
    // window of `windowMs` from the first. failed() as above.
    virtual bool admitSharedDistinct(const QByteArray& /*key*/, const QByteArray& /*member*/,
                                     std::int64_t /*limit*/, std::int64_t /*windowMs*/) {
        return true;
    }

protected:
    virtual std::optional<CodeRow> codeRow(const QString& phone) = 0;
    virtual void countCodeAttempt(const QString& phone) = 0;
};

}  // namespace tandem::relay
