// NodeLimits: every limit a service node (tandem-node) enforces, in one place (docs/onion.md).
#pragma once

#include <cstddef>

#include <QtGlobal>

#include "transport/daemon/ClientConnections.h"
#include "transport/onion/node/NodeStore.h"

namespace tandem::transport::onion {

struct NodeLimits {
    // Connections in all and per address (nodes and clients), the idle deadline, the request
    // rate (per connection: 2 000/s, bursts of 4 000), unread bytes, the emulated delay on
    // every incoming frame and reply (daemon/ClientConnections.h). Frames up to the full size
    // from the start: a node has no accounts.
    daemon::ConnectionLimits clients{
        .connections = {},
        .maxUnauthenticatedFrameBytes = SecureChannel::kMaxFrameBytes,
        .idleTimeoutMs = SecureChannel::kIdleTimeoutMs,
        .requestsPerSecond = 2000,
        .requestBurst = 4000,
        .maxPendingWriteBytes = 32 * 1024 * 1024,
        .linkDelayMs = 0,
    };
    int maxMalformedBeforeClose = 5;
    int maxWaitMs = 25000;  // longest long-poll
    int maxPollsPerRecipient = 4;
    int maxPolls = 2000;
    int replicateTimeoutMs = 3000;
    NodeStoreLimits store;  // what the node keeps: messages and bytes per Session ID and in all
    static constexpr qint64 kReplayWindowMs = 10 * 60 * 1000;
    static constexpr std::size_t kMaxReplayEntries = 200'000;
};

}  // namespace tandem::transport::onion
