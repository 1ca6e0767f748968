// RelaySettings: what tandem-relayd runs with, read from its options (DaemonOptions: the command
// line and --config FILE), each checked with a sentence naming the option. On SIGHUP the main
// reads them again and hands them to RelayServer::reconfigure(): the limits and --verify take
// effect at once; --data, --listen, --store and --link-delay need a restart (restartOnly()).
#pragma once

#include <QHostAddress>
#include <QString>
#include <QStringList>

#include <tandem/common/Expected.h>

#include "transport/daemon/DaemonOptions.h"
#include "transport/relay/server/RelayLimits.h"
#include "transport/relay/server/redis/RedisClient.h"

namespace tandem::relay {

struct RelaySettings {
    QString data;
    QHostAddress host;
    quint16 port = 0;
    QString verify;  // none, file:PATH or command:CMD (CodeSender)
    // --store redis://HOST:PORT[,…] or redis-cluster://HOST:PORT[,…]: accounts, mailboxes and
    // blobs in Redis; no servers: the data folder's relay.db and blobs/ (the default).
    RedisEndpoints redis;
    // --redis-wait N: replicas that must acknowledge a batch of sends before `accepted`.
    int redisWait = 0;
    RelayLimits limits;

    // The option names a config file may hold (the long options that take a value).
    static QStringList optionNames();
    static Expected<RelaySettings, QString> read(const daemon::DaemonOptions& options);
    // The options that take effect only after a restart.
    static QStringList restartOnly();
};

}  // namespace tandem::relay
