// Running a network of real machines (docs/server.md): no profile involved.
//   network-keygen  a new network key in a file (0600); prints its public key and fingerprint
//   network-sign    signs the node directory with it and writes network.json and network.link
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>

#include <tandem/common/Ascii.h>

#include "app/cli/Commands.h"
#include "app/core/Links.h"
#include "app/core/NetworkSigning.h"

namespace tandem::cli {

namespace {

QString hex(const crypto::PublicKey& key) {
    return QString::fromLatin1(
        QByteArray(reinterpret_cast<const char*>(key.data()), 32).toHex());  // NOLINT
}

bool writeFile(const QString& path, const QByteArray& bytes) {
    QSaveFile file(path);  // readers (a node watching its directory) never see half a file
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size() && file.commit();
}

int runKeygen(CommandContext& ctx) {
    const QString out = ctx.parser.value(QStringLiteral("out"));
    if (out.isEmpty()) {
        return usageError(ctx, QStringLiteral("network-keygen"),
                          QStringLiteral("--out FILE is required"));
    }
    const auto key = core::createNetworkKey(out);
    if (!key) {
        return fail(ctx, key.error());
    }
    ctx.out << "Wrote a new network key to " << QDir::toNativeSeparators(out)
            << " (keep it secret and backed up: it alone signs the directory)\n"
            << "network key " << hex(key->publicKey) << "\n"
            << "fingerprint " << core::keyFingerprint(key->publicKey) << "\n";
    return kExitOk;
}

int runSign(CommandContext& ctx) {
    const QString command = QStringLiteral("network-sign");
    const QString keyFile = ctx.parser.value(QStringLiteral("key"));
    const QString outDir = ctx.parser.value(QStringLiteral("out"));
    const QStringList nodeArgs = ctx.parser.values(QStringLiteral("node"));
    if (keyFile.isEmpty() || outDir.isEmpty() || nodeArgs.isEmpty()) {
        return usageError(ctx, command,
                          QStringLiteral("--key FILE, --out DIR and --node are required"));
    }
    std::vector<core::DirectoryNode> nodes;
    for (const QString& arg : nodeArgs) {
        auto node = core::parseDirectoryNode(arg);
        if (!node) {
            return usageError(ctx, command, QStringLiteral("--node %1").arg(node.error()));
        }
        nodes.push_back(*node);
    }
    std::optional<QJsonObject> relay;
    if (ctx.parser.isSet(QStringLiteral("relay"))) {
        const auto parsed = core::parseDirectoryNode(ctx.parser.value(QStringLiteral("relay")));
        if (!parsed) {
            return usageError(
                ctx, command,
                QStringLiteral("--relay takes IP:PORT=KEY: the relay's address, and its "
                               "public_key from relay.json in its data folder"));
        }
        relay = QJsonObject{{QStringLiteral("address"), parsed->address},
                            {QStringLiteral("public_key"), hex(parsed->ed25519)}};
    }
    const auto key = core::loadNetworkKey(keyFile);
    if (!key) {
        return fail(ctx, key.error());
    }
    if (!QDir().mkpath(outDir)) {
        return fail(ctx, QStringLiteral("cannot create %1").arg(outDir));
    }
    const QString directoryPath = QDir(outDir).filePath(QStringLiteral("directory.bin"));
    QByteArray previous;
    if (QFile file(directoryPath); file.open(QIODevice::ReadOnly)) {
        previous = file.readAll();
    }
    const auto directory = core::signDirectory(nodes, *key, previous);
    if (!directory) {
        return fail(ctx, directory.error());
    }
    const QByteArray json =
        QJsonDocument(core::networkJson(relay, key->publicKey, *directory)).toJson();
    const auto link = core::formatNetworkLink(json, *key);
    const QString jsonPath = QDir(outDir).filePath(QStringLiteral("network.json"));
    const QString linkPath = QDir(outDir).filePath(QStringLiteral("network.link"));
    if (!writeFile(directoryPath, *directory) || !writeFile(jsonPath, json) ||
        (link && !writeFile(linkPath, link->toLatin1() + '\n'))) {
        return fail(ctx, QStringLiteral("cannot write to %1").arg(outDir));
    }
    ctx.out << (*directory == previous ? "The directory is unchanged: " : "Signed a directory of ")
            << nodes.size() << " nodes in " << QDir::toNativeSeparators(directoryPath) << "\n"
            << "network.json " << QDir::toNativeSeparators(jsonPath) << "\n";
    if (link) {
        ctx.out << "network link " << QDir::toNativeSeparators(linkPath) << "\n";
    } else {
        ctx.out << "no network link (" << link.error() << "): clients use network.json\n";
    }
    ctx.out << "fingerprint " << core::keyFingerprint(key->publicKey) << "\n";
    return kExitOk;
}

}  // namespace

std::vector<Command> networkCommands() {
    return {
        {QStringLiteral("network-keygen"),
         QStringLiteral("Make a new network key, which signs a network's node directory "
                        "(docs/server.md)."),
         QStringLiteral("--out FILE"),
         [](QCommandLineParser& p) {
             p.addOption({QStringLiteral("out"),
                          QStringLiteral("Where to keep the key (made 0600; never overwritten)."),
                          QStringLiteral("FILE")});
         },
         runKeygen},
        {QStringLiteral("network-sign"),
         QStringLiteral("Sign the node directory and write network.json and network.link for "
                        "clients (docs/server.md)."),
         QStringLiteral("--key FILE --node IP:PORT=KEY… [--relay IP:PORT=KEY] --out DIR"),
         [](QCommandLineParser& p) {
             p.addOption({QStringLiteral("key"),
                          QStringLiteral("The network key (tandemctl network-keygen)."),
                          QStringLiteral("FILE")});
             p.addOption({QStringLiteral("node"),
                          QStringLiteral("A node: its address as clients reach it, and its "
                                         "identity key (tandem-node --print-identity). Three "
                                         "at least; give it once per node."),
                          QStringLiteral("IP:PORT=KEY")});
             p.addOption({QStringLiteral("relay"),
                          QStringLiteral("The relay for Signal mode: its address, and the "
                                         "public_key in relay.json of its data folder."),
                          QStringLiteral("IP:PORT=KEY")});
             p.addOption({QStringLiteral("out"),
                          QStringLiteral("Where to write directory.bin, network.json and "
                                         "network.link (a directory.bin there is the previous "
                                         "one: unchanged nodes keep it, others get the next "
                                         "version)."),
                          QStringLiteral("DIR")});
         },
         runSign},
    };
}

}  // namespace tandem::cli
