// network.json: how a profile joins a network. Written by tandem-localnet (or an operator),
// read strictly: a bad file is refused with a sentence naming what is wrong.
//   { "version": 1,
//     "relay": { "address": "127.0.0.1:4100", "public_key": "<64 hex: Ed25519>" },
//     … (Session mode's node directory arrives with the onion network) }
#pragma once

#include <optional>

#include <QByteArray>
#include <QString>

#include <tandem/common/Expected.h>

#include "crypto/Primitives.h"
#include "transport/relay/RelayConnection.h"

namespace tandem::core {

struct NetworkConfig {
    static constexpr qint64 kMaxBytes = 1024 * 1024;

    std::optional<transport::RelayEndpoint> relay;
    QByteArray json;  // as given, for the profile's settings

    static Expected<NetworkConfig, QString> parse(const QByteArray& json);
    static Expected<NetworkConfig, QString> load(const QString& path);
};

}  // namespace tandem::core
