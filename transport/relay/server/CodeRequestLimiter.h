// Who may ask the relay for a verification code, and how often. Every code costs the operator
// (an SMS, a call, a run of the `command:` sender), so requests are limited per phone number,
// per client address and in all, each over a sliding window; a request refused by any limit
// sends nothing. What it remembers is bounded: a number or address it does not know yet is
// refused while kMaxTracked live ones are remembered.
#pragma once

#include <cstdint>
#include <deque>
#include <map>

#include <QString>

namespace tandem::relay {

class CodeRequestLimiter {
public:
    struct Limits {
        int perNumber = 3;                          // in `windowMs`
        int perAddress = 20;                        // in `windowMs` (one NAT, many people)
        std::int64_t windowMs = 10LL * 60 * 1000;   // 10 minutes
        int global = 120;                           // in `globalWindowMs`, all clients
        std::int64_t globalWindowMs = 60LL * 1000;  // a minute
        std::size_t maxTracked = 100000;            // numbers, and addresses, remembered
    };
    enum class Verdict { Allowed, NumberLimited, AddressLimited, GlobalLimited, Full };

    explicit CodeRequestLimiter(Limits limits) : limits_(limits) {}

    // Counts the request if every limit allows it.
    Verdict request(const QString& number, const QString& address, std::int64_t nowMs);

    [[nodiscard]] std::size_t trackedNumbers() const { return numbers_.size(); }
    [[nodiscard]] std::size_t trackedAddresses() const { return addresses_.size(); }

private:
    using Window = std::deque<std::int64_t>;
    static void expire(Window& times, std::int64_t before);
    // Forgets every key whose newest request left the window.
    void prune(std::map<QString, Window>& windows, std::int64_t nowMs);
    // The key's window, or nullptr when the map is full of live keys.
    Window* windowOf(std::map<QString, Window>& windows, const QString& key, std::int64_t nowMs);

    Limits limits_;
    std::map<QString, Window> numbers_;
    std::map<QString, Window> addresses_;
    Window global_;
};

}  // namespace tandem::relay
