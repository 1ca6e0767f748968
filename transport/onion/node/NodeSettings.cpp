#include "transport/onion/node/NodeSettings.h"

#include <tandem/common/Ascii.h>

#include "transport/daemon/DaemonData.h"

namespace tandem::transport::onion {

QStringList NodeSettings::optionNames() {
    return {QStringLiteral("data"),        QStringLiteral("listen"),
            QStringLiteral("directory"),   QStringLiteral("network-key"),
            QStringLiteral("link-delay"),  QStringLiteral("quota-per-id"),
            QStringLiteral("store-quota"), QStringLiteral("max-per-address"),
            QStringLiteral("idle-timeout")};
}

Expected<NodeSettings, QString> NodeSettings::read(const daemon::DaemonOptions& options,
                                                   bool needDirectory) {
    NodeSettings s;
    s.data = options.value(QStringLiteral("data"));
    s.directory = options.value(QStringLiteral("directory"));
    if (s.data.isEmpty() || (needDirectory && s.directory.isEmpty())) {
        return unexpected(QStringLiteral("--data DIR and --directory FILE are required"));
    }
    if (!needDirectory) {
        return s;
    }
    const QString listen = options.value(QStringLiteral("listen"), QStringLiteral("127.0.0.1:0"));
    const qsizetype colon = listen.lastIndexOf(u':');
    bool portOk = false;
    const uint port = listen.mid(colon + 1).toUInt(&portOk);
    QString ip = listen.left(colon);
    if (ip.startsWith(u'[') && ip.endsWith(u']')) {
        ip = ip.mid(1, ip.size() - 2);  // [::1]:4200, as the node writes an IPv6 address
    }
    s.host = QHostAddress(ip);
    if (colon <= 0 || !portOk || port > 65535 || s.host.isNull()) {
        return unexpected(QStringLiteral("--listen takes IP:PORT, an IP literal and a port"));
    }
    s.port = static_cast<quint16>(port);
    const auto keyBytes = parseLowerHex(options.value(QStringLiteral("network-key")), 32);
    if (!keyBytes) {
        return unexpected(QStringLiteral(
            "--network-key takes the network's public key, 64 lowercase hex digits"));
    }
    std::copy(keyBytes->begin(), keyBytes->end(), s.networkKey.begin());
    if (const auto bad = daemon::readConnectionOptions(options, s.limits.clients.connections,
                                                       s.limits.clients.idleTimeoutMs)) {
        return unexpected(*bad);
    }
    bool delayOk = false;
    s.limits.clients.linkDelayMs =
        options.value(QStringLiteral("link-delay"), QStringLiteral("0")).toInt(&delayOk);
    if (!delayOk || s.limits.clients.linkDelayMs < 0 || s.limits.clients.linkDelayMs > 10000) {
        return unexpected(QStringLiteral("--link-delay takes 0 to 10000 ms"));
    }
    for (const auto& [option, target] :
         {std::pair{QStringLiteral("quota-per-id"), &s.limits.store.maxBytesPerRecipient},
          std::pair{QStringLiteral("store-quota"), &s.limits.store.maxMessageBytesTotal}}) {
        if (!options.isSet(option)) {
            continue;
        }
        bool quotaOk = false;
        const int mib = options.value(option).toInt(&quotaOk);
        if (!quotaOk || mib < 1 || mib > 1024 * 1024) {
            return unexpected(QStringLiteral("--%1 takes 1 to 1048576 MiB").arg(option));
        }
        *target = static_cast<std::int64_t>(mib) * 1024 * 1024;
    }
    return s;
}

QStringList NodeSettings::restartOnly() {
    return {QStringLiteral("data"), QStringLiteral("listen"), QStringLiteral("network-key"),
            QStringLiteral("link-delay")};
}

}  // namespace tandem::transport::onion
