#include "transport/relay/server/RelayBlobs.h"

#include <tandem/common/Ascii.h>

#include "crypto/QtBytes.h"

namespace tandem::relay {

using crypto::qbytes;
using proto::relay::Error;
using proto::relay::ServerFrame;

RelayBlobs::RelayBlobs(std::unique_ptr<BlobBackend> store, const RelayLimits& limits,
                       RelayClients& clients)
    : limits_(limits), clients_(clients), store_(std::move(store)) {}

void RelayBlobs::put(const RelayClient& c, std::uint64_t id, const proto::relay::PutBlob& r) {
    if (r.data().empty() || static_cast<qint64>(r.data().size()) > limits_.maxBlobBytes) {
        return clients_.replyError(c, id, Error::TOO_LARGE,
                                   QStringLiteral("a blob holds 1 byte to 8 MiB"));
    }
    const auto stored = store_->put(qbytes(r.data()));
    if (!stored) {
        return clients_.replyError(c, id, Error::UNAVAILABLE, stored.error());
    }
    ServerFrame out;
    out.mutable_blob_stored()->set_id(stored->toStdString());
    out.mutable_blob_stored()->set_size(r.data().size());
    clients_.reply(c, id, out);
}

void RelayBlobs::get(const RelayClient& c, std::uint64_t id, const proto::relay::GetBlob& r) {
    const QString blobId = QString::fromStdString(r.id());
    if (!isLowerHex(blobId, 32)) {
        return clients_.replyError(c, id, Error::MALFORMED,
                                   QStringLiteral("a blob id is 32 hexadecimal digits"));
    }
    const qint64 want = std::min<qint64>(r.max_bytes() == 0 ? limits_.maxBlobChunk : r.max_bytes(),
                                         limits_.maxBlobChunk);
    const auto offset = static_cast<qint64>(std::min<std::uint64_t>(r.offset(), 1ULL << 62));
    const auto chunk = store_->read(blobId, offset, want);
    if (!chunk) {
        return clients_.replyError(c, id, Error::NOT_FOUND, QStringLiteral("no such blob"));
    }
    if (offset > chunk->total) {
        return clients_.replyError(c, id, Error::MALFORMED,
                                   QStringLiteral("the offset is past the end"));
    }
    ServerFrame out;
    out.mutable_blob_data()->set_data(chunk->data.toStdString());
    out.mutable_blob_data()->set_offset(r.offset());
    out.mutable_blob_data()->set_total(static_cast<std::uint64_t>(chunk->total));
    clients_.reply(c, id, out);
}

}  // namespace tandem::relay
