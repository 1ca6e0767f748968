// IdentifiedSendLimiter: what an account may send identified — a SendSealed without an access
// key on its authenticated connection (docs/relay.md), to someone who has not given it their
// key or has rotated it (blocked it, say). Two limits per sending account:
//  - distinct recipients in a day, as Signal limits its unsealed sends: writing to many
//    strangers is what a spammer does, writing a lot to one person who has not answered yet
//    is not; a recipient counts once for a day from the first send to it;
//  - sends, in bursts of `sendsPerHour` refilled at that rate.
// Every identified send counts, one to an unknown recipient too, so probing numbers this way
// costs more than Lookup does. What it remembers is bounded by the recipients limit per
// account; forgetExpired() drops senders whose day has passed and whose bucket is full.
#pragma once

#include <cstdint>
#include <map>

#include <QString>

namespace tandem::relay {

class IdentifiedSendLimiter {
public:
    struct Limits {
        int recipientsPerDay = 200;
        int sendsPerHour = 2000;
    };
    enum class Verdict { Allowed, TooManyRecipients, TooManySends };
    static constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

    explicit IdentifiedSendLimiter(Limits limits) : limits_(limits) {}

    // Counts the send if both limits allow it (a refused one counts against nothing).
    // `recipient` names the recipient: its account when it has one (either address of an
    // account is the same recipient), else the address.
    Verdict admit(std::int64_t sender, const QString& recipient, std::int64_t nowMs);
    void forgetExpired(std::int64_t nowMs);

    [[nodiscard]] std::size_t trackedSenders() const { return senders_.size(); }

private:
    struct Sender {
        std::map<QString, std::int64_t> recipients;  // → when it was first written to
        double tokens = 0;
        std::int64_t refilledAt = 0;
    };
    void refill(Sender& s, std::int64_t nowMs) const;

    Limits limits_;
    std::map<std::int64_t, Sender> senders_;
};

}  // namespace tandem::relay
