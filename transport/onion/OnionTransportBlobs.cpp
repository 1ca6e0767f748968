// OnionTransport: the file store (blobs put and got through a path).

#include "transport/onion/Blob.h"
#include "transport/onion/OnionTransport.h"
#include "transport/onion/OnionTransportUtil.h"

namespace tandem::transport::onion {

using namespace detail;  // OnionTransportUtil.h

void OnionTransport::putBlob(const QByteArray& requestId, const QByteArray& ciphertext) {
    if (ciphertext.size() > kMaxBlobBytes) {
        emit blobFailed(requestId,
                        {TransportError::Code::TooLarge,
                         QStringLiteral("a file in Session mode holds at most %1 bytes (768 KiB); "
                                        "this one has %2")
                             .arg(kMaxBlobBytes)
                             .arg(ciphertext.size()),
                         false});
        return;
    }
    if (ciphertext.isEmpty()) {
        emit blobFailed(requestId, {TransportError::Code::Rejected,
                                    QStringLiteral("an empty file cannot be stored"), false});
        return;
    }
    BlobOp op;
    op.requestId = requestId;
    op.put = true;
    op.id = blobIdOf(ciphertext);
    op.data = ciphertext;
    op.size = ciphertext.size();
    emit blobProgress(requestId, 0, op.size);
    runBlob(std::move(op));
}

void OnionTransport::getBlob(const QByteArray& requestId, const BlobRef& ref) {
    if (ref.id.size() != kBlobIdBytes || ref.size < 0 || ref.size > kMaxBlobBytes) {
        emit blobFailed(requestId, {TransportError::Code::NotFound,
                                    QStringLiteral("not a Session-mode file reference"), false});
        return;
    }
    BlobOp op;
    op.requestId = requestId;
    op.id = ref.id;
    op.size = ref.size;
    emit blobProgress(requestId, 0, op.size);
    runBlob(std::move(op));
}

void OnionTransport::runBlob(BlobOp op) {
    if (!running_ || readyPaths() == 0) {
        if (blobsWaiting_.size() >= static_cast<std::size_t>(kMaxQueuedSends)) {
            emit blobFailed(op.requestId, pathError(QStringLiteral("too many files waiting")));
            return;
        }
        blobsWaiting_.push_back(std::move(op));  // flushSends() runs it once a path is ready
        return;
    }
    const auto swarm = directory_.swarmOf(blobRingKey(op.id));
    if (!swarm || !randomNode(op.tried, *swarm) || op.attempt >= kSendAttempts) {
        // Every member asked (or kSendAttempts requests made): the last failure, or (fetching)
        // NotFound when each said so.
        if (op.lastError && (op.put || op.lastError->code != TransportError::Code::NotFound)) {
            emit blobFailed(op.requestId, *op.lastError);
        } else {
            emit blobFailed(op.requestId,
                            op.put
                                ? pathError(QStringLiteral("no node of the file's swarm"))
                                : TransportError{TransportError::Code::NotFound,
                                                 QStringLiteral("no node has this file"), false});
        }
        return;
    }
    // A ready path whose own hops leave a member not yet asked.
    std::optional<int> path;
    std::optional<NodeInfo> destination;
    std::optional<int> middleInTheWay;
    for (int k = 0; k < kPaths && !destination; ++k) {
        path = pickPath({}, *swarm);
        if (!path) {
            break;
        }
        const auto& p = paths_[static_cast<std::size_t>(*path)];
        std::set<QString> avoid = op.tried;
        avoid.insert(p->guard.address);
        avoid.insert(p->middle.address);
        destination = randomNode(avoid, *swarm);
        if (!destination && op.tried.count(p->middle.address) == 0 && p->middle.swarmId == *swarm) {
            middleInTheWay = *path;
        }
    }
    if (!destination) {
        // The members left are hops of every ready path. A path with another middle hop then
        // (its guard is kept); this counts no request, but is bounded too.
        if (!middleInTheWay || op.reroutes >= kSendAttempts) {
            op.attempt = kSendAttempts;
            op.lastError = pathError(QStringLiteral("no onion path reaches the file's swarm"));
            runBlob(std::move(op));
            return;
        }
        ++op.reroutes;
        buildPath(*middleInTheWay, false);
        updateStatus();
        blobsWaiting_.push_back(std::move(op));  // flushSends() runs it once that path is ready
        return;
    }
    SwarmRequest r;
    if (op.put) {
        r.mutable_store_blob()->set_id(op.id.toStdString());
        r.mutable_store_blob()->set_data(op.data.toStdString());
    } else {
        r.mutable_get_blob()->set_id(op.id.toStdString());
    }
    const QString address = destination->address;
    blobsInFlight_.insert(op.requestId);
    request(
        *path, *destination, r, 30000,
        [this, op = std::move(op), address](Expected<SwarmReply, TransportError> reply) mutable {
            blobsInFlight_.remove(op.requestId);
            if (!running_) {
                return;  // stop() answered for it
            }
            const bool success =
                reply && (reply->has_blob_stored() ||
                          (reply->has_blob() &&
                           blobIdMatches(op.id, QByteArray::fromStdString(reply->blob()))));
            if (!success) {
                // That member has not got it, has other bytes, or did not answer: another
                // member next time.
                op.tried.insert(address);
                op.lastError =
                    reply ? (reply->has_error() ? errorOf(reply->error()) : TransportError{})
                          : reply.error();
            }
            blobDone(op, std::move(reply));
        });
}

void OnionTransport::blobDone(const BlobOp& op, Expected<SwarmReply, TransportError> reply) {
    const bool done =
        reply && ((op.put && reply->has_blob_stored()) ||
                  (!op.put && reply->has_blob() &&
                   blobIdMatches(op.id, QByteArray::fromStdString(reply->blob())) &&
                   (op.size == 0 || static_cast<std::int64_t>(reply->blob().size()) == op.size)));
    if (done && op.put) {
        emit blobProgress(op.requestId, op.size, op.size);
        emit blobStored(op.requestId, BlobRef{op.id, op.size});
        return;
    }
    if (done) {
        const QByteArray bytes = QByteArray::fromStdString(reply->blob());
        emit blobProgress(op.requestId, bytes.size(), bytes.size());
        emit blobFetched(op.requestId, bytes);
        return;
    }
    // A path failure, another swarm, a member without it: another path and member.
    const bool final =
        reply && reply->has_error() && reply->error().code() != NodeError::NOT_FOUND &&
        reply->error().code() != NodeError::WRONG_SWARM && !errorOf(reply->error()).retryable;
    if (!final && op.attempt + 1 < kSendAttempts) {
        BlobOp next = op;
        ++next.attempt;
        runBlob(std::move(next));
        return;
    }
    if (!reply) {
        emit blobFailed(op.requestId, reply.error());
    } else if (reply->has_error()) {
        emit blobFailed(op.requestId, errorOf(reply->error()));
    } else {
        emit blobFailed(op.requestId,
                        op.put ? TransportError{TransportError::Code::Rejected,
                                                QStringLiteral("unexpected answer"), true}
                               : TransportError{TransportError::Code::NotFound,
                                                QStringLiteral("no node has this file"), false});
    }
}

}  // namespace tandem::transport::onion
