// Session mode's account set-up, one path for tandemctl (init session) and the app: a new
// identity or one restored from its recovery phrase is stored in the profile with the network
// settings, unless the profile has a Session ID already.
#pragma once

#include <memory>

#include <QFuture>
#include <QList>
#include <QStringList>

#include <tandem/common/Expected.h>

#include "app/core/CoreError.h"
#include "app/core/NetworkConfig.h"
#include "crypto/session/SessionKeys.h"
#include "storage/Store.h"

namespace tandem::core::sessionmode {

// A new identity whose recovery phrase the user writes down, then proves by typing back the
// words at kConfirmWords positions chosen at random.
inline constexpr int kConfirmWords = 3;
struct NewIdentity {
    crypto::session::SessionIdentity identity;
    QStringList words;   // the recovery phrase
    QList<int> confirm;  // kConfirmWords positions in `words`, 0-based, ascending
};
std::unique_ptr<NewIdentity> newIdentity();
// Checks the typed-back words (one per position of `confirm`, any case, spaces around
// ignored; compared in constant time): -1 when all match, the first wrong position else, or
// -2 when there is not one answer per position.
int firstWrongWord(const NewIdentity& pending, const QStringList& answers);

// The identity a recovery phrase restores, or why the phrase is not one.
Expected<crypto::session::SessionIdentity, QString> restoreIdentity(const QString& phrase);

struct Saved {
    // Empty: `identity` was stored. Else the Session ID the profile has already (nothing was
    // stored; it may be this identity's own).
    QString existing;
};
// Stores `identity` and `network` (which must name an onion network) in the profile.
QFuture<CoreResult<Saved>> saveAccount(storage::Store& store,
                                       const crypto::session::SessionIdentity& identity,
                                       const NetworkConfig& network);

}  // namespace tandem::core::sessionmode
