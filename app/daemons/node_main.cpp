// tandem-node: a Session-mode service node. Thin main; the server is transport/onion/node.
//   tandem-node --data DIR --directory FILE --network-key HEX [--listen IP:PORT]
//               [--link-delay MS] [--audit FILE] [--config FILE] …
//   tandem-node --data DIR --print-identity
// --listen defaults to 127.0.0.1:0. One node per DIR (it holds DIR/tandem-node.lock). A
// directory FILE that exists must be signed by the network key, or the node does not start.
// Exit status: 0 after a clean stop, 1 when it cannot run, 2 for a usage error.
// --audit is test instrumentation (transport/onion/node/AuditLog.h): it records full Session
// IDs and peer addresses, for the privacy-contract test only.
// Once listening it writes DIR/node.json (address and identity key, atomically) and prints
// "tandem-node ready IP:PORT ED25519_HEX" on stdout. The directory FILE (a signed node
// directory) may appear or change later: the node reads it when it changes.
// --config FILE holds the same options (DaemonOptions.h; not --audit); SIGHUP reads it again
// and applies what can change live (NodeSettings.h). --print-identity prints the node's
// identity key (making DIR/node.key if there is none) for the operator who signs the directory
// (docs/server.md), and exits.
#include <csignal>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QHostAddress>
#include <QLoggingCategory>
#include <QTextStream>

#include <tandem/common/UnixSignals.h>

#include "crypto/Sodium.h"
#include "transport/daemon/DaemonData.h"
#include "transport/daemon/DaemonOptions.h"
#include "transport/onion/node/LoopStalls.h"
#include "transport/onion/node/NodeServer.h"
#include "transport/onion/node/NodeSettings.h"

int main(int argc, char* argv[]) {
    // `systemctl reload` may come before the reload handler is in place (right after start):
    // its default action would end the daemon, which systemd does not restart. Ignored until
    // then; the configuration is read after this, so nothing newer is missed.
    std::signal(SIGHUP, SIG_IGN);
    // Qt's own poll()-based event dispatcher, not GLib's: a node wakes for every frame of
    // every hop, and the leaner loop measured about 0.4 ms off a loopback push's nine
    // processes (BENCHMARKS.md, issue 20). A node uses nothing that needs GLib's main loop;
    // QT_NO_GLIB set to nothing ("QT_NO_GLIB=") keeps GLib's.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB")) {
        qputenv("QT_NO_GLIB", "1");
    }
    // A QCoreApplication that can time each event (LoopStalls.h; off unless asked).
    tandem::transport::onion::NodeApplication app(argc, argv);
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
                      QStringLiteral("IP:PORT")});
    parser.addOption({QStringLiteral("directory"),
                      QStringLiteral("The signed node directory (read again when it changes)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("network-key"),
                      QStringLiteral("The network key that signs the directory (64 hex digits)."),
                      QStringLiteral("HEX")});
    parser.addOption({QStringLiteral("link-delay"),
                      QStringLiteral("Emulated delay in ms on every link, each direction."),
                      QStringLiteral("MS")});
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
    tandem::daemon::DaemonOptions::addConfigOption(parser);
    parser.addOption({QStringLiteral("print-identity"),
                      QStringLiteral("Print the node's identity key (made in DIR/node.key if "
                                     "there is none) and exit: what the directory lists.")});
    const tandem::daemon::Usage usage{
        QStringLiteral("tandem-node"),
        QStringLiteral("tandem-node --data DIR --directory FILE --network-key HEX "
                       "[--listen IP:PORT] [--link-delay MS] [--audit FILE] [--max-per-address N] "
                       "[--idle-timeout S] [--quota-per-id MIB] [--store-quota MIB] "
                       "[--config FILE] | --data DIR --print-identity")};
    const QString& program = usage.program;
    if (const auto done = tandem::daemon::parseCommandLine(parser, usage)) {
        return *done;
    }
    if (!tandem::crypto::initialize()) {
        err << "tandem-node: libsodium cannot run on this system\n";
        return 1;
    }
    using tandem::transport::onion::NodeSettings;
    auto options = tandem::daemon::DaemonOptions::load(parser, NodeSettings::optionNames());
    if (!options) {
        return tandem::daemon::usageError(usage, options.error());
    }
    const bool printIdentity = parser.isSet(QStringLiteral("print-identity"));
    const auto settings = NodeSettings::read(*options, !printIdentity);
    if (!settings) {
        return tandem::daemon::usageError(usage, settings.error());
    }
    if (printIdentity) {
        const auto identity = tandem::transport::onion::NodeServer::loadIdentity(settings->data);
        if (!identity) {
            err << "tandem-node: " << identity.error() << "\n";
            return 1;
        }
        QTextStream(stdout) << QByteArray(reinterpret_cast<const char*>(  // NOLINT
                                              identity->publicKey.data()),
                                          32)
                                   .toHex()
                            << "\n";
        return 0;
    }
    // Before anything in the folder is read or written.
    const auto lock = tandem::daemon::lockDataFolder(program, settings->data);
    if (!lock) {
        err << "tandem-node: " << lock.error() << "\n";
        return 1;
    }
    tandem::transport::onion::NodeServer server(settings->data, settings->directory,
                                                settings->networkKey, settings->limits);
    tandem::UnixSignals::quitOnTermination(&app, [&] {
        tandem::daemon::DaemonOptions::reload(
            program, parser, NodeSettings::optionNames(), NodeSettings::restartOnly(), *options,
            [&](const tandem::daemon::DaemonOptions& next) -> std::optional<QString> {
                const auto read = NodeSettings::read(next);
                if (!read) {
                    return read.error();
                }
                QString refused;
                if (!server.reconfigure(read->limits, read->directory, &refused)) {
                    return refused;
                }
                return std::nullopt;
            });
    });
    QString error;
    if (parser.isSet(QStringLiteral("audit")) &&
        !server.enableAudit(parser.value(QStringLiteral("audit")), &error)) {
        err << "tandem-node: " << error << "\n";
        return 1;
    }
    if (!server.start(settings->host, settings->port, &error)) {
        err << "tandem-node: " << error << "\n";
        return 1;
    }
    const QHostAddress& host = settings->host;
    const QString address = host.protocol() == QAbstractSocket::IPv6Protocol
                                ? QStringLiteral("[%1]:%2").arg(host.toString()).arg(server.port())
                                : QStringLiteral("%1:%2").arg(host.toString()).arg(server.port());
    const QString key = QString::fromLatin1(
        QByteArray(reinterpret_cast<const char*>(server.identityKey().data()), 32)
            .toHex());  // NOLINT
    if (!QFileInfo::exists(settings->directory)) {
        // Serving already (a directory is signed once every node's key is known), but routing
        // nothing until the signed directory is there.
        err << "tandem-node: no directory at " << settings->directory
            << " yet; it routes nothing until a signed one is written there\n";
        err.flush();
    }
    if (!tandem::daemon::announceReady(QStringLiteral("tandem-node"), settings->data,
                                       QStringLiteral("node.json"), address, key, &error)) {
        err << "tandem-node: " << error << "\n";
        return 1;
    }
    return QCoreApplication::exec();
}
