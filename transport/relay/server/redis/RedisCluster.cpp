#include "transport/relay/server/redis/RedisCluster.h"

#include <algorithm>
#include <optional>

#include <QCryptographicHash>

namespace tandem::relay {

struct RedisCluster::Unit {
    std::size_t first = 0;  // the index of its first command in the caller's pipeline
    std::vector<RedisCommand> commands;
    int slot = -1;  // -1: no key (any primary)
    bool readOnly = false;
    bool retried = false;               // a read already sent again after a broken connection
    std::optional<RedisAddress> askTo;  // an ASK redirect: ASKING, then the command, there
};

namespace {

constexpr std::chrono::milliseconds kProbeTimeout{2000};

bool sameNode(const RedisAddress& a, const RedisAddress& b) {
    return a.host == b.host && a.port == b.port;
}

}  // namespace

RedisCluster::RedisCluster(std::vector<RedisAddress> seeds, std::chrono::milliseconds timeout,
                           bool backoff, const std::vector<QByteArray>& scripts)
    : seeds_(std::move(seeds)), timeout_(timeout), backoff_(backoff), scripts_(scripts) {}

RedisCluster::~RedisCluster() = default;

void RedisCluster::disconnect() {
    nodes_.clear();
}

bool RedisCluster::connect() {
    return !stale_ || refresh();
}

bool RedisCluster::refresh() {
    // With `backoff` (the event loop's connection), a cluster that gave no map is not asked
    // again before the window ends: each node tried may cost a connect timeout.
    const auto now = std::chrono::steady_clock::now();
    if (backoff_ && now < retryAt_) {
        return false;  // lastError_ still says why
    }
    // Nodes we are connected to first (each one tried may cost a connect timeout), then the
    // map's other primaries, then the seeds.
    std::vector<RedisAddress> candidates;
    for (const auto& [name, client] : nodes_) {
        if (client->context() != nullptr) {
            candidates.push_back(client->servers().front());
        }
    }
    if (!map_.empty()) {
        for (const RedisAddress& p : map_.primaries()) {
            if (std::none_of(candidates.begin(), candidates.end(),
                             [&](const RedisAddress& a) { return sameNode(a, p); })) {
                candidates.push_back(p);
            }
        }
    }
    for (const RedisAddress& seed : seeds_) {
        if (std::none_of(candidates.begin(), candidates.end(),
                         [&](const RedisAddress& a) { return sameNode(a, seed); })) {
            candidates.push_back(seed);
        }
    }
    if (!map_.read(candidates, std::min(timeout_, kProbeTimeout), &lastError_)) {
        window_ = window_.count() == 0 ? RedisClient::kMinBackoff
                                       : std::min(window_ * 2, RedisClient::kMaxBackoff);
        retryAt_ = std::chrono::steady_clock::now() + window_;
        return false;
    }
    window_ = std::chrono::milliseconds(0);
    stale_ = false;
    const auto primaries = map_.primaries();
    for (auto it = nodes_.begin(); it != nodes_.end();) {
        const bool kept = std::any_of(
            primaries.begin(), primaries.end(),
            [&](const RedisAddress& p) { return RedisSlotMap::nodeName(p) == it->first; });
        it = kept ? std::next(it) : nodes_.erase(it);
    }
    return true;
}

RedisClient& RedisCluster::node(const RedisAddress& address) {
    auto& client = nodes_[RedisSlotMap::nodeName(address)];
    if (!client) {
        client = std::make_unique<RedisClient>(std::vector<RedisAddress>{address}, false, timeout_,
                                               backoff_);
        for (const QByteArray& script : scripts_) {
            client->preload(script);
        }
    }
    return *client;
}

std::vector<RedisAddress> RedisCluster::primaries() {
    if (stale_ && !refresh() && map_.empty()) {
        return {};
    }
    return map_.primaries();
}

std::vector<RedisReply> RedisCluster::pipeline(const std::vector<RedisCommand>& commands,
                                               bool retryReads, int waitReplicas,
                                               std::chrono::milliseconds waitTimeout) {
    std::vector<RedisReply> out(commands.size(), redisError(QStringLiteral("not sent")));
    std::vector<Unit> units;
    for (std::size_t i = 0; i < commands.size();) {
        Unit u;
        u.first = i;
        if (!commands[i].isEmpty() && commands[i].front().toUpper() == "MULTI") {
            // MULTI … EXEC goes whole to one node (its keys share a slot).
            do {
                u.commands.push_back(commands[i]);
            } while (commands[i++].front().toUpper() != "EXEC" && i < commands.size());
        } else {
            u.commands.push_back(commands[i++]);
        }
        u.readOnly = std::all_of(u.commands.begin(), u.commands.end(), &RedisClient::isReadOnly);
        for (const RedisCommand& c : u.commands) {
            if (const auto key = RedisSlotMap::routingKey(c)) {
                u.slot = RedisSlotMap::keySlot(*key);
                break;
            }
        }
        units.push_back(std::move(u));
    }
    std::vector<Unit*> pending;
    for (Unit& u : units) {
        pending.push_back(&u);
    }
    for (int round = 0; round < kMaxRounds && !pending.empty(); ++round) {
        if (stale_ && !refresh()) {
            for (Unit* u : pending) {
                for (std::size_t j = 0; j < u->commands.size(); ++j) {
                    out[u->first + j] = redisError(lastError_);
                }
            }
            return out;
        }
        std::map<QString, std::pair<RedisAddress, std::vector<Unit*>>> byNode;
        for (Unit* u : pending) {
            const RedisAddress address = u->askTo       ? *u->askTo
                                         : u->slot >= 0 ? map_.primaryOf(u->slot)
                                                        : map_.primaries().front();
            auto& group = byNode[RedisSlotMap::nodeName(address)];
            group.first = address;
            group.second.push_back(u);
        }
        std::vector<Unit*> again;
        for (auto& [name, group] : byNode) {
            runOn(group.first, group.second, retryReads, waitReplicas, waitTimeout, out, again);
        }
        pending = std::move(again);
    }
    return out;
}

void RedisCluster::runOn(const RedisAddress& address, std::vector<Unit*>& units, bool retryReads,
                         int waitReplicas, std::chrono::milliseconds waitTimeout,
                         std::vector<RedisReply>& out, std::vector<Unit*>& again) {
    RedisClient& client = node(address);
    if (!client.connect()) {
        // Nothing was written: everything may go again once the map was read again (the
        // node died: its replica is promoted within cluster-node-timeout and an election).
        lastError_ = client.lastError();
        stale_ = true;
        for (Unit* u : units) {
            for (std::size_t j = 0; j < u->commands.size(); ++j) {
                out[u->first + j] = redisError(lastError_);
            }
            u->askTo.reset();
            again.push_back(u);
        }
        return;
    }
    std::vector<RedisCommand> commands;
    std::vector<std::size_t> offsets;
    bool writes = false;
    for (const Unit* u : units) {
        if (u->askTo) {
            commands.push_back({"ASKING"});
        }
        offsets.push_back(commands.size());
        commands.insert(commands.end(), u->commands.begin(), u->commands.end());
        writes = writes || !u->readOnly;
    }
    const bool waiting = waitReplicas > 0 && writes;
    if (waiting) {
        commands.push_back({"WAIT", QByteArray::number(waitReplicas),
                            QByteArray::number(static_cast<qint64>(waitTimeout.count()))});
    }
    bool broken = false;
    bool timedOut = false;
    const auto replies = client.pipelineOnce(commands, &broken, &timedOut);
    if (broken) {
        // The node closed (a failover?) or did not answer: a read may go again on the new
        // map, once; a write may have been applied, so it is an error for the caller.
        lastError_ = client.lastError();
        stale_ = true;
        for (std::size_t k = 0; k < units.size(); ++k) {
            Unit* u = units[k];
            for (std::size_t j = 0; j < u->commands.size(); ++j) {
                // Waiting, a write's reply without WAIT's is no success: the write may be
                // lost by a failover (never confirmed on a replica).
                out[u->first + j] =
                    waiting && !u->readOnly ? redisError(lastError_) : replies[offsets[k] + j];
            }
            u->askTo.reset();
            if (u->readOnly && retryReads && !timedOut && !u->retried) {
                u->retried = true;
                again.push_back(u);
            }
        }
        return;
    }
    const long long acked =
        waiting && replies.back().type == RedisReply::Type::Integer ? replies.back().integer : -1;
    for (std::size_t k = 0; k < units.size(); ++k) {
        Unit* u = units[k];
        u->askTo.reset();
        std::optional<RedisRedirect> redirect;
        bool resend = false;
        for (std::size_t j = 0; j < u->commands.size(); ++j) {
            const RedisReply& r = replies[offsets[k] + j];
            out[u->first + j] = r;
            if (!redirect) {
                redirect = parseRedirect(r);
            }
            if (r.isError() && r.string.startsWith("NOSCRIPT") &&
                u->commands[j].front().toUpper() == "EVALSHA") {
                // Not run: sent again with the script's text (a node that lost its cache).
                for (const QByteArray& script : scripts_) {
                    if (QCryptographicHash::hash(script, QCryptographicHash::Sha1).toHex() ==
                        u->commands[j][1]) {
                        u->commands[j][0] = "EVAL";
                        u->commands[j][1] = script;
                        resend = true;
                    }
                }
            }
        }
        if (redirect) {
            // Not run (or, in a MULTI, the EXEC was aborted): sent again where Redis says.
            if (redirect->ask) {
                u->askTo = redirect->node;
            } else {
                map_.move(redirect->slot, redirect->node);
            }
            resend = true;
        }
        if (resend) {
            again.push_back(u);
            continue;
        }
        if (waiting && !u->readOnly && acked < waitReplicas) {
            // Applied on the primary, not confirmed on enough replicas: a failover could lose
            // it, so it is not `accepted` (the client sends it again).
            const QString why =
                QStringLiteral("WAIT: %1 of %2 replicas acknowledged the write in %3 ms")
                    .arg(std::max(acked, 0LL))
                    .arg(waitReplicas)
                    .arg(waitTimeout.count());
            lastError_ = why;
            for (std::size_t j = 0; j < u->commands.size(); ++j) {
                out[u->first + j] = redisError(why);
            }
        }
    }
}

}  // namespace tandem::relay
