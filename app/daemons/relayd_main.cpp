// tandem-relayd: the Signal-mode relay. Thin main; the server is transport/relay/server.
//   tandem-relayd --data DIR [--listen IP:PORT] [--verify none|file:PATH|command:CMD]
// --listen defaults to 127.0.0.1:0 (loopback, any free port). One relay per DIR (it holds
// DIR/tandem-relayd.lock). Once listening it writes DIR/relay.json (address and public key,
// atomically) and prints "tandem-relayd ready IP:PORT KEY" on stdout. Exit status: 0 after a
// clean stop, 1 when it cannot run, 2 for a usage error.
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QHostAddress>
#include <QLoggingCategory>
#include <QTextStream>

#include <tandem/common/UnixSignals.h>

#include "crypto/Sodium.h"
#include "transport/daemon/DaemonData.h"
#include "transport/relay/server/CodeSender.h"
#include "transport/relay/server/RelayServer.h"

int main(int argc, char* argv[]) {
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
                      QStringLiteral("IP:PORT"), QStringLiteral("127.0.0.1:0")});
    parser.addOption(
        {QStringLiteral("verify"),
         QStringLiteral("How registration codes are delivered: none, file:PATH or command:CMD."),
         QStringLiteral("HOW"), QStringLiteral("none")});
    parser.addOption(
        {QStringLiteral("link-delay"),
         QStringLiteral("Emulated delay in ms on every client link, each direction (tests, "
                        "tandem-localnet)."),
         QStringLiteral("MS"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("mailbox-quota"),
                      QStringLiteral("MiB an account's mailbox may hold (default 256)."),
                      QStringLiteral("MIB")});
    tandem::daemon::addConnectionOptions(parser);
    const tandem::daemon::Usage usage{
        QStringLiteral("tandem-relayd"),
        QStringLiteral("tandem-relayd --data DIR [--listen IP:PORT] "
                       "[--verify none|file:PATH|command:CMD] [--link-delay MS] "
                       "[--max-per-address N] [--idle-timeout S] [--mailbox-quota MIB]")};
    const QString& program = usage.program;
    if (const auto done = tandem::daemon::parseCommandLine(parser, usage)) {
        return *done;
    }
    if (!tandem::crypto::initialize()) {
        err << "tandem-relayd: libsodium cannot run on this system\n";
        return 1;
    }
    const QString data = parser.value(QStringLiteral("data"));
    const QString listen = parser.value(QStringLiteral("listen"));
    const qsizetype colon = listen.lastIndexOf(u':');
    bool portOk = false;
    const uint port = listen.mid(colon + 1).toUInt(&portOk);
    const QHostAddress host(listen.left(colon));
    if (data.isEmpty()) {
        return tandem::daemon::usageError(usage, QStringLiteral("--data DIR is required"));
    }
    if (colon <= 0 || !portOk || port > 65535 || host.isNull()) {
        return tandem::daemon::usageError(
            usage, QStringLiteral("--listen takes IP:PORT, an IP literal and a port"));
    }
    QString error;
    const auto codes =
        tandem::relay::CodeSender::parse(parser.value(QStringLiteral("verify")), &error, &app);
    if (!codes) {
        return tandem::daemon::usageError(usage, error);
    }
    tandem::UnixSignals::quitOnTermination(&app);
    tandem::relay::RelayLimits limits;
    if (const auto bad = tandem::daemon::readConnectionOptions(parser, limits.clients.connections,
                                                               limits.clients.idleTimeoutMs)) {
        return tandem::daemon::usageError(usage, *bad);
    }
    if (parser.isSet(QStringLiteral("mailbox-quota"))) {
        bool quotaOk = false;
        const int mib = parser.value(QStringLiteral("mailbox-quota")).toInt(&quotaOk);
        if (!quotaOk || mib < 1 || mib > 65536) {
            return tandem::daemon::usageError(
                usage, QStringLiteral("--mailbox-quota takes 1 to 65536 MiB"));
        }
        limits.maxQueuedBytesPerAccount = static_cast<qint64>(mib) * 1024 * 1024;
    }
    bool delayOk = false;
    limits.clients.linkDelayMs = parser.value(QStringLiteral("link-delay")).toInt(&delayOk);
    if (!delayOk || limits.clients.linkDelayMs < 0 || limits.clients.linkDelayMs > 10000) {
        return tandem::daemon::usageError(usage,
                                          QStringLiteral("--link-delay takes 0 to 10000 ms"));
    }
    // Before anything in the folder is read or written.
    const auto lock = tandem::daemon::lockDataFolder(program, data);
    if (!lock) {
        err << "tandem-relayd: " << lock.error() << "\n";
        return 1;
    }
    tandem::relay::RelayServer server(data, *codes, limits);
    if (!server.start(host, static_cast<quint16>(port), &error)) {
        err << "tandem-relayd: " << error << "\n";
        return 1;
    }
    const QString address = QStringLiteral("%1:%2").arg(host.toString()).arg(server.port());
    const QString key = QString::fromLatin1(
        QByteArray(reinterpret_cast<const char*>(server.identityKey().data()), 32)
            .toHex());  // NOLINT
    if (!tandem::daemon::announceReady(QStringLiteral("tandem-relayd"), data,
                                       QStringLiteral("relay.json"), address, key, &error)) {
        err << "tandem-relayd: " << error << "\n";
        return 1;
    }
    return QCoreApplication::exec();
}
