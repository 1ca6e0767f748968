// One process per folder: the lock a profile, a relay and a node hold on their data folder.
// A second process that opens the same folder would share its keys and database behind the
// first one's back (a relay's two instances overwrote each other's relay.json). The lock is a
// QLockFile that only its owner's death makes stale (Qt checks that the pid is gone), never
// its age: a daemon killed outright can be restarted at once, a slow one is never robbed.
#pragma once

#include <memory>

#include <QLockFile>
#include <QString>

#include <tandem/common/Expected.h>

namespace tandem::storage {

struct FolderLockOwner {
    qint64 pid = 0;   // 0: the lock file could not be created at all
    QString program;  // the owner's name, as it recorded it
};

Expected<std::unique_ptr<QLockFile>, FolderLockOwner> lockFolder(const QString& lockFile);

}  // namespace tandem::storage
