// tandem-node: a Session-mode service node. Thin main; the server is transport/onion/node.
//   tandem-node --data DIR --directory FILE --network-key HEX [--listen IP:PORT]
//               [--link-delay MS] [--audit FILE]
// --listen defaults to 127.0.0.1:0. One node per DIR (it holds DIR/tandem-node.lock). A
// directory FILE that exists must be signed by the network key, or the node does not start.
// Exit status: 0 after a clean stop, 1 when it cannot run, 2 for a usage error.
// --audit is test instrumentation (transport/onion/node/AuditLog.h): it records full Session
// IDs and peer addresses, for the privacy-contract test only.
// Once listening it writes DIR/node.json (address and identity key, atomically) and prints
// "tandem-node ready IP:PORT ED25519_HEX" on stdout. The directory FILE (a signed node
// directory) may appear or change later: the node reads it when it changes.
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QHostAddress>
#include <QLoggingCategory>
#include <QTextStream>

#include <tandem/common/Ascii.h>
#include <tandem/common/UnixSignals.h>

#include "crypto/Sodium.h"
#include "transport/daemon/DaemonData.h"
#include "transport/onion/node/NodeServer.h"

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tandem-node"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TANDEM_VERSION));
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES")) {
        QLoggingCategory::setFilterRules(QStringLiteral("tandem.transport.node.info=true"));
    }
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Tandem's onion service node for Session mode."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption(
        {QStringLiteral("data"), QStringLiteral("The node's data folder."), QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("listen"),
                      QStringLiteral("Address to listen on, an IP literal (port 0: any free "
                                     "port; default 127.0.0.1:0)."),
                      QStringLiteral("IP:PORT"), QStringLiteral("127.0.0.1:0")});
    parser.addOption({QStringLiteral("directory"),
                      QStringLiteral("The signed node directory (read again when it changes)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("network-key"),
                      QStringLiteral("The network key that signs the directory (64 hex digits)."),
                      QStringLiteral("HEX")});
    parser.addOption({QStringLiteral("link-delay"),
                      QStringLiteral("Emulated delay in ms on every link, each direction."),
                      QStringLiteral("MS"), QStringLiteral("0")});
    parser.addOption(
        {QStringLiteral("audit"),
         QStringLiteral("TEST INSTRUMENTATION ONLY: append one JSON line per event the node "
                        "observes (peer addresses, peeled layers, stored rows) to FILE. It "
                        "records full Session IDs: never use it outside tests."),
         QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("quota-per-id"),
                      QStringLiteral("MiB of messages kept for one Session ID (default 64)."),
                      QStringLiteral("MIB")});
    parser.addOption({QStringLiteral("store-quota"),
                      QStringLiteral("MiB of messages kept in all (default 4096)."),
                      QStringLiteral("MIB")});
    tandem::daemon::addConnectionOptions(parser);
    const tandem::daemon::Usage usage{
        QStringLiteral("tandem-node"),
        QStringLiteral("tandem-node --data DIR --directory FILE --network-key HEX "
                       "[--listen IP:PORT] [--link-delay MS] [--audit FILE] [--max-per-address N] "
                       "[--idle-timeout S] [--quota-per-id MIB] [--store-quota MIB]")};
    const QString& program = usage.program;
    if (const auto done = tandem::daemon::parseCommandLine(parser, usage)) {
        return *done;
    }
    if (!tandem::crypto::initialize()) {
        err << "tandem-node: libsodium cannot run on this system\n";
        return 1;
    }
    const QString data = parser.value(QStringLiteral("data"));
    const QString listen = parser.value(QStringLiteral("listen"));
    const QString directory = parser.value(QStringLiteral("directory"));
    const qsizetype colon = listen.lastIndexOf(u':');
    bool portOk = false;
    const uint port = listen.mid(colon + 1).toUInt(&portOk);
    const QHostAddress host(listen.left(colon));
    if (data.isEmpty() || directory.isEmpty()) {
        return tandem::daemon::usageError(
            usage, QStringLiteral("--data DIR and --directory FILE are required"));
    }
    if (colon <= 0 || !portOk || port > 65535 || host.isNull()) {
        return tandem::daemon::usageError(
            usage, QStringLiteral("--listen takes IP:PORT, an IP literal and a port"));
    }
    const auto keyBytes = tandem::parseLowerHex(parser.value(QStringLiteral("network-key")), 32);
    if (!keyBytes) {
        return tandem::daemon::usageError(
            usage, QStringLiteral(
                       "--network-key takes the network's public key, 64 lowercase hex digits"));
    }
    tandem::crypto::PublicKey networkKey{};
    std::copy(keyBytes->begin(), keyBytes->end(), networkKey.begin());
    tandem::transport::onion::NodeLimits limits;
    if (const auto bad = tandem::daemon::readConnectionOptions(parser, limits.clients.connections,
                                                               limits.clients.idleTimeoutMs)) {
        return tandem::daemon::usageError(usage, *bad);
    }
    bool delayOk = false;
    limits.clients.linkDelayMs = parser.value(QStringLiteral("link-delay")).toInt(&delayOk);
    if (!delayOk || limits.clients.linkDelayMs < 0 || limits.clients.linkDelayMs > 10000) {
        return tandem::daemon::usageError(usage,
                                          QStringLiteral("--link-delay takes 0 to 10000 ms"));
    }
    for (const auto& [option, target] :
         {std::pair{QStringLiteral("quota-per-id"), &limits.store.maxBytesPerRecipient},
          std::pair{QStringLiteral("store-quota"), &limits.store.maxMessageBytesTotal}}) {
        if (!parser.isSet(option)) {
            continue;
        }
        bool quotaOk = false;
        const int mib = parser.value(option).toInt(&quotaOk);
        if (!quotaOk || mib < 1 || mib > 1024 * 1024) {
            return tandem::daemon::usageError(
                usage, QStringLiteral("--%1 takes 1 to 1048576 MiB").arg(option));
        }
        *target = static_cast<std::int64_t>(mib) * 1024 * 1024;
    }
    // Before anything in the folder is read or written.
    const auto lock = tandem::daemon::lockDataFolder(program, data);
    if (!lock) {
        err << "tandem-node: " << lock.error() << "\n";
        return 1;
    }
    tandem::UnixSignals::quitOnTermination(&app);
    tandem::transport::onion::NodeServer server(data, directory, networkKey, limits);
    QString error;
    if (parser.isSet(QStringLiteral("audit")) &&
        !server.enableAudit(parser.value(QStringLiteral("audit")), &error)) {
        err << "tandem-node: " << error << "\n";
        return 1;
    }
    if (!server.start(host, static_cast<quint16>(port), &error)) {
        err << "tandem-node: " << error << "\n";
        return 1;
    }
    const QString address = host.protocol() == QAbstractSocket::IPv6Protocol
                                ? QStringLiteral("[%1]:%2").arg(host.toString()).arg(server.port())
                                : QStringLiteral("%1:%2").arg(host.toString()).arg(server.port());
    const QString key = QString::fromLatin1(
        QByteArray(reinterpret_cast<const char*>(server.identityKey().data()), 32)
            .toHex());  // NOLINT
    if (!QFileInfo::exists(directory)) {
        // Serving already (a directory is signed once every node's key is known), but routing
        // nothing until the signed directory is there.
        err << "tandem-node: no directory at " << directory
            << " yet; it routes nothing until a signed one is written there\n";
        err.flush();
    }
    if (!tandem::daemon::announceReady(QStringLiteral("tandem-node"), data,
                                       QStringLiteral("node.json"), address, key, &error)) {
        err << "tandem-node: " << error << "\n";
        return 1;
    }
    return QCoreApplication::exec();
}
