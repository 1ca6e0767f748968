// What the relay server's parts share (RelayServer.cpp: connections, messages, blobs;
// RelayServerAccounts.cpp: accounts, prekeys, discovery, certificates). Internal to the relay.
#pragma once

#include <optional>
#include <sodium.h>
#include <string>

#include <QByteArray>
#include <QElapsedTimer>

#include "transport/SecureChannel.h"
#include "transport/relay/server/RelayServer.h"

namespace tandem::relay {

struct RelayServer::Connection {
    transport::SecureChannel* channel = nullptr;
    QHostAddress peer;  // its slot in the gate
    std::optional<std::int64_t> account;
    std::int64_t lastSentId = 0;
    bool caughtUp = false;
    bool drainPending = false;
    bool closing = false;  // dropped: its close is on the way
    int authFailures = 0;
    double tokens = 0;
    QElapsedTimer clock;
};

namespace relaydetail {

inline QByteArray qbytes(const std::string& s) {
    return {s.data(), static_cast<qsizetype>(s.size())};
}

// Constant time: a password or code the client sent against what we keep.
inline bool sameBytes(const QByteArray& a, const std::string& b) {
    return a.size() == static_cast<qsizetype>(b.size()) &&
           sodium_memcmp(a.constData(), b.data(), b.size()) == 0;
}

}  // namespace relaydetail

}  // namespace tandem::relay
