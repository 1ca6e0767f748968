// RelayRecords: the relay's signed mutable records (crypto/SignedRecord.h) for signed-in
// clients: PutRecord and GetRecord over a RecordStore (relay.db's RecordTable, or Redis). The
// relay checks every record itself (the signature, the address of the owner key, the size, a
// version higher than the one held; the same record again is an idempotent success). Puts are rate
// limited per account (RelayLimits::recordPutsPerSecond, recordPutBurst); all records
// together are bounded (maxRecordBytesTotal); a record lives 30 days from its last put.
#pragma once

#include <cstdint>
#include <map>
#include <memory>

#include "tandem/relay.pb.h"
#include "transport/daemon/TokenBucket.h"
#include "transport/relay/server/RecordStore.h"
#include "transport/relay/server/RelayClients.h"
#include "transport/relay/server/RelayLimits.h"

namespace tandem::relay {

class RelayRecords {
public:
    RelayRecords(std::unique_ptr<RecordStore> store, const RelayLimits& limits,
                 RelayClients& clients);

    // `c` is signed in (RelayServer checks).
    void put(const RelayClient& c, std::uint64_t id, const proto::relay::PutRecord& r);
    void get(const RelayClient& c, std::uint64_t id, const proto::relay::GetRecord& r);
    // Removes records past their lifetime.
    void purge(std::int64_t now) { (void)table_->purge(now); }

private:
    const RelayLimits& limits_;
    RelayClients& clients_;
    std::unique_ptr<RecordStore> table_;
    std::map<std::int64_t, daemon::TokenBucket> puts_;  // per account
};

}  // namespace tandem::relay
