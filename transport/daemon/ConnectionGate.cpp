#include "transport/daemon/ConnectionGate.h"

namespace tandem::daemon {

QString ConnectionGate::keyOf(const QHostAddress& peer) {
    // An IPv4 client seen on a dual-stack socket is the same host as its IPv4 address.
    bool isV4 = false;
    const quint32 v4 = peer.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4).toString() : peer.toString();
}

bool ConnectionGate::admit(const QHostAddress& peer) {
    if (total_ >= limits_.maxConnections) {
        return false;
    }
    int& count = perAddress_[keyOf(peer)];
    if (count >= limits_.maxPerAddress) {
        if (count == 0) {
            perAddress_.erase(keyOf(peer));
        }
        return false;
    }
    ++count;
    ++total_;
    return true;
}

void ConnectionGate::release(const QHostAddress& peer) {
    const auto it = perAddress_.find(keyOf(peer));
    if (it == perAddress_.end()) {
        return;
    }
    --total_;
    if (--it->second <= 0) {
        perAddress_.erase(it);
    }
}

int ConnectionGate::from(const QHostAddress& peer) const {
    const auto it = perAddress_.find(keyOf(peer));
    return it == perAddress_.end() ? 0 : it->second;
}

}  // namespace tandem::daemon
