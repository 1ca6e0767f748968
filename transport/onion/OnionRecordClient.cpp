#include "transport/onion/OnionRecordClient.h"

#include "transport/onion/Blob.h"
#include "transport/onion/NodeChooser.h"
#include "transport/onion/OnionErrors.h"
#include "transport/onion/OnionPaths.h"

namespace tandem::transport::onion {

using proto::node::NodeError;
using proto::node::SwarmReply;

OnionRecordClient::OnionRecordClient(OnionPaths& paths, NodeChooser& nodes, QObject* parent)
    : QObject(parent), paths_(paths), nodes_(nodes) {}

void OnionRecordClient::stop() {
    running_ = false;
    const auto waiting = std::exchange(waiting_, {});
    for (const RecordOp& op : waiting) {
        emit recordFailed(op.requestId, pathError(QStringLiteral("stopped")));
    }
    // Those on the wire: their links are gone (abandoned first), so no answer will come.
    for (const QByteArray& id : std::exchange(inFlight_, {})) {
        emit recordFailed(id, pathError(QStringLiteral("stopped")));
    }
}

void OnionRecordClient::flush() {
    auto waiting = std::exchange(waiting_, {});
    for (RecordOp& op : waiting) {
        run(std::move(op));
    }
}

void OnionRecordClient::put(const QByteArray& requestId, const crypto::SignedRecord& record) {
    if (const auto valid = crypto::verifyRecord(record); !valid) {
        const bool tooLarge = valid.error().code == crypto::CryptoErrorCode::TooLarge;
        emit recordFailed(
            requestId, {tooLarge ? TransportError::Code::TooLarge : TransportError::Code::Rejected,
                        valid.error().message, false});
        return;
    }
    RecordOp op;
    op.requestId = requestId;
    op.address = record.address;
    op.record = record;
    run(std::move(op));
}

void OnionRecordClient::get(const QByteArray& requestId, const QByteArray& address) {
    if (address.size() != crypto::kRecordAddressBytes) {
        emit recordFailed(requestId, {TransportError::Code::NotFound,
                                      QStringLiteral("not a record address"), false});
        return;
    }
    RecordOp op;
    op.requestId = requestId;
    op.address = address;
    run(std::move(op));
}

void OnionRecordClient::giveUp(const RecordOp& op) {
    // The last failure, or (fetching) NotFound when each member asked said so.
    if (op.lastError && (op.record || op.lastError->code != TransportError::Code::NotFound)) {
        emit recordFailed(op.requestId, *op.lastError);
    } else {
        emit recordFailed(op.requestId,
                          op.record
                              ? pathError(QStringLiteral("no node of the record's swarm"))
                              : TransportError{TransportError::Code::NotFound,
                                               QStringLiteral("no node has this record"), false});
    }
}

void OnionRecordClient::run(RecordOp op) {
    if (!running_ || paths_.ready() == 0) {
        if (waiting_.size() >= kMaxWaiting) {
            emit recordFailed(op.requestId, pathError(QStringLiteral("too many records waiting")));
            return;
        }
        waiting_.push_back(std::move(op));  // flush() runs it once a path is ready
        return;
    }
    const auto swarm = nodes_.directory().swarmOf(blobRingKey(op.address));
    if (!swarm || op.attempt >= kAttempts) {
        return giveUp(op);
    }
    const auto choice = paths_.routeTo(*swarm, op.tried);
    if (!choice.route) {
        // Every member asked, or the members left are hops of every ready path: then a path
        // with another middle hop (bounded too).
        if (!choice.middleInTheWay || op.reroutes >= kAttempts) {
            if (!op.lastError) {
                op.lastError =
                    pathError(QStringLiteral("no onion path reaches the record's swarm"));
            }
            return giveUp(op);
        }
        ++op.reroutes;
        paths_.rebuild(*choice.middleInTheWay, false);
        waiting_.push_back(std::move(op));  // flush() runs it once that path is ready
        return;
    }
    proto::node::SwarmRequest r;
    if (op.record) {
        *r.mutable_store_record()->mutable_record() = crypto::toProto(*op.record);
    } else {
        r.mutable_get_record()->set_address(op.address.toStdString());
    }
    ++op.attempt;
    const QString member = choice.route->destination.address;
    inFlight_.insert(op.requestId);
    paths_.request(
        choice.route->path, choice.route->destination, r, 30000,
        [this, op = std::move(op), member](Expected<SwarmReply, TransportError> reply) mutable {
            inFlight_.remove(op.requestId);
            if (running_) {  // else stop() answered for it
                answered(std::move(op), member, std::move(reply));
            }
        });
}

void OnionRecordClient::answered(RecordOp op, const QString& member,
                                 Expected<SwarmReply, TransportError> reply) {
    if (reply && op.record && reply->has_record_stored()) {
        emit recordStored(op.requestId, reply->record_stored().version());
        return;
    }
    if (reply && !op.record && reply->has_record()) {
        // A member's word is not taken: the owner's signature, at the address asked for.
        const crypto::SignedRecord record = crypto::fromProto(reply->record());
        const auto valid = crypto::verifyRecord(record);
        if (valid && record.address == op.address) {
            emit recordFetched(op.requestId, record);
            return;
        }
        op.lastError = TransportError{
            TransportError::Code::Rejected,
            QStringLiteral("a node answered with a record that is not the one asked for: %1")
                .arg(valid ? QStringLiteral("another address") : valid.error().message),
            false};
    } else if (reply && reply->has_error()) {
        const TransportError error = errorOf(reply->error());
        const NodeError::Code code = reply->error().code();
        // Another member may have it (NOT_FOUND), or keep it (WRONG_SWARM: our directory is
        // older), or manage now; what the record itself is refused for holds everywhere.
        if (code != NodeError::NOT_FOUND && code != NodeError::WRONG_SWARM && !error.retryable) {
            emit recordFailed(op.requestId, error);
            return;
        }
        op.lastError = error;
    } else if (!reply) {
        op.lastError = reply.error();  // the path failed, or the member did not answer
    } else {
        op.lastError = TransportError{TransportError::Code::Rejected,
                                      QStringLiteral("unexpected answer"), true};
    }
    op.tried.insert(member);
    run(std::move(op));
}

}  // namespace tandem::transport::onion
