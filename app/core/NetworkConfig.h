// network.json: how a profile joins a network. Written by tandem-localnet (or an operator),
// read strictly: a bad file is refused with a sentence naming what is wrong.
//   { "version": 1,
//     "relay": { "address": "127.0.0.1:4100", "public_key": "<64 hex: Ed25519>" },
//     "onion": { "network_key": "<64 hex: Ed25519>", "directory": "<base64 SignedDirectory>" } }
// The onion directory is verified against the network key here (transport/onion/Directory.h).
// The same network also travels as a signed tandem://network/ link (Links.h); load() takes
// either, so every place that asks for a network file takes a pasted link as well.
#pragma once

#include <optional>

#include <QByteArray>
#include <QString>

#include <tandem/common/Expected.h>

#include "crypto/Primitives.h"
#include "transport/onion/Directory.h"
#include "transport/relay/RelayConnection.h"

namespace tandem::core {

struct OnionNetwork {
    crypto::PublicKey networkKey{};
    transport::onion::NodeDirectory directory;
    QByteArray signedDirectory;
};

struct NetworkConfig {
    static constexpr qint64 kMaxBytes = 1024 * 1024;
    static constexpr int kMaxRelayAddresses = 16;  // "address" and "more_addresses"

    std::optional<transport::RelayEndpoint> relay;
    std::optional<OnionNetwork> onion;
    QByteArray json;  // as given, for the profile's settings

    static Expected<NetworkConfig, QString> parse(const QByteArray& json);
    // A network file's path, or a tandem://network/ link (surrounding white space ignored).
    static Expected<NetworkConfig, QString> load(const QString& pathOrLink);
    // How to name `pathOrLink` in a sentence: the path, or "the network link".
    static QString describeSource(const QString& pathOrLink);
};

}  // namespace tandem::core
