// For the tests that talk to real tandem-node processes without the client transport
// (tst_node, tst_node_records): a request wrapped for a path of nodes (crypto/Onion.h), as the
// transport wraps it, and the destination's answer opened.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include <QString>
#include <QTest>

#include <tandem/common/Expected.h>

#include "crypto/Onion.h"
#include "tandem/node.pb.h"
#include "transport/onion/Directory.h"
#include "transport/onion/NodeLink.h"

namespace tandem::test {

using proto::node::NodeError;
using proto::node::NodeReply;
using proto::node::NodeRequest;
using proto::node::SwarmReply;
using proto::node::SwarmRequest;
using transport::onion::NodeInfo;
using transport::onion::NodeLink;

struct Pending {
    std::optional<NodeReply> reply;
    std::vector<SecretBytes> layerKeys;
};

// Sends `request` along `path` (first hop first); the answer lands in the returned state.
inline std::shared_ptr<Pending> post(NodeLink& link, const std::vector<NodeInfo>& path,
                                     const SwarmRequest& request, int timeoutMs = 15000) {
    std::vector<crypto::OnionHop> hops;
    for (const NodeInfo& n : path) {
        hops.push_back({n.address, n.x25519});
    }
    const std::string bytes = request.SerializeAsString();
    auto wrapped = crypto::wrapOnion(hops, crypto::view(bytes));
    auto state = std::make_shared<Pending>();
    if (!wrapped) {
        state->reply =
            transport::onion::errorReply(NodeError::MALFORMED, QStringLiteral("cannot wrap"));
        return state;
    }
    state->layerKeys = std::move(wrapped->layerKeys);
    NodeRequest r;
    r.set_onion(crypto::toString(wrapped->packet));
    link.request(
        std::move(r), [state](const NodeReply& reply) { state->reply = reply; }, timeoutMs);
    return state;
}

// The swarm's answer, or its error as a string.
inline Expected<SwarmReply, QString> answerOf(const Pending& p) {
    if (!p.reply) {
        return unexpected(QStringLiteral("no answer"));
    }
    if (p.reply->has_error()) {
        return unexpected(QString::fromStdString(p.reply->error().message()));
    }
    auto opened = crypto::openOnionReply(p.layerKeys, crypto::view(p.reply->onion_reply()));
    if (!opened) {
        return unexpected(QStringLiteral("the reply does not open"));
    }
    SwarmReply reply;
    if (!reply.ParseFromArray(opened->data(), static_cast<int>(opened->size()))) {
        return unexpected(QStringLiteral("the reply is unreadable"));
    }
    return reply;
}

inline Expected<SwarmReply, QString> ask(const std::vector<NodeInfo>& path,
                                         const SwarmRequest& request, int timeoutMs = 15000) {
    NodeLink link(path.front().address, path.front().x25519);
    const auto pending = post(link, path, request, timeoutMs);
    if (!QTest::qWaitFor([&] { return pending->reply.has_value(); }, timeoutMs + 2000)) {
        return unexpected(QStringLiteral("timed out"));
    }
    return answerOf(*pending);
}

// A path to `target`: a guard and a middle outside its swarm (`variant` picks which), then it.
inline std::vector<NodeInfo> pathTo(const transport::onion::NodeDirectory& directory,
                                    const NodeInfo& target, std::size_t variant = 0) {
    std::vector<NodeInfo> outside;
    for (const NodeInfo& n : directory.nodes) {
        if (n.swarmId != target.swarmId) {
            outside.push_back(n);
        }
    }
    const std::size_t a = variant % outside.size();
    const std::size_t b = (variant + 1) % outside.size();
    return {outside[a], outside[b], target};
}

}  // namespace tandem::test
