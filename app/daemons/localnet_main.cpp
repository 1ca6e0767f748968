// tandem-localnet: the embedded local network, in the foreground.
//   tandem-localnet --dir DIR [--nodes N] [--relays N [--redis-cluster]] [--link-delay MS]
// --relays N: a redis-server and N relay front-ends over it (LocalRelays.h); with
// --redis-cluster a six-node Redis Cluster instead; without --relays one relay on its data folder.
// Prints "tandem-localnet ready DIR/network.json" once every daemon is up, then the network's
// link ("tandem-localnet link tandem://network/…", also in DIR/network.link) and its key's
// fingerprint; SIGINT or SIGTERM stops them all. Restarting with the same DIR reuses keys, ports
// and data.
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QTextStream>

#include <tandem/common/UnixSignals.h>

#include "app/localnet/LocalNet.h"

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tandem-localnet"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TANDEM_VERSION));
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Runs Tandem's local network (a relay and onion nodes) on loopback."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption(
        {QStringLiteral("dir"), QStringLiteral("The network's folder."), QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("nodes"),
                      QStringLiteral("Onion nodes, each on its own 127.0.0.x (0: the relay only)."),
                      QStringLiteral("N"), QStringLiteral("9")});
    parser.addOption({QStringLiteral("relays"),
                      QStringLiteral("Relay front-ends over a redis-server (1..16; default: one "
                                     "relay on its data folder, no Redis)."),
                      QStringLiteral("N"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("redis-cluster"),
                      QStringLiteral("With --relays: the front-ends over a six-node Redis Cluster "
                                     "(3 primaries, 3 replicas) instead of one redis-server.")});
    parser.addOption({QStringLiteral("link-delay"),
                      QStringLiteral("Emulated delay on every link, in ms."), QStringLiteral("MS"),
                      QStringLiteral("0")});
    parser.process(app);
    QTextStream err(stderr);
    bool ok = false;
    const int delay = parser.value(QStringLiteral("link-delay")).toInt(&ok);
    bool nodesOk = false;
    const int nodes = parser.value(QStringLiteral("nodes")).toInt(&nodesOk);
    bool relaysOk = false;
    const int relays = parser.value(QStringLiteral("relays")).toInt(&relaysOk);
    if (parser.value(QStringLiteral("dir")).isEmpty() || !ok || delay < 0 || delay > 10000 ||
        !nodesOk || nodes < 0 || nodes > 200 || (nodes > 0 && nodes < 3) || !relaysOk ||
        relays < 0 || relays > 16 ||
        (parser.isSet(QStringLiteral("redis-cluster")) && relays == 0)) {
        err << "tandem-localnet: give --dir DIR (and --link-delay 0..10000, --nodes 0 or 3..200, "
               "--relays 1..16, --redis-cluster only with --relays)\n";
        return 2;
    }
    tandem::localnet::LocalNet net({QDir(parser.value(QStringLiteral("dir"))).absolutePath(),
                                    QCoreApplication::applicationDirPath(), delay, nodes, relays,
                                    parser.isSet(QStringLiteral("redis-cluster"))});
    int status = 0;
    QObject::connect(&net, &tandem::localnet::LocalNet::ready, [&net](const QString& file) {
        QTextStream out(stdout);
        out << "tandem-localnet ready " << file << "\n";
        if (!net.networkLink().isEmpty()) {
            out << "tandem-localnet link " << net.networkLink() << "\n"
                << "tandem-localnet network key " << net.networkKeyFingerprint() << "\n";
        }
        out << Qt::flush;
    });
    QObject::connect(&net, &tandem::localnet::LocalNet::failed, [&](const QString& reason) {
        err << "tandem-localnet: " << reason << "\n";
        status = 1;
        QCoreApplication::exit(1);
    });
    tandem::UnixSignals::quitOnTermination(&app);
    net.start();
    const int code = QCoreApplication::exec();
    net.stop();
    return status != 0 ? status : code;
}
