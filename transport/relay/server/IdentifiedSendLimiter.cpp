#include "transport/relay/server/IdentifiedSendLimiter.h"

#include <algorithm>
#include <iterator>

namespace tandem::relay {

void IdentifiedSendLimiter::refill(Sender& s, std::int64_t nowMs) const {
    const double burst = limits_.sendsPerHour;
    const auto elapsed = static_cast<double>(std::max<std::int64_t>(0, nowMs - s.refilledAt));
    s.tokens = std::min(burst, s.tokens + elapsed * burst / 3600000.0);
    s.refilledAt = nowMs;
}

IdentifiedSendLimiter::Verdict IdentifiedSendLimiter::admit(std::int64_t sender,
                                                            const QString& recipient,
                                                            std::int64_t nowMs) {
    auto [it, added] = senders_.try_emplace(sender);
    Sender& s = it->second;
    if (added) {
        s.tokens = limits_.sendsPerHour;
        s.refilledAt = nowMs;
    }
    std::erase_if(s.recipients, [&](const auto& r) { return r.second <= nowMs - kDayMs; });
    const bool known = s.recipients.count(recipient) > 0;
    if (!known && static_cast<int>(s.recipients.size()) >= limits_.recipientsPerDay) {
        return Verdict::TooManyRecipients;
    }
    refill(s, nowMs);
    if (s.tokens < 1) {
        return Verdict::TooManySends;
    }
    s.tokens -= 1;
    if (!known) {
        s.recipients.emplace(recipient, nowMs);
    }
    return Verdict::Allowed;
}

void IdentifiedSendLimiter::forgetExpired(std::int64_t nowMs) {
    for (auto it = senders_.begin(); it != senders_.end();) {
        Sender& s = it->second;
        std::erase_if(s.recipients, [&](const auto& r) { return r.second <= nowMs - kDayMs; });
        refill(s, nowMs);
        const bool idle = s.recipients.empty() && s.tokens >= limits_.sendsPerHour;
        it = idle ? senders_.erase(it) : std::next(it);
    }
}

}  // namespace tandem::relay
