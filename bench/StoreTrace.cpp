#include "bench/StoreTrace.h"

#include <algorithm>
#include <sqlite3.h>

#include "app/core/Await.h"
#include "bench/BenchSupport.h"
#include "storage/Store.h"

namespace tandem::bench {

void StoreTrace::attach(storage::Store& store) {
    (void)core::awaitFuture(
        store.write([this](storage::Repositories& r) -> storage::StoreResult<void> {
            sqlite3* db = r.db.handle();
            sqlite3_trace_v2(db, SQLITE_TRACE_STMT | SQLITE_TRACE_PROFILE, &StoreTrace::onTrace,
                             this);
            // Replaces the default auto-checkpoint hook: onWal() checkpoints as it did.
            sqlite3_wal_hook(db, &StoreTrace::onWal, this);
            return {};
        }));
}

void StoreTrace::attachCommitsOnly(storage::Store& store) {
    commitsOnly_ = true;
    (void)core::awaitFuture(
        store.write([this](storage::Repositories& r) -> storage::StoreResult<void> {
            sqlite3_wal_hook(r.db.handle(), &StoreTrace::onWal, this);
            return {};
        }));
}

int StoreTrace::onTrace(unsigned type, void* context, void* statement, void* /*x*/) {
    // SQLite 3.15 times a statement in whole milliseconds: the start is taken here instead.
    auto* self = static_cast<StoreTrace*>(context);
    const std::int64_t now = nowNs();
    const std::lock_guard lock(self->mutex_);
    if (type == SQLITE_TRACE_STMT) {
        self->started_[statement] = now;
        return 0;
    }
    if (type != SQLITE_TRACE_PROFILE) {
        return 0;
    }
    const auto started = self->started_.find(statement);
    if (started == self->started_.end()) {
        return 0;
    }
    const std::int64_t begun = started->second;
    self->started_.erase(started);
    const char* sql = sqlite3_sql(static_cast<sqlite3_stmt*>(statement));
    const std::string text = sql != nullptr ? sql : "?";
    auto& [total, count] = self->statements_[text];
    total += now - begun;
    ++count;
    if (text.rfind("BEGIN", 0) == 0) {
        self->open_ = Commit{begun, 0, 0, 0};
    } else if (text.rfind("COMMIT", 0) == 0 && self->open_.beganNs != 0) {
        self->open_.committingNs = begun;
        self->open_.endNs = now;
        self->commits_.push_back(self->open_);
        self->open_ = Commit{};
    }
    return 0;
}

int StoreTrace::onWal(void* context, sqlite3* db, const char* name, int pages) {
    auto* self = static_cast<StoreTrace*>(context);
    {
        const std::lock_guard lock(self->mutex_);
        // A WAL started again after a checkpoint counts from zero. SQLite calls this right
        // after the COMMIT's profile callback: the pages are that commit's.
        const int added = pages >= self->walPages_ ? pages - self->walPages_ : pages;
        self->walPages_ = pages;
        if (self->commitsOnly_) {
            const std::int64_t now = nowNs();
            self->commits_.push_back(Commit{now, now, now, added});
        } else if (!self->commits_.empty()) {
            self->commits_.back().pages = added;
        }
    }
    if (pages >= 1000) {  // what SQLite's own hook does (wal_autocheckpoint = 1000)
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    }
    return SQLITE_OK;
}

StoreTrace::Commit StoreTrace::firstCommitAfter(std::int64_t sinceNs) const {
    const std::lock_guard lock(mutex_);
    for (const Commit& c : commits_) {
        if (c.beganNs >= sinceNs && c.pages > 0) {
            return c;
        }
    }
    return {};
}

int StoreTrace::commitsBetween(std::int64_t fromNs, std::int64_t toNs) const {
    const std::lock_guard lock(mutex_);
    return static_cast<int>(std::count_if(commits_.begin(), commits_.end(), [&](const Commit& c) {
        return c.pages > 0 && c.endNs >= fromNs && c.endNs < toNs;
    }));
}

void StoreTrace::printStatements(std::FILE* out, const char* who, int top) const {
    std::vector<std::pair<std::string, std::pair<std::int64_t, int>>> rows;
    {
        const std::lock_guard lock(mutex_);
        rows.assign(statements_.begin(), statements_.end());
    }
    std::sort(rows.begin(), rows.end(),
              [](const auto& a, const auto& b) { return a.second.first > b.second.first; });
    {
        const std::lock_guard lock(mutex_);
        const auto writes = std::count_if(commits_.begin(), commits_.end(),
                                          [](const Commit& c) { return c.pages > 0; });
        std::fprintf(out, "\n%s: %zu commits, %ld of them wrote pages\n", who, commits_.size(),
                     static_cast<long>(writes));
    }
    std::fprintf(out, "%s: SQL statements by total time (µs total, count, µs each)\n", who);
    for (int i = 0; i < top && i < static_cast<int>(rows.size()); ++i) {
        const auto& [sql, cost] = rows[static_cast<std::size_t>(i)];
        std::fprintf(out, "  %9.0f %6d %7.1f  %.110s\n", static_cast<double>(cost.first) / 1e3,
                     cost.second, static_cast<double>(cost.first) / 1e3 / cost.second, sql.c_str());
    }
}

void StoreTrace::clearStatements() {
    const std::lock_guard lock(mutex_);
    statements_.clear();
}

}  // namespace tandem::bench
