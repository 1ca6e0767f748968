// RedisSlotMap: which Redis Cluster primary serves which hash slot (tandem-relayd --store
// redis-cluster://…). A key's slot is CRC16 (XMODEM) of its hash tag — the part between the
// first `{` and the next `}`, when not empty — or of the whole key, modulo 16384, as Redis
// computes it. The map is read from CLUSTER SLOTS and patched by a MOVED redirect.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include <QByteArray>
#include <QString>

#include "transport/relay/server/redis/RedisClient.h"

namespace tandem::relay {

class RedisSlotMap {
public:
    static constexpr int kSlots = 16384;

    static std::uint16_t crc16(const QByteArray& bytes);
    static int keySlot(const QByteArray& key);
    // The key a command is routed by (nullopt: it names none — PING, MULTI, WAIT, SCAN…).
    // EVAL/EVALSHA: its first key; every other command the relay sends: its first argument.
    static std::optional<QByteArray> routingKey(const RedisCommand& command);
    // "host:port" of an address, the name of a node.
    static QString nodeName(const RedisAddress& a) {
        return a.host + u':' + QString::number(a.port);
    }

    // Replaces the map with a CLUSTER SLOTS reply; false (map unchanged) when it does not
    // parse or leaves a slot unserved.
    bool load(const RedisReply& clusterSlots);
    // Reads the map from the first of `nodes` that gives a full one (CLUSTER SLOTS, each
    // connection bounded by `timeout`); false (and `error`) when none does.
    bool read(const std::vector<RedisAddress>& nodes, std::chrono::milliseconds timeout,
              QString* error);
    // A MOVED redirect: `slot` is now served by `node`.
    void move(int slot, const RedisAddress& node);
    [[nodiscard]] bool empty() const { return nodes_.empty(); }
    // The primary serving `slot` (the map must not be empty).
    [[nodiscard]] const RedisAddress& primaryOf(int slot) const;
    // Every primary, each once.
    [[nodiscard]] std::vector<RedisAddress> primaries() const;

private:
    std::vector<RedisAddress> nodes_;            // every primary named by the map
    std::array<std::uint16_t, kSlots> owner_{};  // slot → index in nodes_
};

// A -MOVED or -ASK error's target: "MOVED 3999 127.0.0.1:6381" → {3999, 127.0.0.1:6381}.
struct RedisRedirect {
    bool ask = false;
    int slot = 0;
    RedisAddress node;
};
std::optional<RedisRedirect> parseRedirect(const RedisReply& reply);

}  // namespace tandem::relay
