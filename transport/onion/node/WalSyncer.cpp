#include "transport/onion/node/WalSyncer.h"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

#include <QFile>
#include <QFileInfo>

#include "storage/Database.h"
#include "transport/Transport.h"

namespace tandem::transport::onion {

namespace {

// fdatasync (fsync for a directory) of `path`; ENOENT is `missing`.
enum class SyncResult { Synced, Missing, Failed };

SyncResult syncPath(const QString& path, bool directory) {
    const QByteArray name = QFile::encodeName(path);
    const int flags = O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0);
    int fd = -1;
    do {
        fd = ::open(name.constData(), flags);  // NOLINT(cppcoreguidelines-pro-type-vararg)
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        return errno == ENOENT ? SyncResult::Missing : SyncResult::Failed;
    }
    // No retry on EINTR: Linux does not return it from fsync, and after a failed fsync the
    // dirty pages may be gone (a retry would "succeed" without them).
    const int rc = directory ? ::fsync(fd) : ::fdatasync(fd);
    ::close(fd);
    return rc == 0 ? SyncResult::Synced : SyncResult::Failed;
}

}  // namespace

WalSyncer::WalSyncer(QString databasePath)
    : databasePath_(std::move(databasePath)),
      walPath_(databasePath_ + QStringLiteral("-wal")),
      dirPath_(QFileInfo(databasePath_).absolutePath()),
      thread_([this] { run(); }) {}

WalSyncer::~WalSyncer() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void WalSyncer::whenDurable(Done done) {
    {
        const std::lock_guard lock(mutex_);
        waiting_.push_back(std::move(done));
    }
    wake_.notify_one();
}

std::int64_t WalSyncer::syncs() const {
    const std::lock_guard lock(mutex_);
    return syncs_;
}

std::int64_t WalSyncer::commits() const {
    const std::lock_guard lock(mutex_);
    return commits_;
}

void WalSyncer::run() {
    std::unique_lock lock(mutex_);
    while (true) {
        wake_.wait(lock, [this] { return stopping_ || !waiting_.empty(); });
        if (waiting_.empty()) {
            break;  // stopping, nothing left to sync
        }
        // Everything committed before this point is covered by the sync below.
        auto batch = std::make_shared<std::vector<Done>>();
        batch->swap(waiting_);
        lock.unlock();
        const bool durable = sync();
        const auto n = static_cast<int>(batch->size());
        QMetaObject::invokeMethod(
            &context_,
            [batch, durable] {
                for (const Done& done : *batch) {
                    done(durable);
                }
            },
            Qt::QueuedConnection);
        sinceCheckpoint_ += n;
        if (sinceCheckpoint_ >= kCheckpointEvery) {
            sinceCheckpoint_ = 0;
            checkpoint();
        }
        lock.lock();
        ++syncs_;
        commits_ += n;
    }
    lock.unlock();
    checkpointDb_.reset();  // before the store closes its own (last) connection
}

bool WalSyncer::sync() {
    SyncResult wal = syncPath(walPath_, false);
    if (wal == SyncResult::Missing) {
        // No WAL (never written, or removed at a clean close): the commits are in the file.
        wal = syncPath(databasePath_, false);
    }
    if (wal != SyncResult::Synced) {
        qCCritical(lcNode) << "the store's write-ahead log could not be synced to the disk";
        return false;
    }
    if (!dirSynced_) {
        // The WAL file may be new since the node started: its directory entry too, once.
        if (syncPath(dirPath_, true) != SyncResult::Synced) {
            qCCritical(lcNode) << "the store's folder could not be synced to the disk";
            return false;
        }
        dirSynced_ = true;
    }
    return true;
}

void WalSyncer::checkpoint() {
    if (!checkpointDb_) {
        auto db = storage::Database::open(databasePath_, nullptr);
        if (!db) {
            qCWarning(lcNode) << "no checkpoint connection (the event loop's autocheckpoint "
                                 "keeps the WAL bounded):"
                              << db.error().message;
            return;
        }
        checkpointDb_ = std::move(db).value();
    }
    // PASSIVE: copies what no reader needs, never waits for or blocks the loop's writes.
    if (auto r = checkpointDb_->exec("PRAGMA wal_checkpoint(PASSIVE);"); !r) {
        qCWarning(lcNode) << "checkpoint:" << r.error().message;
    }
}

}  // namespace tandem::transport::onion
