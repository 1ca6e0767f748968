// tandem-relayd: the Signal-mode relay. Thin main; the server is transport/relay/server.
//   tandem-relayd --data DIR [--listen IP:PORT] [--verify none|file:PATH|command:CMD]
//                 [--config FILE] …
// --listen defaults to 127.0.0.1:0 (loopback, any free port). --store redis://HOST:PORT keeps
// accounts, mailboxes and blobs in Redis, shared by several relays with the same key. One relay per
// DIR (it holds DIR/tandem-relayd.lock). Once listening it writes DIR/relay.json (address and
// public key, atomically) and prints "tandem-relayd ready IP:PORT KEY" on stdout. --config FILE
// holds the same options (DaemonOptions.h); SIGHUP reads it again and applies what can change live
// (RelaySettings.h). Exit status: 0 after a clean stop, 1 when it cannot run, 2 for a usage
// error (a bad config file at start is one).
#include <csignal>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QHostAddress>
#include <QLoggingCategory>
#include <QTextStream>

#include <tandem/common/UnixSignals.h>

#include "crypto/Sodium.h"
#include "transport/daemon/DaemonData.h"
#include "transport/daemon/DaemonOptions.h"
#include "transport/relay/server/CodeSender.h"
#include "transport/relay/server/RelayServer.h"
#include "transport/relay/server/RelaySettings.h"

int main(int argc, char* argv[]) {
    // `systemctl reload` may come before the reload handler is in place (right after start):
    // its default action would end the daemon, which systemd does not restart. Ignored until
    // then; the configuration is read after this, so nothing newer is missed.
    std::signal(SIGHUP, SIG_IGN);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tandem-relayd"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TANDEM_VERSION));
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES")) {
        QLoggingCategory::setFilterRules(QStringLiteral("tandem.transport.relay.info=true"));
    }
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Tandem's relay server for Signal mode."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({QStringLiteral("data"), QStringLiteral("The relay's data folder."),
                      QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("listen"),
                      QStringLiteral("Address to listen on, an IP literal (port 0: any free "
                                     "port; default 127.0.0.1:0)."),
                      QStringLiteral("IP:PORT")});
    parser.addOption(
        {QStringLiteral("verify"),
         QStringLiteral("How registration codes are delivered: none (default), file:PATH or "
                        "command:CMD."),
         QStringLiteral("HOW")});
    parser.addOption(
        {QStringLiteral("link-delay"),
         QStringLiteral("Emulated delay in ms on every client link, each direction (tests, "
                        "tandem-localnet)."),
         QStringLiteral("MS")});
    parser.addOption(
        {QStringLiteral("store"),
         QStringLiteral("Keep accounts, mailboxes and blobs in Redis (redis://HOST:PORT[,…], or "
                        "a Redis Cluster: redis-cluster://SEED[,…]) instead of the data folder, "
                        "shared with other relays (docs/relay.md)."),
         QStringLiteral("URL")});
    parser.addOption(
        {QStringLiteral("redis-wait"),
         QStringLiteral("Replicas that must acknowledge (Redis WAIT) a batch of sends before it "
                        "is accepted (default 0; 1 recommended with a cluster)."),
         QStringLiteral("N")});
    parser.addOption({QStringLiteral("mailbox-quota"),
                      QStringLiteral("MiB an account's mailbox may hold (default 256)."),
                      QStringLiteral("MIB")});
    tandem::daemon::addConnectionOptions(parser);
    tandem::daemon::DaemonOptions::addConfigOption(parser);
    const tandem::daemon::Usage usage{
        QStringLiteral("tandem-relayd"),
        QStringLiteral(
            "tandem-relayd --data DIR [--listen IP:PORT] "
            "[--verify none|file:PATH|command:CMD] [--link-delay MS] "
            "[--max-per-address N] [--idle-timeout S] [--mailbox-quota MIB] "
            "[--store redis://HOST:PORT[,…]|redis-cluster://HOST:PORT[,…]] [--redis-wait N] "
            "[--config FILE]")};
    const QString& program = usage.program;
    if (const auto done = tandem::daemon::parseCommandLine(parser, usage)) {
        return *done;
    }
    if (!tandem::crypto::initialize()) {
        err << "tandem-relayd: libsodium cannot run on this system\n";
        return 1;
    }
    using tandem::relay::RelaySettings;
    auto options = tandem::daemon::DaemonOptions::load(parser, RelaySettings::optionNames());
    if (!options) {
        return tandem::daemon::usageError(usage, options.error());
    }
    const auto settings = RelaySettings::read(*options);
    if (!settings) {
        return tandem::daemon::usageError(usage, settings.error());
    }
    QString error;
    const auto codes = tandem::relay::CodeSender::parse(settings->verify, &error, &app);
    if (!codes) {
        return tandem::daemon::usageError(usage, error);
    }
    // Before anything in the folder is read or written.
    const auto lock = tandem::daemon::lockDataFolder(program, settings->data);
    if (!lock) {
        err << "tandem-relayd: " << lock.error() << "\n";
        return 1;
    }
    tandem::relay::RelayServer server(settings->data, *codes, settings->limits);
    server.useRedis(settings->redis, settings->redisWait);
    tandem::UnixSignals::quitOnTermination(&app, [&] {
        tandem::daemon::DaemonOptions::reload(
            program, parser, RelaySettings::optionNames(), RelaySettings::restartOnly(), *options,
            [&](const tandem::daemon::DaemonOptions& next) -> std::optional<QString> {
                const auto read = RelaySettings::read(next);
                if (!read) {
                    return read.error();
                }
                QString refused;
                if (!server.reconfigure(read->limits, &refused)) {
                    return refused;
                }
                (*codes)->reconfigure(read->verify);  // read() checked it
                return std::nullopt;
            });
    });
    if (!server.start(settings->host, settings->port, &error)) {
        err << "tandem-relayd: " << error << "\n";
        return 1;
    }
    const QString address =
        QStringLiteral("%1:%2").arg(settings->host.toString()).arg(server.port());
    const QString key = QString::fromLatin1(
        QByteArray(reinterpret_cast<const char*>(server.identityKey().data()), 32)
            .toHex());  // NOLINT
    if (!tandem::daemon::announceReady(QStringLiteral("tandem-relayd"), settings->data,
                                       QStringLiteral("relay.json"), address, key, &error)) {
        err << "tandem-relayd: " << error << "\n";
        return 1;
    }
    return QCoreApplication::exec();
}
