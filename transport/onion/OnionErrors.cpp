#include "transport/onion/OnionErrors.h"

namespace tandem::transport::onion {

using proto::node::NodeError;

TransportError pathError(const QString& message) {
    return {TransportError::Code::Network, message, true};
}

TransportError errorOf(const NodeError& e) {
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
        case NodeError::STALE_VERSION:
            return {TransportError::Code::StaleVersion, message, false, e.stored_version()};
        default:
            return {TransportError::Code::Rejected, message, true};
    }
}

}  // namespace tandem::transport::onion
