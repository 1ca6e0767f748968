// NodeSettings: what tandem-node runs with, read from its options (DaemonOptions: the command
// line and --config FILE), each checked with a sentence naming the option. On SIGHUP the main
// reads them again and hands them to NodeServer::reconfigure(): the quotas, the connection
// limits and the directory file take effect at once; --data, --listen, --network-key and
// --link-delay need a restart (restartOnly()). --audit is test
// instrumentation: command line only, never in a config file.
#pragma once

#include <QHostAddress>
#include <QString>
#include <QStringList>

#include <tandem/common/Expected.h>

#include "crypto/Primitives.h"
#include "transport/daemon/DaemonOptions.h"
#include "transport/onion/node/NodeLimits.h"

namespace tandem::transport::onion {

struct NodeSettings {
    QString data;
    QHostAddress host;
    quint16 port = 0;
    QString directory;
    crypto::PublicKey networkKey{};
    NodeLimits limits;

    // The option names a config file may hold.
    static QStringList optionNames();
    // `needDirectory`: false for --print-identity, which needs only --data.
    static Expected<NodeSettings, QString> read(const daemon::DaemonOptions& options,
                                                bool needDirectory = true);
    // The options that take effect only after a restart.
    static QStringList restartOnly();
};

}  // namespace tandem::transport::onion
