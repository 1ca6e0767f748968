#include "transport/relay/server/RegistrationLocks.h"

#include <sodium.h>
#include <string_view>

#include "crypto/signal/RegistrationLock.h"

namespace tandem::relay {

namespace {

constexpr std::string_view kHashContext = "tandem relay registration lock v1";

}  // namespace

QByteArray RegistrationLocks::hashToken(const QByteArray& token) {
    QByteArray out(crypto_generichash_BYTES, Qt::Uninitialized);
    crypto_generichash(reinterpret_cast<unsigned char*>(out.data()),  // NOLINT
                       static_cast<std::size_t>(out.size()),
                       reinterpret_cast<const unsigned char*>(token.constData()),  // NOLINT
                       static_cast<std::size_t>(token.size()),
                       reinterpret_cast<const unsigned char*>(kHashContext.data()),  // NOLINT
                       kHashContext.size());
    return out;
}

RegistrationLocks::Check RegistrationLocks::check(std::int64_t account, const QByteArray& token,
                                                  bool holderConnected, std::int64_t now) {
    struct Row {
        QByteArray hash;
        std::int64_t lastActive = 0;
        std::int64_t failures = 0;
        std::int64_t failuresSince = 0;
    };
    auto select = db_.prepare(
        "SELECT token_hash, last_active, failures, failures_since FROM registration_locks "
        "WHERE account_id = ?");
    if (!select) {
        return {Verdict::TooManyAttempts, kFailureWindowMs};  // cannot tell: refuse, safely
    }
    (*select)->bindAll(account);
    const auto found = (*select)->step();
    if (!found) {
        (*select)->reset();
        return {Verdict::TooManyAttempts, kFailureWindowMs};
    }
    if (!*found) {
        (*select)->reset();
        return {Verdict::Open, 0};
    }
    const Row row{(*select)->blob(0), (*select)->int64(1), (*select)->int64(2),
                  (*select)->int64(3)};
    (*select)->reset();
    const std::int64_t lapsesAt = row.lastActive + kLapseMs;
    if (!holderConnected && now >= lapsesAt) {
        return {Verdict::Open, 0};
    }
    const std::int64_t remaining = holderConnected ? kLapseMs : lapsesAt - now;
    const bool windowOpen = row.failuresSince + kFailureWindowMs > now;
    const std::int64_t failures = windowOpen ? row.failures : 0;
    if (failures >= kMaxFailures) {
        return {Verdict::TooManyAttempts, row.failuresSince + kFailureWindowMs - now};
    }
    const QByteArray given = hashToken(token);
    const bool right =
        token.size() == static_cast<qsizetype>(crypto::signal::kRegistrationLockTokenBytes) &&
        row.hash.size() == given.size() &&
        sodium_memcmp(row.hash.constData(), given.constData(),
                      static_cast<std::size_t>(given.size())) == 0;
    auto count = db_.prepare(
        "UPDATE registration_locks SET failures = ?, failures_since = ? WHERE account_id = ?");
    if (right) {
        if (failures > 0 && count) {
            (void)(*count)->bindAll(std::int64_t{0}, std::int64_t{0}, account).run();
        }
        return {Verdict::Unlocked, 0};
    }
    if (!token.isEmpty()) {  // no token at all is not a guess
        const std::int64_t since = windowOpen ? row.failuresSince : now;
        if (!count || !(*count)->bindAll(failures + 1, since, account).run()) {
            return {Verdict::TooManyAttempts, kFailureWindowMs};  // a guess not counted: none
        }
    }
    return {Verdict::Locked, remaining};
}

bool RegistrationLocks::set(std::int64_t account, const QByteArray& token, std::int64_t now) {
    if (token.isEmpty()) {
        auto del = db_.prepare("DELETE FROM registration_locks WHERE account_id = ?");
        return del && (*del)->bindAll(account).run();
    }
    auto put = db_.prepare(
        "INSERT OR REPLACE INTO registration_locks (account_id, token_hash, last_active, "
        "failures, failures_since) VALUES (?, ?, ?, 0, 0)");
    return put && (*put)->bindAll(account, hashToken(token), now).run();
}

void RegistrationLocks::seen(std::int64_t account, std::int64_t now) {
    auto update = db_.prepare("UPDATE registration_locks SET last_active = ? WHERE account_id = ?");
    if (update) {
        (void)(*update)->bindAll(now, account).run();
    }
}

bool RegistrationLocks::isLocked(std::int64_t account) {
    auto select = db_.prepare("SELECT 1 FROM registration_locks WHERE account_id = ?");
    if (!select) {
        return false;
    }
    (*select)->bindAll(account);
    const auto found = (*select)->step();
    (*select)->reset();
    return found && *found;
}

}  // namespace tandem::relay
