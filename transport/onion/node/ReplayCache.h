// ReplayCache: the onion layers a node has peeled, by their ephemeral key, for `windowMs`
// (monotonic clock), at most `maxEntries` (the oldest go first). A layer seen again within
// the window is a replay and is refused.
#pragma once

#include <cstddef>
#include <deque>
#include <map>

#include <QElapsedTimer>

#include "crypto/Primitives.h"

namespace tandem::transport::onion {

class ReplayCache {
public:
    ReplayCache(qint64 windowMs, std::size_t maxEntries);

    // True if `ephemeral` was seen within the window; otherwise it is remembered now.
    bool seen(const crypto::PublicKey& ephemeral);
    // Forgets what has expired.
    void purge();

private:
    void dropOldest();

    qint64 windowMs_;
    std::size_t maxEntries_;
    QElapsedTimer clock_;
    std::map<crypto::PublicKey, qint64> expiry_;              // ephemeral key → expiry
    std::deque<std::pair<qint64, crypto::PublicKey>> order_;  // in insertion order
};

}  // namespace tandem::transport::onion
