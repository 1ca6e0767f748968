#include "storage/Store.h"

#include <set>

#include <QDateTime>
#include <QDir>
#include <QFile>

#include "storage/SqlCipher.h"
#include "storage/StorageLog.h"

namespace tandem::storage {

Store::Store(Keychain keychain) : worker_(new QObject), keychain_(std::move(keychain)) {
    thread_.setObjectName(QStringLiteral("tandem-storage"));
    worker_->moveToThread(&thread_);
    QObject::connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    thread_.start();
}

Store::~Store() {
    // Queued after every task already submitted: they all run first.
    QMetaObject::invokeMethod(
        worker_,
        [this] {
            profile_.reset();
            open_ = false;
            // SQLCipher's OpenSSL keeps per-thread state that a thread-exit destructor frees.
            // At process exit, OpenSSL's own atexit cleanup can free it first from the main
            // thread while this thread is still ending: a double free (seen under ASan in
            // tandemctl). Released here, on this thread, nothing is left for either.
            SqlCipher::releaseThreadState();
            thread_.quit();
        },
        Qt::QueuedConnection);
    thread_.wait();
}

Database* Store::database() {
    Q_ASSERT(QThread::currentThread() == &thread_);
    return profile_ ? profile_->db.get() : nullptr;
}

QFuture<StoreResult<void>> Store::create(const QString& dir, Credentials credentials,
                                         KdfStrength strength) {
    return post([this, dir, credentials = std::move(credentials), strength]() -> StoreResult<void> {
        if (profile_) {
            return storeError(StoreErrorCode::InvalidArgument,
                              QStringLiteral("A profile is already open in this store."));
        }
        TANDEM_TRY_ASSIGN(auto opened,
                          Profile::create(dir, credentials.unlock(),
                                          KdfParams::forStrength(strength), keychain_));
        profile_ = std::move(opened);
        dir_ = dir;
        setFolder(dir);
        open_ = true;
        return {};
    });
}

QFuture<StoreResult<void>> Store::open(const QString& dir, Credentials credentials) {
    return post([this, dir, credentials = std::move(credentials)]() -> StoreResult<void> {
        if (profile_) {
            return storeError(StoreErrorCode::InvalidArgument,
                              QStringLiteral("A profile is already open in this store."));
        }
        TANDEM_TRY_ASSIGN(auto opened, Profile::open(dir, credentials.unlock(), keychain_));
        profile_ = std::move(opened);
        dir_ = dir;
        // Nothing that expired while the profile was closed is ever read.
        if (auto expired = expireNow(QDateTime::currentMSecsSinceEpoch()); !expired) {
            profile_.reset();
            return unexpected(std::move(expired).error());
        }
        removeUnnamedFiles();
        setFolder(dir);
        open_ = true;
        return {};
    });
}

QFuture<StoreResult<std::vector<MessageRef>>> Store::expire(std::int64_t nowMs) {
    return post([this, nowMs] { return expireNow(nowMs); });
}

StoreResult<std::vector<MessageRef>> Store::expireNow(std::int64_t nowMs) {
    // A sticker pack known only from expired messages goes with them (in the same transaction,
    // so neither is left behind alone); the local copies of their files, after the commit.
    std::vector<QString> files;
    auto deleteExpired = [nowMs, &files](Repositories& r) -> StoreResult<std::vector<MessageRef>> {
        TANDEM_TRY_ASSIGN(files, r.attachments.localFilesExpiring(nowMs));
        TANDEM_TRY_ASSIGN(auto expired, r.messages.deleteExpired(nowMs));
        if (!expired.empty()) {
            TANDEM_TRY(r.stickers.removeUnreferenced());
        }
        return expired;
    };
    auto expired = runTransaction(deleteExpired, Transaction::Kind::Immediate);
    if (expired) {
        removeLocalFiles(files);
    }
    if (expired && !expired->empty()) {
        // The deleted rows' pages went to the WAL as zeroed pages; copying them into the
        // database and truncating the WAL leaves no older copy of the text in either file.
        if (auto checkpoint = database()->exec("PRAGMA wal_checkpoint(TRUNCATE);"); !checkpoint) {
            qCWarning(lcStorage) << "checkpoint after deleting expired messages:"
                                 << checkpoint.error().message;
        }
    }
    return expired;
}

QString Store::folder() const {
    const QMutexLocker lock(&folderMutex_);
    return folder_;
}

void Store::setFolder(const QString& dir) {
    const QMutexLocker lock(&folderMutex_);
    folder_ = dir;
}

QString Store::attachmentFolder() const {
    return dir_ + QStringLiteral("/attachments");
}

void Store::removeLocalFiles(const std::vector<QString>& names) {
    for (const QString& name : names) {
        // A name is ours (32 hex digits and a suffix), but never let one reach outside.
        if (name.contains(u'/') || name.startsWith(u'.')) {
            continue;
        }
        QFile file(attachmentFolder() + u'/' + name);
        if (file.exists() && !file.remove()) {
            qCWarning(lcStorage) << "could not remove an attachment's local copy:"
                                 << file.errorString();
        }
    }
}

void Store::removeUnnamedFiles() {
    const QDir folder(attachmentFolder());
    if (!folder.exists()) {
        return;
    }
    auto named = [this]() -> StoreResult<std::vector<QString>> {
        Repositories r(*database());
        return r.attachments.localFiles();
    }();
    if (!named) {
        qCWarning(lcStorage) << "listing attachments:" << named.error().message;
        return;
    }
    const std::set<QString> keep(named->begin(), named->end());
    std::vector<QString> orphans;
    for (const QString& name : folder.entryList(QDir::Files | QDir::Hidden | QDir::System)) {
        if (keep.count(name) == 0) {
            orphans.push_back(name);
        }
    }
    if (!orphans.empty()) {
        qCInfo(lcStorage) << "removing" << orphans.size()
                          << "attachment files no message names (left by an interruption)";
        removeLocalFiles(orphans);
    }
}

QFuture<StoreResult<void>> Store::changeCredentials(Credentials current, Credentials target,
                                                    KdfStrength strength) {
    return post([this, current = std::move(current), target = std::move(target),
                 strength]() -> StoreResult<void> {
        if (!profile_) {
            return storeError(StoreErrorCode::Closed, QStringLiteral("The profile is not open."));
        }
        TANDEM_TRY(Profile::changeKeyProtection(dir_, current.unlock(), target.unlock(),
                                                KdfParams::forStrength(strength), keychain_));
        profile_->protection = target.protection;
        return {};
    });
}

QFuture<StoreResult<void>> Store::verify() {
    return post([this]() -> StoreResult<void> {
        Database* db = database();
        if (db == nullptr) {
            return storeError(StoreErrorCode::Closed, QStringLiteral("The profile is not open."));
        }
        return db->verify();
    });
}

QFuture<void> Store::close() {
    return post([this] {
        if (profile_) {
            if (auto closed = profile_->db->close(); !closed) {
                qCWarning(lcStorage) << "close:" << closed.error().message;
            }
            profile_.reset();
        }
        setFolder(QString());
        open_ = false;
    });
}

}  // namespace tandem::storage
