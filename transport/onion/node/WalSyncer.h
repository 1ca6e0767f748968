// WalSyncer: makes a node store's commits durable off the node's event loop (group commit).
//
// The store commits on the event loop with synchronous=NORMAL: a commit's WAL frames are
// written to the kernel before it returns (a SIGKILL of the node loses nothing), but not
// fsynced. whenDurable(done) queues `done`; one thread fdatasyncs the WAL once for everything
// committed before that sync began, then hands each `done` back to the thread the syncer was
// made on (its event loop). Commits queued while a sync runs share the next one, so under load
// several stores cost one fsync, and the event loop never waits for the disk.
//
// It also keeps the WAL short: every kCheckpointEvery commits it checkpoints (PASSIVE, on its
// own connection, after handing the batch back), so the event loop's own autocheckpoint — two
// fsyncs — only fires past the store's fallback bound.
//
// A failed sync is final: after EIO Linux may have dropped the dirty pages and marked them
// clean, so a later fdatasync would succeed without them (and WAL frames chain, so commits
// after lost frames are lost at recovery too). From the first failure on, every whenDurable
// answers `false` without syncing, failed() is true (the store then refuses writes), and only
// a restart — SQLite's recovery from what really is on the disk — makes the node take writes
// again. The WAL is synced through one descriptor kept open for the syncer's life, so an error
// reported on it cannot be missed by a descriptor opened after it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <QObject>
#include <QString>

namespace tandem::storage {
class Database;
}

namespace tandem::transport::onion {

class WalSyncer {
public:
    using Done = std::function<void(bool durable)>;
    // What makes the commits so far durable, on the syncer's thread; false on failure. Empty:
    // fdatasync of the WAL (tests pass one that fails or waits).
    using SyncFunction = std::function<bool()>;
    // Commits between two checkpoints from the syncer's thread (a store writes about four
    // pages: about 1 000 WAL frames, SQLite's own autocheckpoint bound).
    static constexpr int kCheckpointEvery = 256;
    // Answers waiting for a sync at most (a disk that hangs must not grow them without
    // bound): past it, whenDurable answers `false` at once; the commit stays, the writer
    // hears "not confirmed" and retries (deduped). Not a failure: later syncs go on.
    static constexpr std::size_t kMaxWaiting = 65'536;

    // `databasePath`: the store's file (its WAL is databasePath + "-wal").
    explicit WalSyncer(QString databasePath, SyncFunction sync = {});
    // Stops the thread after a last sync; callbacks not yet handed back are dropped.
    ~WalSyncer();
    WalSyncer(const WalSyncer&) = delete;
    WalSyncer& operator=(const WalSyncer&) = delete;

    // From the owner's thread, after a commit: `done` runs there once that commit is on the
    // disk (or the sync failed).
    void whenDurable(Done done);

    // Whether a sync failed: nothing committed since is known to be on the disk.
    [[nodiscard]] bool failed() const { return failed_.load(std::memory_order_acquire); }

    // Syncs performed and commits they covered so far (for the bench and tests).
    [[nodiscard]] std::int64_t syncs() const;
    [[nodiscard]] std::int64_t commits() const;
    // Checkpoints the syncer's connection completed without an error.
    [[nodiscard]] std::int64_t checkpoints() const;

private:
    void run();
    bool sync();
    bool checkpoint();

    QString databasePath_;
    QString walPath_;
    QString dirPath_;
    SyncFunction syncFunction_;
    std::atomic<bool> failed_{false};
    QObject context_;  // lives on the owner's thread: callbacks are posted to it
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<Done> waiting_;
    bool stopping_ = false;
    std::int64_t syncs_ = 0;
    std::int64_t commits_ = 0;
    std::int64_t checkpoints_ = 0;
    // The syncer's thread only:
    int walFd_ = -1;  // open from the first sync that finds the WAL until the end
    bool dirSynced_ = false;
    int sinceCheckpoint_ = 0;
    std::unique_ptr<storage::Database> checkpointDb_;
    std::thread thread_;  // last: started once everything above is set
};

}  // namespace tandem::transport::onion
