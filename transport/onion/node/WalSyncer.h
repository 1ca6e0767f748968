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
// fsyncs — only fires past the store's fallback bound. A sync that fails (EIO) answers
// `false`: what was committed is not known to be on the disk, and the caller says so.
#pragma once

#include <condition_variable>
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
    // Commits between two checkpoints from the syncer's thread (a store writes about four
    // pages: about 1 000 WAL frames, SQLite's own autocheckpoint bound).
    static constexpr int kCheckpointEvery = 256;

    // `databasePath`: the store's file (its WAL is databasePath + "-wal").
    explicit WalSyncer(QString databasePath);
    // Stops the thread after a last sync; callbacks not yet handed back are dropped.
    ~WalSyncer();
    WalSyncer(const WalSyncer&) = delete;
    WalSyncer& operator=(const WalSyncer&) = delete;

    // From the owner's thread, after a commit: `done` runs there once that commit is on the
    // disk (or the sync failed).
    void whenDurable(Done done);

    // Syncs performed and commits they covered so far (for the bench and tests).
    [[nodiscard]] std::int64_t syncs() const;
    [[nodiscard]] std::int64_t commits() const;

private:
    void run();
    bool sync();
    void checkpoint();

    QString databasePath_;
    QString walPath_;
    QString dirPath_;
    QObject context_;  // lives on the owner's thread: callbacks are posted to it
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<Done> waiting_;
    bool stopping_ = false;
    std::int64_t syncs_ = 0;
    std::int64_t commits_ = 0;
    // The syncer's thread only:
    bool dirSynced_ = false;
    int sinceCheckpoint_ = 0;
    std::unique_ptr<storage::Database> checkpointDb_;
    std::thread thread_;  // last: started once everything above is set
};

}  // namespace tandem::transport::onion
