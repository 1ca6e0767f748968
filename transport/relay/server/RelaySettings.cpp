#include "transport/relay/server/RelaySettings.h"

#include "transport/daemon/DaemonData.h"
#include "transport/relay/server/CodeSender.h"

namespace tandem::relay {

QStringList RelaySettings::optionNames() {
    return {QStringLiteral("data"),          QStringLiteral("listen"),
            QStringLiteral("verify"),        QStringLiteral("link-delay"),
            QStringLiteral("mailbox-quota"), QStringLiteral("max-per-address"),
            QStringLiteral("idle-timeout"),  QStringLiteral("store"),
            QStringLiteral("redis-wait")};
}

Expected<RelaySettings, QString> RelaySettings::read(const daemon::DaemonOptions& options) {
    RelaySettings s;
    s.data = options.value(QStringLiteral("data"));
    if (s.data.isEmpty()) {
        return unexpected(QStringLiteral("--data DIR is required"));
    }
    const QString listen = options.value(QStringLiteral("listen"), QStringLiteral("127.0.0.1:0"));
    const qsizetype colon = listen.lastIndexOf(u':');
    bool portOk = false;
    const uint port = listen.mid(colon + 1).toUInt(&portOk);
    s.host = QHostAddress(listen.left(colon));
    if (colon <= 0 || !portOk || port > 65535 || s.host.isNull()) {
        return unexpected(QStringLiteral("--listen takes IP:PORT, an IP literal and a port"));
    }
    s.port = static_cast<quint16>(port);
    if (options.isSet(QStringLiteral("store"))) {
        QString bad;
        const auto servers = parseRedisUrl(options.value(QStringLiteral("store")), &bad);
        if (!servers) {
            return unexpected(bad);
        }
        s.redis = *servers;
    }
    if (options.isSet(QStringLiteral("redis-wait"))) {
        bool waitOk = false;
        s.redisWait = options.value(QStringLiteral("redis-wait")).toInt(&waitOk);
        if (!waitOk || s.redisWait < 0 || s.redisWait > 5) {
            return unexpected(QStringLiteral("--redis-wait takes 0 to 5 replicas"));
        }
        if (s.redisWait > 0 && s.redis.servers.empty()) {
            return unexpected(
                QStringLiteral("--redis-wait needs --store redis://… or redis-cluster://…"));
        }
    }
    s.verify = options.value(QStringLiteral("verify"), QStringLiteral("none"));
    if (const auto bad = CodeSender::check(s.verify)) {
        return unexpected(*bad);
    }
    if (const auto bad = daemon::readConnectionOptions(options, s.limits.clients.connections,
                                                       s.limits.clients.idleTimeoutMs)) {
        return unexpected(*bad);
    }
    if (options.isSet(QStringLiteral("mailbox-quota"))) {
        bool quotaOk = false;
        const int mib = options.value(QStringLiteral("mailbox-quota")).toInt(&quotaOk);
        if (!quotaOk || mib < 1 || mib > 65536) {
            return unexpected(QStringLiteral("--mailbox-quota takes 1 to 65536 MiB"));
        }
        s.limits.maxQueuedBytesPerAccount = static_cast<qint64>(mib) * 1024 * 1024;
    }
    bool delayOk = false;
    s.limits.clients.linkDelayMs =
        options.value(QStringLiteral("link-delay"), QStringLiteral("0")).toInt(&delayOk);
    if (!delayOk || s.limits.clients.linkDelayMs < 0 || s.limits.clients.linkDelayMs > 10000) {
        return unexpected(QStringLiteral("--link-delay takes 0 to 10000 ms"));
    }
    return s;
}

QStringList RelaySettings::restartOnly() {
    return {QStringLiteral("data"), QStringLiteral("listen"), QStringLiteral("link-delay"),
            QStringLiteral("store"), QStringLiteral("redis-wait")};
}

}  // namespace tandem::relay
