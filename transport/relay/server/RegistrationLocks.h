// RegistrationLocks: the relay's side of the registration lock (crypto/signal/
// RegistrationLock.h). A locked number can be registered again only with its PIN's token,
// until its holder has been away for kLapseMs: neither connected now nor authenticated
// within that time (Signal's rule: a lock protects an account in use, and a number whose
// holder is gone for good can still be registered by its next owner, as a new account).
//
// The relay keeps a hash of the token (BLAKE2b), compares hashes in constant time, and
// counts wrong tokens per number: after kMaxFailures in kFailureWindowMs every attempt is
// refused, the right one too, until the window ends. Each attempt needs a valid verification
// code for the number as well (RelayAccounts checks the code first and keeps it for a retry).
//
// The rows live in the relay's AccountStore (relay.db's table registration_locks, or Redis);
// registerAccount writes the lock of a registration together with it.
#pragma once

#include <cstdint>

#include <QByteArray>

#include "transport/relay/server/AccountStore.h"

namespace tandem::relay {

class RegistrationLocks {
public:
    static constexpr std::int64_t kLapseMs = 7LL * 24 * 3600 * 1000;
    static constexpr int kMaxFailures = 5;
    static constexpr std::int64_t kFailureWindowMs = 24LL * 3600 * 1000;

    enum class Verdict {
        Open,             // no lock, or one that lapsed: anyone with the code may register
        Unlocked,         // locked, and the right token was given
        Locked,           // locked, and no token or a wrong one (counted)
        TooManyAttempts,  // locked, and too many wrong tokens lately: nothing is tried
    };
    struct Check {
        Verdict verdict = Verdict::Open;
        std::int64_t remainingMs = 0;  // Locked: until the lock lapses; TooMany: until retry
    };

    explicit RegistrationLocks(AccountStore& store) : store_(store) {}

    // What a registration of `account`'s number with `token` (empty: none) may do.
    // `holderConnected`: the account has a connection now (its holder is not away).
    Check check(std::int64_t account, const QByteArray& token, bool holderConnected,
                std::int64_t now);
    // Locks `account` with `token`, or unlocks it (empty token). False on a storage failure.
    bool set(std::int64_t account, const QByteArray& token, std::int64_t now);
    // The holder was here (authenticated, or a connection of theirs ended): the lapse starts
    // again.
    void seen(std::int64_t account, std::int64_t now);
    [[nodiscard]] bool isLocked(std::int64_t account);

    // What is stored for a token: BLAKE2b-256 of it, keyed with a fixed context.
    static QByteArray hashToken(const QByteArray& token);

private:
    AccountStore& store_;
};

}  // namespace tandem::relay
