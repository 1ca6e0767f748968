// NetworkSigning: what the holder of a network key does for a network of real machines (and
// tandem-localnet does on loopback): keep the key, sign the node directory, and write the
// network.json and network link that clients join with (docs/server.md).
//
// The network key is an Ed25519 seed, 32 raw bytes in a 0600 file. A directory is signed
// afresh only when its nodes (key, address, swarm) differ from the previous one's, and then
// with the next version: nodes and clients take no version lower than one they have seen, so
// an unchanged network keeps the same signed bytes.
#pragma once

#include <optional>
#include <vector>

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <tandem/common/Expected.h>

#include "crypto/Primitives.h"

namespace tandem::core {

struct DirectoryNode {
    QString address;  // IP:PORT, as clients and other nodes reach it
    crypto::PublicKey ed25519{};
};

// The key in `path`; nullopt-free: a missing, short or unreadable file is an error naming it.
Expected<crypto::Ed25519KeyPair, QString> loadNetworkKey(const QString& path);
// A new key in `path` (0600, written atomically); refused if the file exists.
Expected<crypto::Ed25519KeyPair, QString> createNetworkKey(const QString& path);

// "IP:PORT=HEX" (as `tandemctl network-sign --node` takes it): a node's address and its
// identity key (tandem-node --print-identity).
Expected<DirectoryNode, QString> parseDirectoryNode(const QString& text);

// The signed directory of `nodes` (in swarms of at least three, transport/onion/Swarm.h; the
// swarms of `previous` kept, and rebalanced for the nodes that left and joined):
// `previous` itself when it is a directory this key signed of the same nodes, else a new one
// with the next version; a `previous` this key did not sign (or a damaged one) is refused. Refused
// with a sentence if there are too few nodes, a key is not a valid Ed25519 point or the result does
// not verify.
Expected<QByteArray, QString> signDirectory(const std::vector<DirectoryNode>& nodes,
                                            const crypto::Ed25519KeyPair& networkKey,
                                            const QByteArray& previous = {});

// network.json (NetworkConfig.h): the relay (if given) and the onion network.
QJsonObject networkJson(const std::optional<QJsonObject>& relay,
                        const crypto::PublicKey& networkKey, const QByteArray& signedDirectory);

}  // namespace tandem::core
