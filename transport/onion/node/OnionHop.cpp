#include "transport/onion/node/OnionHop.h"

#include <memory>

#include "crypto/Onion.h"
#include "transport/onion/node/AuditLog.h"
#include "transport/onion/node/DirectoryFile.h"
#include "transport/onion/node/NodeLimits.h"
#include "transport/onion/node/SwarmService.h"

namespace tandem::transport::onion {

using proto::node::NodeError;
using proto::node::NodeReply;
using proto::node::SwarmRequest;

OnionHop::OnionHop(const crypto::X25519KeyPair& onionKey, DirectoryFile& directory,
                   NodeLinkPool& links, SwarmService& swarm, AuditLog* audit, int forwardTimeoutMs)
    : onionKey_(onionKey),
      directory_(directory),
      links_(links),
      swarm_(swarm),
      audit_(audit),
      forwardTimeoutMs_(forwardTimeoutMs),
      replays_(NodeLimits::kReplayWindowMs, NodeLimits::kMaxReplayEntries) {}

void OnionHop::handle(const std::string& layer, const QString& peer, NodeLink::Callback reply) {
    if (layer.size() > crypto::kMaxOnionBytes) {
        reply(errorReply(NodeError::TOO_LARGE, QStringLiteral("the onion request is too large")));
        return;
    }
    auto peeled = crypto::peelOnion(onionKey_, crypto::view(layer));
    if (!peeled) {
        reply(errorReply(NodeError::MALFORMED, QStringLiteral("the onion layer cannot be opened")));
        return;
    }
    if (replays_.seen(peeled->ephemeral)) {
        reply(errorReply(NodeError::REPLAYED, QStringLiteral("this onion layer was seen before")));
        return;
    }
    auto layerKey = std::make_shared<SecretBytes>(std::move(peeled->layerKey));
    if (peeled->nextHop) {
        AuditLog::note(audit_, "peel", peer, {{QStringLiteral("next_hop"), *peeled->nextHop}});
        const NodeDirectory* dir = directory_.current();
        const NodeInfo* next = nullptr;
        if (dir != nullptr) {
            for (const NodeInfo& n : dir->nodes) {
                if (n.address == *peeled->nextHop) {
                    next = &n;
                }
            }
        }
        if (next == nullptr) {
            reply(errorReply(NodeError::UNREACHABLE,
                             QStringLiteral("the next hop is not in the directory")));
            return;
        }
        proto::node::NodeRequest forward;
        forward.set_onion(crypto::toString(peeled->payload));
        // Long enough for a long-poll held at the destination.
        links_.linkTo(*next)->request(
            std::move(forward),
            [reply = std::move(reply), layerKey](const NodeReply& answer) {
                if (answer.has_onion_reply()) {
                    NodeReply sealed;
                    sealed.set_onion_reply(crypto::toString(crypto::sealOnionReply(
                        layerKey->span(), crypto::view(answer.onion_reply()))));
                    reply(sealed);
                } else {
                    // An error further on: only its code goes back (the text may name the
                    // hop after ours, which the hops before us must not learn).
                    const auto code =
                        answer.has_error() ? answer.error().code() : NodeError::UNKNOWN;
                    reply(errorReply(code, QStringLiteral("a later hop failed")));
                }
            },
            forwardTimeoutMs_);
        return;
    }
    const auto answer = [reply = std::move(reply), layerKey](const proto::node::SwarmReply& r) {
        NodeReply sealed;
        const std::string bytes = r.SerializeAsString();
        sealed.set_onion_reply(
            crypto::toString(crypto::sealOnionReply(layerKey->span(), crypto::view(bytes))));
        reply(sealed);
    };
    SwarmRequest request;
    if (!request.ParseFromArray(peeled->payload.data(), static_cast<int>(peeled->payload.size())) ||
        request.body_case() == SwarmRequest::BODY_NOT_SET) {
        AuditLog::note(audit_, "peel", peer,
                       {{QStringLiteral("destination"), QStringLiteral("unreadable")}});
        answer(swarmError(NodeError::MALFORMED, QStringLiteral("the request cannot be read")));
        return;
    }
    swarm_.serve(request, peer, answer);
}

}  // namespace tandem::transport::onion
