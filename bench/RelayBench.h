// What relay_bench's runs share: the options, a tally of receptions per sequence number, and
// what one run found.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <vector>

#include <QString>

#include "bench/BenchSupport.h"

namespace tandem::bench {

struct Options {
    int messages = 50000;
    int window = 1000;
    int payload = 400;  // a short text, sealed and padded, is about this size
    int rate = 5000;
    int latencySeconds = 3;
    int reps = 3;
    int durabilityMessages = 20000;
    int e2eMessages = 400;
    bool trace = false;  // --trace: where each end-to-end message's time goes
    QString binDir;
};

// Counts receptions per sequence number: lost, duplicated.
class Tally {
public:
    explicit Tally(std::size_t n) : seen_(n) {}
    // Returns true the first time `seq` arrives.
    bool record(std::uint64_t seq) {
        if (seq >= seen_.size()) {
            stray_.fetch_add(1);
            return false;
        }
        const int before = seen_[seq].fetch_add(1);
        total_.fetch_add(1);
        return before == 0;
    }
    [[nodiscard]] std::int64_t total() const { return total_.load(); }
    [[nodiscard]] std::int64_t unique() const {
        std::int64_t n = 0;
        for (const auto& s : seen_) {
            n += s.load() > 0 ? 1 : 0;
        }
        return n;
    }
    [[nodiscard]] std::int64_t duplicates() const { return total() - unique(); }
    [[nodiscard]] bool has(std::uint64_t seq) const {
        return seq < seen_.size() && seen_[seq].load() > 0;
    }
    // For the wait after a restart: a predicate, true once nothing more has arrived for `quiet`.
    [[nodiscard]] auto quietFor(std::chrono::milliseconds quiet) const {
        return [this, quiet, last = std::int64_t{-1}, since = Clock::now()]() mutable {
            if (total() != last) {
                last = total();
                since = Clock::now();
            }
            return Clock::now() - since > quiet;
        };
    }

private:
    std::vector<std::atomic<int>> seen_;
    std::atomic<std::int64_t> total_{0};
    std::atomic<std::int64_t> stray_{0};
};

struct Result {
    double throughput = 0;  // messages/s
    Percentiles latency;
    std::int64_t lost = 0;
    std::int64_t duplicated = 0;
};

// A result with what was lost and duplicated of `sent` messages, as `tally` counted them.
inline Result lossesOf(const Tally& tally, std::int64_t sent) {
    Result r;
    r.lost = sent - tally.unique();
    r.duplicated = tally.duplicates();
    return r;
}

}  // namespace tandem::bench
