#include "transport/onion/node/Replicator.h"

#include <memory>

#include <QDateTime>

#include "transport/onion/node/MemberProof.h"

namespace tandem::transport::onion {

using proto::node::NodeRequest;
using proto::node::SwarmReply;

Replicator::Replicator(NodeLinkPool& links, const crypto::Ed25519KeyPair& identity, int timeoutMs)
    : links_(links), identity_(identity), timeoutMs_(timeoutMs) {}

void Replicator::replicateThenAnswer(const std::vector<NodeInfo>& others, const NodeRequest& copy,
                                     SwarmReply reply, SetReplicas setReplicas,
                                     SwarmAnswer answer) {
    struct Tally {
        std::size_t waiting = 0;
        std::uint32_t confirmed = 0;
        SwarmReply reply;
        SetReplicas setReplicas;
        SwarmAnswer answer;
    };
    auto tally = std::make_shared<Tally>(
        Tally{others.size(), 0, std::move(reply), std::move(setReplicas), std::move(answer)});
    if (others.empty()) {
        tally->setReplicas(tally->reply, 0);
        tally->answer(tally->reply);
        return;
    }
    NodeRequest signedCopy = copy;
    MemberProof::sign(signedCopy, identity_, QDateTime::currentMSecsSinceEpoch());
    for (const NodeInfo& other : others) {
        links_.linkTo(other)->request(
            NodeRequest(signedCopy),
            [tally](const proto::node::NodeReply& answered) {
                if (answered.has_replicated() && answered.replicated()) {
                    ++tally->confirmed;
                }
                if (--tally->waiting == 0) {
                    tally->setReplicas(tally->reply, tally->confirmed);
                    tally->answer(tally->reply);
                }
            },
            timeoutMs_);
    }
}

void Replicator::replicate(const std::vector<NodeInfo>& others, const NodeRequest& copy,
                           std::function<void(std::uint32_t)> done) {
    struct Tally {
        std::size_t waiting = 0;
        std::uint32_t confirmed = 0;
        std::function<void(std::uint32_t)> done;
    };
    if (others.empty()) {
        done(0);
        return;
    }
    auto tally = std::make_shared<Tally>(Tally{others.size(), 0, std::move(done)});
    NodeRequest signedCopy = copy;
    MemberProof::sign(signedCopy, identity_, QDateTime::currentMSecsSinceEpoch());
    std::vector<NodeLink*> used;
    for (const NodeInfo& other : others) {
        NodeLink* link = links_.linkTo(other);
        used.push_back(link);
        link->request(
            NodeRequest(signedCopy),
            [tally](const proto::node::NodeReply& answered) {
                if (answered.has_replicated() && answered.replicated()) {
                    ++tally->confirmed;
                }
                if (--tally->waiting == 0) {
                    tally->done(tally->confirmed);
                }
            },
            timeoutMs_);
    }
    for (NodeLink* link : used) {
        link->flush();
    }
}

}  // namespace tandem::transport::onion
