#include "transport/onion/OnionPaths.h"

#include <algorithm>
#include <array>
#include <memory>

#include "crypto/Onion.h"
#include "transport/onion/NodeChooser.h"
#include "transport/onion/OnionErrors.h"
#include "transport/onion/PathChoice.h"

namespace tandem::transport::onion {

using proto::node::SwarmReply;
using proto::node::SwarmRequest;

OnionPaths::OnionPaths(NodeChooser& nodes, std::optional<crypto::PublicKey> guard, QObject* parent)
    : QObject(parent), nodes_(nodes), preferredGuard_(guard), paths_(kPaths) {}

void OnionPaths::rebuild(int index, bool newGuard) {
    build(index, newGuard);
    emit changed();
}

void OnionPaths::buildMissing() {
    for (int i = 0; i < kPaths; ++i) {
        if (!paths_[static_cast<std::size_t>(i)]) {
            build(i, false);
        }
    }
}

void OnionPaths::clear() {
    for (auto& p : paths_) {
        p.reset();
    }
}

void OnionPaths::rebuildUnlisted(const std::function<bool(const NodeInfo&)>& listed) {
    // Swarms may have been dealt again: a relay that is now in our own swarm goes too (a
    // path that cannot avoid it draws the same).
    const auto ownNow = nodes_.ownSwarm();
    const bool spread =
        nodes_.directory().swarmIds().size() >= kSwarmsToSpreadPaths && ownNow.has_value();
    const std::uint64_t ours = ownNow.value_or(0);
    const auto inOurs = [&](const NodeInfo& n) { return spread && n.swarmId == ours; };
    for (int i = 0; i < kPaths; ++i) {
        const auto& p = paths_[static_cast<std::size_t>(i)];
        if (p &&
            (!listed(p->guard) || !listed(p->middle) || inOurs(p->guard) || inOurs(p->middle))) {
            build(i, !listed(p->guard) || inOurs(p->guard));
        }
    }
}

QStringList OnionPaths::statusPath() const {
    for (const auto& p : paths_) {
        if (p && p->tested) {
            return {p->guard.address, p->middle.address, QStringLiteral("your swarm")};
        }
    }
    return {};
}

void OnionPaths::build(int index, bool newGuard) {
    auto& slot = paths_[static_cast<std::size_t>(index)];
    std::vector<PathRelays> others;
    for (const auto& other : paths_) {
        if (other && &other != &slot) {
            others.push_back({other->guard, other->middle});
        }
    }
    PathWish wish{others, std::nullopt, std::nullopt};
    if (index == 0 && !newGuard && preferredGuard_) {
        if (const NodeInfo* known = nodes_.directory().find(*preferredGuard_)) {
            wish.keep = *known;
        }
    } else if (!newGuard && slot) {
        wish.keep = slot->guard;
    }
    if (newGuard && slot) {
        wish.replacing = slot->guard.address;
    }
    const PathChoice::Result chosen = PathChoice::choose(nodes_, wish);
    if (!chosen.guard) {
        slot.reset();
        return;
    }
    if (index == 0 && (!preferredGuard_ || *preferredGuard_ != chosen.guard->ed25519)) {
        preferredGuard_ = chosen.guard->ed25519;
        emit guardChanged(chosen.guard->ed25519);
    }
    if (!chosen.middle) {
        slot.reset();
        return;
    }
    slot = OnionPath{*chosen.guard, *chosen.middle, nextGeneration_++};
    test(index);
}

void OnionPaths::test(int index) {
    auto& slot = paths_[static_cast<std::size_t>(index)];
    if (!slot || slot->testing) {
        return;
    }
    const auto destination =
        nodes_.randomNode({slot->guard.address, slot->middle.address}, std::nullopt);
    if (!destination) {
        slot->tested = true;  // a network too small to test through: nothing better to do
        return;
    }
    slot->testing = true;
    SwarmRequest probe;
    probe.mutable_get_directory()->set_newer_than(nodes_.directory().version);
    request(
        index, *destination, probe, 10000,
        [this, index, generation = slot->generation](Expected<SwarmReply, TransportError> reply) {
            auto& p = paths_[static_cast<std::size_t>(index)];
            if (!p || p->generation != generation) {
                return;  // the path was rebuilt meanwhile
            }
            p->testing = false;
            if (!reply || (!reply->has_directory() && !reply->has_directory_unchanged())) {
                qCInfo(lcOnion) << "an onion path failed its test; building another";
                p.reset();
                emit testFailed();
                return;
            }
            p->tested = true;
            p->strikes = 0;
            emit tested(reply->has_directory() ? reply->directory() : std::string());
        });
}

std::vector<NodeInfo> OnionPaths::guards() const {
    std::vector<NodeInfo> out;
    for (const auto& p : paths_) {
        if (p) {
            out.push_back(p->guard);
        }
    }
    return out;
}

int OnionPaths::ready() const {
    int n = 0;
    for (const auto& p : paths_) {
        n += (p && p->tested) ? 1 : 0;
    }
    return n;
}

std::optional<int> OnionPaths::pick(const QString& avoidRelay,
                                    std::optional<std::uint64_t> awayFrom) {
    for (const bool sparingSuspects : {true, false}) {
        for (const bool outside : {true, false}) {
            if (outside && !awayFrom) {
                continue;
            }
            for (int k = 0; k < kPaths; ++k) {
                const int i = (nextPath_ + k) % kPaths;
                const auto& p = paths_[static_cast<std::size_t>(i)];
                if (p && p->tested && p->guard.address != avoidRelay &&
                    p->middle.address != avoidRelay &&
                    !(sparingSuspects && (nodes_.isSuspect(p->guard.address) ||
                                          nodes_.isSuspect(p->middle.address))) &&
                    !(outside &&
                      (p->guard.swarmId == *awayFrom || p->middle.swarmId == *awayFrom))) {
                    nextPath_ = (i + 1) % kPaths;
                    return i;
                }
            }
        }
    }
    return std::nullopt;
}

OnionPaths::RouteChoice OnionPaths::routeTo(std::uint64_t swarm, const std::set<QString>& tried) {
    RouteChoice choice;
    for (int k = 0; k < kPaths && !choice.route; ++k) {
        const auto path = pick({}, swarm);
        if (!path) {
            break;
        }
        const auto& p = paths_[static_cast<std::size_t>(*path)];
        std::set<QString> avoid = tried;
        avoid.insert(p->guard.address);
        avoid.insert(p->middle.address);
        if (auto destination = nodes_.randomNode(avoid, swarm)) {
            choice.route = Route{*path, std::move(*destination)};
        } else if (tried.count(p->middle.address) == 0 && p->middle.swarmId == swarm) {
            choice.middleInTheWay = *path;
        }
    }
    return choice;
}

void OnionPaths::strike(int index, Failure failure) {
    auto& p = paths_[static_cast<std::size_t>(index)];
    if (!p) {
        return;
    }
    // A guard that does not answer is replaced; a hop the guard cannot reach means the path
    // is broken now; anything else (a timeout, an unreadable reply) counts as a strike.
    if (failure == Failure::Guard || failure == Failure::Unreachable ||
        ++p->strikes >= kStrikesBeforeRebuild) {
        qCInfo(lcOnion) << "rebuilding an onion path"
                        << (failure == Failure::Guard ? "(its guard failed)" : "");
        rebuild(index, failure == Failure::Guard);
    }
}

void OnionPaths::request(int index, const NodeInfo& destination, const SwarmRequest& swarmRequest,
                         int timeoutMs, Answer answer) {
    const auto& p = paths_[static_cast<std::size_t>(index)];
    if (!p) {
        answer(unexpected(pathError(QStringLiteral("no onion path"))));
        return;
    }
    const std::vector<crypto::OnionHop> hops{{p->guard.address, p->guard.x25519},
                                             {p->middle.address, p->middle.x25519},
                                             {destination.address, destination.x25519}};
    const std::string bytes = swarmRequest.SerializeAsString();
    auto wrapped = crypto::wrapOnion(hops, crypto::view(bytes));
    if (!wrapped) {
        answer(unexpected(
            TransportError{TransportError::Code::TooLarge, wrapped.error().message, false}));
        return;
    }
    auto keys = std::make_shared<std::vector<SecretBytes>>(std::move(wrapped->layerKeys));
    proto::node::NodeRequest onion;
    onion.set_onion(crypto::toString(wrapped->packet));
    links_.linkTo(p->guard)->request(
        std::move(onion),
        [this, index, keys, generation = p->generation,
         hops = std::array{p->guard.address, p->middle.address, destination.address},
         answer = std::move(answer)](const proto::node::NodeReply& reply) {
            const auto& current = paths_[static_cast<std::size_t>(index)];
            const bool samePath = current && current->generation == generation;
            if (reply.has_error()) {
                // No request id: our own link to the guard failed (closed, or no answer in
                // time: only a closed link condemns the guard). With one, a hop beyond the
                // guard was unreachable: the middle, or the destination.
                const bool local = reply.request_id() == 0;
                const bool unreachable =
                    reply.error().code() == proto::node::NodeError::UNREACHABLE;
                if (unreachable) {
                    if (local) {
                        nodes_.suspect(hops[0]);
                    } else {
                        nodes_.suspect(hops[1]);
                        nodes_.suspect(hops[2]);
                    }
                }
                if (samePath) {
                    strike(index, local && unreachable    ? Failure::Guard
                                  : !local && unreachable ? Failure::Unreachable
                                                          : Failure::Strike);
                }
                answer(unexpected(pathError(QString::fromStdString(reply.error().message()))));
                return;
            }
            auto opened = crypto::openOnionReply(*keys, crypto::view(reply.onion_reply()));
            SwarmReply out;
            if (!opened || !out.ParseFromArray(opened->data(), static_cast<int>(opened->size()))) {
                if (samePath) {
                    strike(index, Failure::Strike);
                }
                answer(unexpected(pathError(QStringLiteral("an unreadable reply"))));
                return;
            }
            for (const QString& hop : hops) {  // all three answered
                nodes_.answered(hop);
            }
            answer(std::move(out));
        },
        timeoutMs);
}

}  // namespace tandem::transport::onion
