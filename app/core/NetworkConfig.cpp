#include "app/core/NetworkConfig.h"

#include <QFile>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <tandem/common/Ascii.h>

#include "app/core/Links.h"

namespace tandem::core {

Expected<NetworkConfig, QString> NetworkConfig::parse(const QByteArray& json) {
    if (json.size() > kMaxBytes) {
        return unexpected(QStringLiteral("the network file is larger than 1 MiB"));
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (!doc.isObject()) {
        return unexpected(
            QStringLiteral("the network file is not JSON (%1)").arg(error.errorString()));
    }
    const QJsonObject root = doc.object();
    if (root.value(QStringLiteral("version")).toInt(-1) != 1) {
        return unexpected(QStringLiteral("the network file has an unknown version"));
    }
    NetworkConfig config;
    config.json = json;
    if (root.contains(QStringLiteral("relay"))) {
        const QJsonObject relay = root.value(QStringLiteral("relay")).toObject();
        const auto hostPort =
            [](const QString& address) -> std::optional<transport::RelayEndpoint::HostPort> {
            const qsizetype colon = address.lastIndexOf(u':');
            bool ok = false;
            const uint port = address.mid(colon + 1).toUInt(&ok);
            const QString host = address.left(colon);
            if (colon <= 0 || !ok || port == 0 || port > 65535 || host.isEmpty()) {
                return std::nullopt;
            }
            return transport::RelayEndpoint::HostPort{host, static_cast<quint16>(port)};
        };
        const auto first = hostPort(relay.value(QStringLiteral("address")).toString());
        if (!first) {
            return unexpected(QStringLiteral("the relay address must be HOST:PORT"));
        }
        // More front-ends of the same relay (the same key), tried in turn when one fails.
        std::vector<transport::RelayEndpoint::HostPort> more;
        const QJsonValue moreValue = relay.value(QStringLiteral("more_addresses"));
        if (!moreValue.isUndefined() && !moreValue.isArray()) {
            return unexpected(QStringLiteral("the relay's more_addresses must be a list"));
        }
        const QJsonArray others = moreValue.toArray();
        if (others.size() > kMaxRelayAddresses - 1) {
            return unexpected(
                QStringLiteral("the relay has more than %1 addresses").arg(kMaxRelayAddresses));
        }
        for (const QJsonValue& other : others) {
            const auto parsed = hostPort(other.toString());
            if (!parsed) {
                return unexpected(QStringLiteral("every relay address must be HOST:PORT"));
            }
            more.push_back(*parsed);
        }
        const QByteArray key =
            parseLowerHex(relay.value(QStringLiteral("public_key")).toString(), 32)
                .value_or(QByteArray());
        if (key.size() != 32) {
            return unexpected(
                QStringLiteral("the relay's public key must be 64 hexadecimal digits"));
        }
        transport::RelayEndpoint endpoint;
        endpoint.host = first->host;
        endpoint.port = first->port;
        endpoint.alternates = std::move(more);
        std::copy(key.begin(), key.end(), endpoint.relayKey.begin());
        if (!crypto::ed25519ToX25519(endpoint.relayKey)) {
            return unexpected(QStringLiteral("the relay's public key is not a valid key"));
        }
        config.relay = endpoint;
    }
    if (root.contains(QStringLiteral("onion"))) {
        const QJsonObject onion = root.value(QStringLiteral("onion")).toObject();
        const QString keyHex = onion.value(QStringLiteral("network_key")).toString();
        const QByteArray key = parseLowerHex(keyHex, 32).value_or(QByteArray());
        if (key.size() != 32) {
            return unexpected(
                QStringLiteral("the onion network key must be 64 hexadecimal digits"));
        }
        const QByteArray signedDirectory =
            QByteArray::fromBase64(onion.value(QStringLiteral("directory")).toString().toLatin1(),
                                   QByteArray::AbortOnBase64DecodingErrors);
        OnionNetwork network;
        std::copy(key.begin(), key.end(), network.networkKey.begin());
        auto directory = transport::onion::NodeDirectory::verify(
            crypto::ByteView(
                reinterpret_cast<const std::uint8_t*>(signedDirectory.constData()),  // NOLINT
                static_cast<std::size_t>(signedDirectory.size())),
            network.networkKey);
        if (!directory) {
            return unexpected(QStringLiteral("the onion directory: %1").arg(directory.error()));
        }
        network.directory = std::move(directory).value();
        network.signedDirectory = signedDirectory;
        config.onion = std::move(network);
    }
    return config;
}

Expected<NetworkConfig, QString> NetworkConfig::load(const QString& pathOrLink) {
    if (looksLikeLink(pathOrLink)) {
        auto link = parseNetworkLink(pathOrLink);
        if (!link) {
            return unexpected(std::move(link).error());
        }
        return std::move(link->config);
    }
    const QString& path = pathOrLink;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return unexpected(QStringLiteral("cannot read the network file %1").arg(path));
    }
    auto parsed = parse(file.read(kMaxBytes + 1));
    if (!parsed) {
        return unexpected(QStringLiteral("%1: %2").arg(path, parsed.error()));
    }
    return parsed;
}

QString NetworkConfig::describeSource(const QString& pathOrLink) {
    return looksLikeLink(pathOrLink) ? QStringLiteral("the network link") : pathOrLink;
}

}  // namespace tandem::core
