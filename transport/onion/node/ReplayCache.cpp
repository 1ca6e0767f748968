#include "transport/onion/node/ReplayCache.h"

namespace tandem::transport::onion {

ReplayCache::ReplayCache(qint64 windowMs, std::size_t maxEntries)
    : windowMs_(windowMs), maxEntries_(maxEntries) {
    clock_.start();
}

void ReplayCache::dropOldest() {
    const auto it = expiry_.find(order_.front().second);
    if (it != expiry_.end() && it->second == order_.front().first) {
        expiry_.erase(it);
    }
    order_.pop_front();
}

void ReplayCache::purge() {
    const qint64 t = clock_.elapsed();
    while (!order_.empty() && order_.front().first <= t) {
        dropOldest();
    }
}

bool ReplayCache::seen(const crypto::PublicKey& ephemeral) {
    const qint64 t = clock_.elapsed();
    // Oldest first out: expired entries, then (when full) the oldest still in the window.
    while (!order_.empty() && (order_.front().first <= t || expiry_.size() >= maxEntries_)) {
        dropOldest();
    }
    const auto it = expiry_.find(ephemeral);
    if (it != expiry_.end() && it->second > t) {
        return true;
    }
    const qint64 expires = t + windowMs_;
    expiry_[ephemeral] = expires;
    order_.emplace_back(expires, ephemeral);
    return false;
}

}  // namespace tandem::transport::onion
