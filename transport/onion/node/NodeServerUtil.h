// Helpers shared by the node server's parts (NodeServer.cpp: connections, the onion hop, the
// directory; NodeServerSwarm.cpp: what a destination serves, replication, long-polls, blobs).
// Internal to the node.
#pragma once

#include <functional>
#include <string>

#include <QByteArray>
#include <QString>

#include "tandem/node.pb.h"

namespace tandem::transport::onion::nodedetail {

using proto::node::NodeError;
using proto::node::NodeReply;
using proto::node::NodeRequest;
using proto::node::SwarmReply;
using proto::node::SwarmRequest;
using Answer = std::function<void(SwarmReply)>;

inline SwarmReply swarmError(NodeError::Code code, const QString& message) {
    SwarmReply reply;
    reply.mutable_error()->set_code(code);
    reply.mutable_error()->set_message(message.toStdString());
    return reply;
}

inline QByteArray qbytes(const std::string& s) {
    return {s.data(), static_cast<qsizetype>(s.size())};
}

}  // namespace tandem::transport::onion::nodedetail
