// Helpers shared by the onion transport's parts (OnionTransport.cpp: paths and sending;
// OnionTransportReceive.cpp: the long-poll and acknowledgements; OnionTransportBlobs.cpp:
// the file store). Internal to the transport.
#pragma once

#include <cstdint>

#include <QDateTime>

#include "tandem/node.pb.h"
#include "transport/Transport.h"
#include "transport/onion/OwnerAuth.h"

namespace tandem::transport::onion::detail {

using proto::node::NodeError;
using proto::node::NodeReply;
using proto::node::NodeRequest;
using proto::node::SwarmReply;
using proto::node::SwarmRequest;

inline std::int64_t nowMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

inline TransportError pathError(const QString& message) {
    return {TransportError::Code::Network, message, true};
}

inline TransportError errorOf(const NodeError& e) {
    const QString message = QString::fromStdString(e.message());
    switch (e.code()) {
        case NodeError::TOO_LARGE:
            return {TransportError::Code::TooLarge, message, false};
        case NodeError::UNAUTHORIZED:
            return {TransportError::Code::Unauthorized, message, false};
        case NodeError::RATE_LIMITED:
            return {TransportError::Code::RateLimited, message, true};
        case NodeError::MALFORMED:
            return {TransportError::Code::Rejected, message, false};
        case NodeError::NOT_FOUND:
            return {TransportError::Code::NotFound, message, false};
        case NodeError::FULL:
            return {TransportError::Code::Full, message, true};
        default:
            return {TransportError::Code::Rejected, message, true};
    }
}

inline void setOwner(proto::node::OwnerSignature* out, const OwnerProof& p) {
    out->set_ed25519(crypto::toString(p.ed25519));
    out->set_timestamp_ms(static_cast<std::uint64_t>(p.timestampMs));
    out->set_signature(crypto::toString(p.signature));
}

}  // namespace tandem::transport::onion::detail
