#include "transport/onion/OnionBlobClient.h"

#include "transport/onion/Blob.h"
#include "transport/onion/NodeChooser.h"
#include "transport/onion/OnionErrors.h"
#include "transport/onion/OnionPaths.h"

namespace tandem::transport::onion {

using proto::node::NodeError;
using proto::node::SwarmReply;

OnionBlobClient::OnionBlobClient(OnionPaths& paths, NodeChooser& nodes, QObject* parent)
    : QObject(parent), paths_(paths), nodes_(nodes) {}

void OnionBlobClient::stop() {
    running_ = false;
    const auto waiting = std::exchange(waiting_, {});
    for (const BlobOp& op : waiting) {
        emit blobFailed(op.requestId, pathError(QStringLiteral("stopped")));
    }
    // Those on the wire: their links are gone (abandoned first), so no answer will come.
    for (const QByteArray& id : std::exchange(inFlight_, {})) {
        emit blobFailed(id, pathError(QStringLiteral("stopped")));
    }
}

void OnionBlobClient::flush() {
    auto waiting = std::exchange(waiting_, {});
    for (BlobOp& op : waiting) {
        run(std::move(op));
    }
}

void OnionBlobClient::put(const QByteArray& requestId, const QByteArray& ciphertext) {
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
    run(std::move(op));
}

void OnionBlobClient::get(const QByteArray& requestId, const BlobRef& ref) {
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
    run(std::move(op));
}

void OnionBlobClient::run(BlobOp op) {
    if (!running_ || paths_.ready() == 0) {
        if (waiting_.size() >= kMaxWaiting) {
            emit blobFailed(op.requestId, pathError(QStringLiteral("too many files waiting")));
            return;
        }
        waiting_.push_back(std::move(op));  // flush() runs it once a path is ready
        return;
    }
    const auto swarm = nodes_.directory().swarmOf(blobRingKey(op.id));
    if (!swarm || !nodes_.randomNode(op.tried, *swarm) || op.attempt >= kAttempts) {
        // Every member asked (or kAttempts requests made): the last failure, or (fetching)
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
    const auto [route, middleInTheWay] = paths_.routeTo(*swarm, op.tried);
    if (!route) {
        // The members left are hops of every ready path. A path with another middle hop then
        // (its guard is kept); this counts no request, but is bounded too.
        if (!middleInTheWay || op.reroutes >= kAttempts) {
            op.attempt = kAttempts;
            op.lastError = pathError(QStringLiteral("no onion path reaches the file's swarm"));
            run(std::move(op));
            return;
        }
        ++op.reroutes;
        paths_.rebuild(*middleInTheWay, false);
        waiting_.push_back(std::move(op));  // flush() runs it once that path is ready
        return;
    }
    proto::node::SwarmRequest r;
    if (op.put) {
        r.mutable_store_blob()->set_id(op.id.toStdString());
        r.mutable_store_blob()->set_data(op.data.toStdString());
    } else {
        r.mutable_get_blob()->set_id(op.id.toStdString());
    }
    const QString address = route->destination.address;
    inFlight_.insert(op.requestId);
    paths_.request(
        route->path, route->destination, r, 30000,
        [this, op = std::move(op), address](Expected<SwarmReply, TransportError> reply) mutable {
            inFlight_.remove(op.requestId);
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
            done(op, std::move(reply));
        });
}

void OnionBlobClient::done(const BlobOp& op, Expected<SwarmReply, TransportError> reply) {
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
    if (!final && op.attempt + 1 < kAttempts) {
        BlobOp next = op;
        ++next.attempt;
        run(std::move(next));
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
