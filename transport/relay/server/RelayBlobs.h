// RelayBlobs: the relay's file store requests (PutBlob, GetBlob by range) over BlobStore,
// for signed-in clients: 1 byte to maxBlobBytes a blob, at most maxBlobChunk a read.
#pragma once

#include <cstdint>
#include <memory>

#include <QString>

#include "tandem/relay.pb.h"
#include "transport/relay/server/BlobBackend.h"
#include "transport/relay/server/RelayClients.h"
#include "transport/relay/server/RelayLimits.h"

namespace tandem::relay {

class RelayBlobs {
public:
    RelayBlobs(std::unique_ptr<BlobBackend> store, const RelayLimits& limits,
               RelayClients& clients);

    void put(const RelayClient& c, std::uint64_t id, const proto::relay::PutBlob& r);
    void get(const RelayClient& c, std::uint64_t id, const proto::relay::GetBlob& r);
    // Removes blobs past their lifetime.
    void purge(std::int64_t now) { store_->purge(now); }

private:
    const RelayLimits& limits_;
    RelayClients& clients_;
    std::unique_ptr<BlobBackend> store_;
};

}  // namespace tandem::relay
