#include "transport/relay/server/AccountStore.h"

#include <sodium.h>

#include "transport/relay/Address.h"

namespace tandem::relay {

std::optional<AccountRow> AccountStore::accountByAddress(const QString& address) {
    if (const auto aci = parseAciAddress(address)) {
        return accountByAci(*aci);
    }
    return accountByPhone(address);
}

CodeCheck AccountStore::checkCode(const QString& phone, const QString& code, std::int64_t now) {
    const auto row = codeRow(phone);
    if (!row) {
        return CodeCheck::Wrong;
    }
    if (row->expiresAt <= now) {
        return CodeCheck::Expired;
    }
    if (row->attempts >= kMaxCodeAttempts) {
        return CodeCheck::TooManyAttempts;
    }
    const QByteArray expected = row->code.toLatin1();
    const QByteArray given = code.toLatin1();
    const bool same = expected.size() == given.size() &&
                      sodium_memcmp(expected.constData(), given.constData(),
                                    static_cast<std::size_t>(given.size())) == 0;
    if (!same) {
        countCodeAttempt(phone);
        return CodeCheck::Wrong;
    }
    return CodeCheck::Ok;
}

std::optional<AccountStore::LockAttempts> AccountStore::countLockAttempt(std::int64_t account,
                                                                         std::int64_t now,
                                                                         std::int64_t windowMs) {
    // One front-end (SQLite): read, then write, on the one thread that checks locks.
    const auto stored = lockRow(account);
    if (!stored || !*stored) {
        return std::nullopt;
    }
    const LockRow& row = **stored;
    const bool windowOpen = row.failuresSince + windowMs > now;
    const LockAttempts out{(windowOpen ? row.failures : 0) + 1,
                           windowOpen ? row.failuresSince : now};
    if (!setLockFailures(account, out.failures, out.since)) {
        return std::nullopt;
    }
    return out;
}

}  // namespace tandem::relay
