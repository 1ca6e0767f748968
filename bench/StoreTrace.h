// relay_bench --trace: what one profile's store does while a message crosses, seen from SQLite
// itself — a profile callback on every statement and the WAL hook after every commit — so the
// core carries no tracing code at all. Bench only; the callbacks cost a few µs per statement.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <vector>

struct sqlite3;

namespace tandem::storage {
class Store;
}

namespace tandem::bench {

class StoreTrace {
public:
    struct Commit {
        std::int64_t beganNs = 0;       // BEGIN started
        std::int64_t committingNs = 0;  // COMMIT started
        std::int64_t endNs = 0;         // COMMIT returned
        int pages = 0;                  // WAL frames the commit added
    };

    // Hooks the store's connection (on its thread); returns once they are in place.
    void attach(storage::Store& store);
    // Only the WAL hook, which SQLite calls once a commit is done: when each commit that wrote
    // pages ended (beganNs = committingNs = endNs), nothing per statement. What the
    // end-to-end run uses, without --trace, to see when the recipient's store has a message.
    void attachCommitsOnly(storage::Store& store);
    // The first commit that wrote pages, of a transaction begun at or after `sinceNs`;
    // endNs == 0 if none.
    [[nodiscard]] Commit firstCommitAfter(std::int64_t sinceNs) const;
    // Commits that wrote pages and ended in [fromNs, toNs).
    [[nodiscard]] int commitsBetween(std::int64_t fromNs, std::int64_t toNs) const;
    // Per statement (its SQL text, no bound values): total time and count, the `top` dearest.
    void printStatements(std::FILE* out, const char* who, int top) const;
    void clearStatements();

private:
    static int onTrace(unsigned type, void* context, void* statement, void* x);
    static int onWal(void* context, sqlite3* db, const char* name, int pages);

    mutable std::mutex mutex_;
    std::vector<Commit> commits_;
    Commit open_;
    int walPages_ = 0;
    bool commitsOnly_ = false;
    std::map<std::string, std::pair<std::int64_t, int>> statements_;
    std::map<void*, std::int64_t> started_;  // statements running, when they began
};

}  // namespace tandem::bench
