// A real Redis Cluster for the relay tests: six redis-server processes on loopback ports picked
// at run time (three primaries, three replicas: cluster-enabled, cluster-node-timeout 1000 ms,
// appendonly yes, appendfsync always), joined by `redis-cli --cluster create
// --cluster-replicas 1`. A node is SIGKILLed and started again (it comes back as a replica,
// from its folder's nodes.conf and AOF) through node(i). Queries go through the relay's own
// RedisClient, one node at a time.
#pragma once

#include <array>
#include <map>
#include <memory>

#include <QProcess>
#include <QTest>

#include "tests/relay/RedisTestServer.h"
#include "transport/relay/server/redis/RedisClient.h"
#include "transport/relay/server/redis/RedisSlotMap.h"

namespace tandem::test {

class RedisTestCluster {
public:
    static constexpr int kNodes = 6;
    static constexpr int kNodeTimeoutMs = 1000;

    bool start() {
        const QString cli = QStandardPaths::findExecutable(QStringLiteral("redis-cli"));
        if (cli.isEmpty()) {
            qWarning("redis-cli is not installed (it comes with redis-server)");
            return false;
        }
        QStringList addresses;
        for (auto& node : nodes_) {
            node = std::make_unique<RedisTestServer>();
            node->setExtraArguments(
                {QStringLiteral("--cluster-enabled"), QStringLiteral("yes"),
                 QStringLiteral("--cluster-node-timeout"), QString::number(kNodeTimeoutMs),
                 QStringLiteral("--cluster-config-file"), QStringLiteral("nodes.conf")});
            if (!node->start()) {
                return false;
            }
            addresses << QStringLiteral("127.0.0.1:%1").arg(node->port());
        }
        QProcess create;
        create.setProcessChannelMode(QProcess::MergedChannels);
        create.start(cli, QStringList{QStringLiteral("--cluster"), QStringLiteral("create")} +
                              addresses +
                              QStringList{QStringLiteral("--cluster-replicas"), QStringLiteral("1"),
                                          QStringLiteral("--cluster-yes")});
        if (!create.waitForFinished(30000) || create.exitCode() != 0) {
            qWarning() << "redis-cli --cluster create failed:" << create.readAll().right(400);
            return false;
        }
        if (!waitUntilHealthy(30000)) {
            qWarning() << "the cluster did not become healthy:"
                       << command(nodes_[0]->port(), {"CLUSTER", "INFO"}).string.left(200)
                       << (map() ? map()->primaries().size() : 0);
            return false;
        }
        return true;
    }

    // Every running node says cluster_state:ok, the map has three primaries and each primary
    // a replica in sync (WAIT 1 answers at once).
    bool waitUntilHealthy(int ms) {
        return QTest::qWaitFor(
            [&] {
                for (const auto& node : nodes_) {
                    if (node->running() && !command(node->port(), {"CLUSTER", "INFO"})
                                                .string.contains("cluster_state:ok")) {
                        return false;
                    }
                }
                const auto m = map();
                if (!m || m->primaries().size() != 3) {
                    return false;
                }
                for (const relay::RedisAddress& p : m->primaries()) {
                    const QByteArray replication = info(p.port, "replication");
                    if (!replication.contains("connected_slaves:1") ||
                        !replication.contains("state=online")) {
                        return false;
                    }
                }
                return true;
            },
            ms);
    }

    [[nodiscard]] QString url() const {
        QStringList seeds;
        for (const auto& node : nodes_) {
            seeds << QStringLiteral("127.0.0.1:%1").arg(node->port());
        }
        return QStringLiteral("redis-cluster://") + seeds.join(u',');
    }
    RedisTestServer& node(int i) { return *nodes_[static_cast<std::size_t>(i)]; }
    // The index of the node on `port`, -1 if none.
    [[nodiscard]] int indexOf(int port) const {
        for (int i = 0; i < kNodes; ++i) {
            if (nodes_[static_cast<std::size_t>(i)]->port() == port) {
                return i;
            }
        }
        return -1;
    }

    // One command on node `port`'s own connection.
    static relay::RedisReply command(int port, const relay::RedisCommand& args) {
        relay::RedisClient c({{QStringLiteral("127.0.0.1"), port}}, false,
                             std::chrono::milliseconds(2000));
        return c.command(args);
    }
    static QByteArray info(int port, const QByteArray& section) {
        return command(port, {"INFO", section}).string;
    }

    // The slot map as a running node sees it now.
    [[nodiscard]] std::optional<relay::RedisSlotMap> map() const {
        std::vector<relay::RedisAddress> seeds;
        for (const auto& node : nodes_) {
            if (node->running()) {
                seeds.push_back({QStringLiteral("127.0.0.1"), node->port()});
            }
        }
        relay::RedisSlotMap m;
        QString error;
        if (!m.read(seeds, std::chrono::milliseconds(2000), &error)) {
            return std::nullopt;
        }
        return m;
    }

    // The slot of the account registered with `phone` (its record acct:{aci} names it), -1 if
    // no primary holds it.
    [[nodiscard]] int slotOfAccount(const QString& phone) const {
        const auto m = map();
        if (!m) {
            return -1;
        }
        for (const relay::RedisAddress& primary : m->primaries()) {
            const relay::RedisReply r = command(
                primary.port, {"EVAL",
                               "for _, k in ipairs(redis.call('KEYS', 'acct:{*')) do "
                               "if redis.call('HGET', k, 'phone') == ARGV[1] then return k end "
                               "end return false",
                               "0", phone.toLatin1()});
            if (r.type == relay::RedisReply::Type::String) {
                return relay::RedisSlotMap::keySlot(r.string);
            }
        }
        return -1;
    }
    // The port of the primary serving `slot` now (0 if the map cannot be read).
    [[nodiscard]] int primaryOf(int slot) const {
        const auto m = map();
        return m && slot >= 0 ? m->primaryOf(slot).port : 0;
    }

    // Envelopes queued in all mailboxes of all primaries (-1 when one does not answer).
    [[nodiscard]] long long queuedInAll() const {
        const auto m = map();
        if (!m) {
            return -1;
        }
        long long total = 0;
        for (const relay::RedisAddress& primary : m->primaries()) {
            const relay::RedisReply r =
                command(primary.port, {"EVAL",
                                       "local t = 0 for _, k in ipairs(redis.call('KEYS', "
                                       "'mq:*')) do t = t + redis.call('ZCARD', k) end return t",
                                       "0"});
            if (r.type != relay::RedisReply::Type::Integer) {
                return -1;
            }
            total += r.integer;
        }
        return total;
    }

private:
    std::array<std::unique_ptr<RedisTestServer>, kNodes> nodes_;
};

}  // namespace tandem::test
