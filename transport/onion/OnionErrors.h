// How the onion transport says what went wrong, in the Transport's terms: a path failure
// (retryable), and a node's error reply.
#pragma once

#include <QString>

#include "tandem/node.pb.h"
#include "transport/Transport.h"

namespace tandem::transport::onion {

// A request through a path failed (no path, a hop unreachable, no answer): try again.
TransportError pathError(const QString& message);
// What a node's error reply means to the core.
TransportError errorOf(const proto::node::NodeError& error);

}  // namespace tandem::transport::onion
