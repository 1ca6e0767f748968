// The node directory: every node of the onion network, its keys, address and swarm, signed by
// the network key. Clients get it in network.json and can refresh it from any node; they
// trust only what the network key signed, and never a lower version than one they have seen.
//
// Read strictly: a directory that is oversize, badly signed, or names a node twice, a key
// that is not a valid Ed25519 point, an onion key that is not that identity's X25519 form, an
// address that is not IP:PORT, or a swarm with fewer than kMinSwarmSize nodes is refused with
// a sentence naming what is wrong.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <QString>

#include <tandem/common/Expected.h>

#include "crypto/Primitives.h"

namespace tandem::transport::onion {

struct NodeInfo {
    crypto::PublicKey ed25519{};  // identity
    crypto::PublicKey x25519{};   // onion key (the identity's X25519 form)
    QString address;              // "IP:PORT"
    std::uint64_t swarmId = 0;
};

struct NodeDirectory {
    static constexpr std::size_t kMaxBytes = 1024 * 1024;
    static constexpr std::size_t kMaxNodes = 4096;

    std::uint64_t version = 0;
    std::int64_t issuedAtMs = 0;
    std::vector<NodeInfo> nodes;

    // The signed form (a SignedDirectory message).
    [[nodiscard]] crypto::Bytes sign(const crypto::Ed25519KeyPair& networkKey) const;
    // `known`, a directory that passed verify() before (the one a client holds): a node it
    // lists with the same two keys is not checked on the curve again. That check costs two
    // scalar multiplications a node, 84 ms for 1 000 nodes (bench/onion_scale_sim), and a
    // client checks every directory it is handed, every ten minutes.
    static Expected<NodeDirectory, QString> verify(crypto::ByteView signedDirectory,
                                                   const crypto::PublicKey& networkKey,
                                                   const NodeDirectory* known = nullptr);

    // Sorted, unique.
    [[nodiscard]] std::vector<std::uint64_t> swarmIds() const;
    // The swarm that keeps this Session ID's messages (its X25519 key), or nullopt if empty.
    [[nodiscard]] std::optional<std::uint64_t> swarmOf(const crypto::PublicKey& x25519) const;
    [[nodiscard]] std::vector<NodeInfo> members(std::uint64_t swarmId) const;
    [[nodiscard]] const NodeInfo* find(const crypto::PublicKey& ed25519) const;
};

}  // namespace tandem::transport::onion
