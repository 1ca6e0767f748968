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
    const auto stored = store_.lockRow(account);
    if (!stored) {
        return {Verdict::TooManyAttempts, kFailureWindowMs};  // cannot tell: refuse, safely
    }
    if (!*stored) {
        return {Verdict::Open, 0};
    }
    const LockRow& row = **stored;
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
    if (token.isEmpty()) {  // no token at all is not a guess
        return {Verdict::Locked, remaining};
    }
    // Counted first, compared after (one step in the store): guesses made at once through
    // several front-ends are all counted before any is compared.
    const auto counted = store_.countLockAttempt(account, now, kFailureWindowMs);
    if (!counted) {
        return {Verdict::TooManyAttempts, kFailureWindowMs};  // a guess not counted: none
    }
    if (counted->failures > kMaxFailures) {
        return {Verdict::TooManyAttempts, counted->since + kFailureWindowMs - now};
    }
    const QByteArray given = hashToken(token);
    const bool right =
        token.size() == static_cast<qsizetype>(crypto::signal::kRegistrationLockTokenBytes) &&
        row.hash.size() == given.size() &&
        sodium_memcmp(row.hash.constData(), given.constData(),
                      static_cast<std::size_t>(given.size())) == 0;
    if (right) {
        (void)store_.setLockFailures(account, 0, 0);  // the right token clears the count
        return {Verdict::Unlocked, 0};
    }
    return {Verdict::Locked, remaining};
}

bool RegistrationLocks::set(std::int64_t account, const QByteArray& token, std::int64_t now) {
    return store_.setLock(account, token.isEmpty() ? QByteArray() : hashToken(token), now);
}

void RegistrationLocks::seen(std::int64_t account, std::int64_t now) {
    store_.lockSeen(account, now);
}

bool RegistrationLocks::isLocked(std::int64_t account) {
    const auto stored = store_.lockRow(account);
    return stored && stored->has_value();
}

}  // namespace tandem::relay
