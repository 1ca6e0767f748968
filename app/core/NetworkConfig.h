// network.json: how a profile joins a network. Written by tandem-localnet (or an operator),
// read strictly: a bad file is refused with a sentence naming what is wrong.
//   { "version": 1,
//     "relay": { "address": "127.0.0.1:4100", "public_key": "<64 hex: Ed25519>" },
//     "onion": { "network_key": "<64 hex: Ed25519>", "directory": "<base64 SignedDirectory>" } }
// The onion directory is verified against the network key here (transport/onion/Directory.h).
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

    std::optional<transport::RelayEndpoint> relay;
    std::optional<OnionNetwork> onion;
    QByteArray json;  // as given, for the profile's settings

    static Expected<NetworkConfig, QString> parse(const QByteArray& json);
    static Expected<NetworkConfig, QString> load(const QString& path);
};

}  // namespace tandem::core
