#include "transport/relay/server/redis/RedisSlotMap.h"

#include <algorithm>

namespace tandem::relay {

std::uint16_t RedisSlotMap::crc16(const QByteArray& bytes) {
    // CRC-16/XMODEM (polynomial 0x1021, initial 0), bit by bit: keys are short.
    std::uint16_t crc = 0;
    for (const char ch : bytes) {
        crc ^= static_cast<std::uint16_t>(static_cast<unsigned char>(ch) << 8);
        for (int bit = 0; bit < 8; ++bit) {
            crc = (crc & 0x8000) != 0 ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021)
                                      : static_cast<std::uint16_t>(crc << 1);
        }
    }
    return crc;
}

int RedisSlotMap::keySlot(const QByteArray& key) {
    const qsizetype open = key.indexOf('{');
    if (open >= 0) {
        const qsizetype close = key.indexOf('}', open + 1);
        if (close > open + 1) {
            return crc16(key.mid(open + 1, close - open - 1)) % kSlots;
        }
    }
    return crc16(key) % kSlots;
}

std::optional<QByteArray> RedisSlotMap::routingKey(const RedisCommand& command) {
    if (command.isEmpty()) {
        return std::nullopt;
    }
    const QByteArray name = command.front().toUpper();
    if (name == "EVAL" || name == "EVALSHA") {
        if (command.size() > 3 && command[2].toInt() > 0) {
            return command[3];
        }
        return std::nullopt;
    }
    static const QList<QByteArray> kKeyless{"PING",    "MULTI",  "EXEC",   "DISCARD",
                                            "WAIT",    "SCAN",   "CONFIG", "INFO",
                                            "CLUSTER", "ASKING", "SCRIPT", "READONLY"};
    if (kKeyless.contains(name) || command.size() < 2) {
        return std::nullopt;
    }
    return command[1];
}

bool RedisSlotMap::load(const RedisReply& reply) {
    if (reply.type != RedisReply::Type::Array || reply.elements.empty()) {
        return false;
    }
    std::vector<RedisAddress> nodes;
    std::array<std::uint16_t, kSlots> owner{};
    std::vector<bool> served(kSlots, false);
    for (const RedisReply& range : reply.elements) {
        // [start, end, [host, port, id, …], replicas…]
        if (range.elements.size() < 3 || range.elements[2].elements.size() < 2) {
            return false;
        }
        const long long start = range.elements[0].integer;
        const long long end = range.elements[1].integer;
        const RedisReply& primary = range.elements[2];
        RedisAddress node{QString::fromUtf8(primary.elements[0].string),
                          static_cast<int>(primary.elements[1].integer)};
        if (start < 0 || end >= kSlots || start > end || node.host.isEmpty() || node.port <= 0) {
            return false;
        }
        const auto same = [&](const RedisAddress& a) {
            return a.host == node.host && a.port == node.port;
        };
        auto it = std::find_if(nodes.begin(), nodes.end(), same);
        if (it == nodes.end()) {
            nodes.push_back(node);
            it = nodes.end() - 1;
        }
        for (long long s = start; s <= end; ++s) {
            owner[static_cast<std::size_t>(s)] = static_cast<std::uint16_t>(it - nodes.begin());
            served[static_cast<std::size_t>(s)] = true;
        }
    }
    if (std::find(served.begin(), served.end(), false) != served.end()) {
        return false;  // a slot nobody serves: the cluster is not ready (or is failing over)
    }
    nodes_ = std::move(nodes);
    owner_ = owner;
    return true;
}

bool RedisSlotMap::read(const std::vector<RedisAddress>& nodes, std::chrono::milliseconds timeout,
                        QString* error) {
    QString why = QStringLiteral("no node listed");
    for (const RedisAddress& address : nodes) {
        RedisClient probe({address}, false, timeout);
        const RedisReply r = probe.command({"CLUSTER", "SLOTS"});
        if (load(r)) {
            return true;
        }
        why = r.isError() ? QString::fromUtf8(r.string)
                          : QStringLiteral("%1 gave no full slot map").arg(nodeName(address));
    }
    *error = QStringLiteral("no Redis Cluster node gave a slot map (%1)").arg(why);
    return false;
}

void RedisSlotMap::move(int slot, const RedisAddress& node) {
    if (slot < 0 || slot >= kSlots) {
        return;
    }
    auto it = std::find_if(nodes_.begin(), nodes_.end(), [&](const RedisAddress& a) {
        return a.host == node.host && a.port == node.port;
    });
    if (it == nodes_.end()) {
        nodes_.push_back(node);
        it = nodes_.end() - 1;
    }
    owner_[static_cast<std::size_t>(slot)] = static_cast<std::uint16_t>(it - nodes_.begin());
}

const RedisAddress& RedisSlotMap::primaryOf(int slot) const {
    return nodes_[owner_[static_cast<std::size_t>(slot)]];
}

std::vector<RedisAddress> RedisSlotMap::primaries() const {
    std::vector<bool> used(nodes_.size(), false);
    for (const std::uint16_t o : owner_) {
        used[o] = true;
    }
    std::vector<RedisAddress> out;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        if (used[i]) {
            out.push_back(nodes_[i]);
        }
    }
    return out;
}

std::optional<RedisRedirect> parseRedirect(const RedisReply& reply) {
    if (!reply.isError()) {
        return std::nullopt;
    }
    const QList<QByteArray> parts = reply.string.split(' ');
    if (parts.size() != 3 || (parts[0] != "MOVED" && parts[0] != "ASK")) {
        return std::nullopt;
    }
    bool ok = false;
    const int slot = parts[1].toInt(&ok);
    const qsizetype colon = parts[2].lastIndexOf(':');
    bool portOk = false;
    const int port = parts[2].mid(colon + 1).toInt(&portOk);
    if (!ok || colon <= 0 || !portOk || slot < 0 || slot >= RedisSlotMap::kSlots) {
        return std::nullopt;
    }
    return RedisRedirect{parts[0] == "ASK", slot,
                         RedisAddress{QString::fromUtf8(parts[2].left(colon)), port}};
}

}  // namespace tandem::relay
