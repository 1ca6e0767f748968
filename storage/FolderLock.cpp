#include "storage/FolderLock.h"

namespace tandem::storage {

Expected<std::unique_ptr<QLockFile>, FolderLockOwner> lockFolder(const QString& lockFile) {
    auto lock = std::make_unique<QLockFile>(lockFile);
    lock->setStaleLockTime(0);
    if (lock->tryLock(0)) {
        return lock;
    }
    FolderLockOwner owner;
    if (lock->error() == QLockFile::LockFailedError) {
        QString host;
        lock->getLockInfo(&owner.pid, &host, &owner.program);
    }
    return unexpected(owner);
}

}  // namespace tandem::storage
