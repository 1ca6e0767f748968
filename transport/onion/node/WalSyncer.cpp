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

int openForSync(const QString& path, bool directory) {
    const QByteArray name = QFile::encodeName(path);
    const int flags = O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0);
    int fd = -1;
    do {
        fd = ::open(name.constData(), flags);  // NOLINT(cppcoreguidelines-pro-type-vararg)
    } while (fd < 0 && errno == EINTR);
    return fd;
}

// No retry on EINTR: Linux does not return it from fsync, and after a failed fsync the dirty
// pages may be gone (a retry would "succeed" without them).
bool syncOnce(const QString& path, bool directory) {
    const int fd = openForSync(path, directory);
    if (fd < 0) {
        return false;
    }
    const int rc = directory ? ::fsync(fd) : ::fdatasync(fd);
    ::close(fd);
    return rc == 0;
}

}  // namespace

WalSyncer::WalSyncer(QString databasePath, SyncFunction sync)
    : databasePath_(std::move(databasePath)),
      walPath_(databasePath_ + QStringLiteral("-wal")),
      dirPath_(QFileInfo(databasePath_).absolutePath()),
      syncFunction_(std::move(sync)),
      thread_([this] { run(); }) {}

WalSyncer::~WalSyncer() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
    if (walFd_ >= 0) {
        ::close(walFd_);
    }
}

void WalSyncer::whenDurable(Done done) {
    {
        const std::lock_guard lock(mutex_);
        if (waiting_.size() < kMaxWaiting) {
            waiting_.push_back(std::move(done));
            done = nullptr;
        }
    }
    if (done) {
        // Over the bound: not confirmed, from the event loop like every answer.
        QMetaObject::invokeMethod(
            &context_, [refused = std::move(done)] { refused(false); }, Qt::QueuedConnection);
        return;
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

std::int64_t WalSyncer::checkpoints() const {
    const std::lock_guard lock(mutex_);
    return checkpoints_;
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
        // Once failed, never again: see the header.
        bool durable = !failed();
        if (durable) {
            durable = syncFunction_ ? syncFunction_() : sync();
            if (!durable) {
                failed_.store(true, std::memory_order_release);
                qCCritical(lcNode) << "the store could not be synced to the disk: this node "
                                      "takes no more writes until it is restarted";
            }
        }
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
        bool checkpointed = false;
        if (sinceCheckpoint_ >= kCheckpointEvery && !failed()) {
            sinceCheckpoint_ = 0;
            checkpointed = checkpoint();
        }
        lock.lock();
        checkpoints_ += checkpointed ? 1 : 0;
        ++syncs_;
        commits_ += n;
    }
    lock.unlock();
    checkpointDb_.reset();  // before the store closes its own (last) connection
}

bool WalSyncer::sync() {
    if (walFd_ < 0) {
        // The store's connection opened the WAL before the syncer was made, and keeps it
        // while it is open. (The database file itself is never opened here: closing any
        // descriptor of it would drop the connection's POSIX locks.)
        walFd_ = openForSync(walPath_, false);
        if (walFd_ < 0) {
            return false;
        }
    }
    if (::fdatasync(walFd_) != 0) {
        return false;
    }
    if (!dirSynced_) {
        // The WAL file may be new since the node started: its directory entry too, once.
        if (!syncOnce(dirPath_, true)) {
            return false;
        }
        dirSynced_ = true;
    }
    return true;
}

bool WalSyncer::checkpoint() {
    if (!checkpointDb_) {
        auto db = storage::Database::open(databasePath_, nullptr);
        if (!db) {
            qCWarning(lcNode) << "no checkpoint connection (the event loop's autocheckpoint "
                                 "keeps the WAL bounded):"
                              << db.error().message;
            return false;
        }
        checkpointDb_ = std::move(db).value();
    }
    // PASSIVE: copies what no reader needs, never waits for or blocks the loop's writes.
    if (auto r = checkpointDb_->exec("PRAGMA wal_checkpoint(PASSIVE);"); !r) {
        qCWarning(lcNode) << "checkpoint:" << r.error().message;
        return false;
    }
    return true;
}

}  // namespace tandem::transport::onion
