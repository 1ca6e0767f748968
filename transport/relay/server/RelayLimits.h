// RelayLimits: every limit the relay (tandem-relayd) enforces, in one place (docs/relay.md).
#pragma once

#include <QtGlobal>

#include "transport/daemon/ClientConnections.h"
#include "transport/relay/server/CodeRequestLimiter.h"
#include "transport/relay/server/IdentifiedSendLimiter.h"

namespace tandem::relay {

struct RelayLimits {
    // Connections in all and per client address, the idle deadline, the request rate (per
    // connection: 20 000/s sustained, bursts of 40 000), unread bytes, the emulated link
    // delay (daemon/ClientConnections.h). What a client that has not authenticated may send
    // in one frame: a sealed send and its framing (blobs and prekeys need an account).
    daemon::ConnectionLimits clients{
        .connections = {},
        .maxUnauthenticatedFrameBytes = 300 * 1024 + 16 * 1024,
        .idleTimeoutMs = transport::SecureChannel::kIdleTimeoutMs,
        .requestsPerSecond = 20000,
        .requestBurst = 40000,
        .maxPendingWriteBytes = 32 * 1024 * 1024,
        .linkDelayMs = 0,
    };
    qint64 maxEnvelopeBytes = 300 * 1024;
    qint64 maxQueuedPerAccount = 50000;
    qint64 maxQueuedBytesPerAccount = 256LL * 1024 * 1024;  // a mailbox's envelopes, together
    qint64 maxBlobBytes = 8 * 1024 * 1024;
    qint64 maxBlobChunk = 512 * 1024;
    qint64 maxBlobBytesTotal = 4LL * 1024 * 1024 * 1024;  // every blob together (BlobStore.h)
    // Signed records (RelayRecords): puts per account — bursts of 30, then one every 2 s —
    // and all records together, each charged its payload and RecordTable::kRowCharge.
    double recordPutsPerSecond = 0.5;
    int recordPutBurst = 30;
    qint64 maxRecordBytesTotal = 1LL * 1024 * 1024 * 1024;
    int maxPreKeysPerUpload = 100;
    int maxPreKeysStored = 200;
    // A bundle fetch that leaves an account fewer one-time prekeys than this tells its
    // connections (PreKeysLow), so a client being drained uploads more at once.
    int preKeysLowWater = 20;
    int maxAcksPerFrame = 1000;
    int maxLookupPerRequest = 50;
    int lookupsPerHour = 500;  // per account, bundles included
    // Identified sends (no access key, on the sender's authenticated connection): per account,
    // 200 distinct recipients a day and 2 000 sends an hour (bursts of as many); past either,
    // RATE_LIMITED saying which (IdentifiedSendLimiter).
    IdentifiedSendLimiter::Limits identifiedSends;
    CodeRequestLimiter::Limits codeRequests;  // per number, per address, in all
    int authFailuresBeforeClose = 5;
    qint64 defaultTtlMs = 14LL * 24 * 3600 * 1000;
    qint64 maxTtlMs = 30LL * 24 * 3600 * 1000;
    int deliveryBatch = 256;
    // A delivery frame's envelopes, in bytes: far below SecureChannel::kMaxFrameBytes (what a
    // client accepts), so any backlog of maximum-size envelopes drains.
    qint64 maxDeliveryBytes = 2 * 1024 * 1024;
    qint64 certificateLifetimeMs = 24LL * 3600 * 1000;
    qint64 codeLifetimeMs = 10LL * 60 * 1000;
};

}  // namespace tandem::relay
