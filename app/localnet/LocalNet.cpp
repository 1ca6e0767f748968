#include "app/localnet/LocalNet.h"

#include <csignal>
#include <sodium.h>
#include <sys/prctl.h>

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QTimer>

#include "app/core/Links.h"
#include "app/core/NetworkSigning.h"
#include "crypto/Primitives.h"
#include "transport/onion/Directory.h"
#include "transport/onion/Swarm.h"

namespace tandem::localnet {

namespace {

constexpr int kMaxRestarts = 20;

}  // namespace

LocalNet::LocalNet(LocalNetOptions options, QObject* parent)
    : QObject(parent), options_(std::move(options)) {}

LocalNet::~LocalNet() {
    stop();
}

QString LocalNet::networkFile() const {
    return options_.dir + QStringLiteral("/network.json");
}

QString LocalNet::linkFile() const {
    return options_.dir + QStringLiteral("/network.link");
}

QString LocalNet::networkKeyFingerprint() const {
    return networkKey_ ? core::keyFingerprint(networkKey_->publicKey) : QString();
}

// DIR/network.link: the link of what network.json now says, one line. A network too large
// for a link (hundreds of nodes) has none: a stale one is removed, and network.json serves.
bool LocalNet::writeLink(const QJsonObject& network) {
    const auto link = core::formatNetworkLink(QJsonDocument(network).toJson(), *networkKey_);
    if (!link) {
        qWarning("tandem-localnet: no network link: %s", qPrintable(link.error()));
        link_.clear();
        QFile::remove(linkFile());
        return true;
    }
    link_ = *link;
    QSaveFile file(linkFile());
    return file.open(QIODevice::WriteOnly) && file.write(link_.toLatin1() + '\n') > 0 &&
           file.commit();
}

bool LocalNet::writeJson(const QString& path, const QJsonObject& object) {
    QSaveFile file(path);  // temporary file + rename: readers never see half a file
    return file.open(QIODevice::WriteOnly) && file.write(QJsonDocument(object).toJson()) > 0 &&
           file.commit();
}

void LocalNet::start() {
    if (!QDir().mkpath(options_.dir)) {
        emit failed(QStringLiteral("cannot create %1").arg(options_.dir));
        return;
    }
    QFile stateFile(options_.dir + QStringLiteral("/localnet.json"));
    if (stateFile.open(QIODevice::ReadOnly)) {
        state_ = QJsonDocument::fromJson(stateFile.readAll()).object();
    }
    relays_ = std::make_unique<LocalRelays>(
        options_, state_, [this](const QString& what, int& restarts, std::function<void()> again) {
            return restartLater(what, restarts, std::move(again));
        });
    connect(relays_.get(), &LocalRelays::changed, this, &LocalNet::publish);
    connect(relays_.get(), &LocalRelays::failed, this, &LocalNet::failed);
    relays_->start();
    nodes_.resize(static_cast<std::size_t>(std::max(0, options_.nodes)));
    networkKeyHex_ = networkKeyHex();  // read (or made) once; every node gets it, and the link
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        startNode(i);
    }
}

void LocalNet::startNode(std::size_t index) {
    Node& node = nodes_[index];
    node.process = std::make_unique<QProcess>();
    node.process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    node.process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
    connect(node.process.get(), &QProcess::readyReadStandardOutput, this,
            [this, index] { onNodeOutput(index); });
    connect(node.process.get(), &QProcess::finished, this, [this, index] { onNodeExited(index); });
    const QJsonArray ports = state_.value(QStringLiteral("node_ports")).toArray();
    const int port = index < static_cast<std::size_t>(ports.size())
                         ? ports.at(static_cast<qsizetype>(index)).toInt(0)
                         : 0;
    node.process->start(
        options_.binDir + QStringLiteral("/tandem-node"),
        {QStringLiteral("--data"), options_.dir + QStringLiteral("/node%1").arg(index + 1),
         QStringLiteral("--listen"), QStringLiteral("127.0.0.%1:%2").arg(10 + index).arg(port),
         QStringLiteral("--directory"), options_.dir + QStringLiteral("/directory.bin"),
         QStringLiteral("--network-key"), QString::fromLatin1(networkKeyHex_),
         QStringLiteral("--link-delay"), QString::number(options_.linkDelayMs)});
    if (!node.process->waitForStarted(10000)) {
        emit failed(QStringLiteral("cannot start %1/tandem-node").arg(options_.binDir));
    }
}

void LocalNet::onNodeOutput(std::size_t index) {
    Node& node = nodes_[index];
    node.output += node.process->readAllStandardOutput();
    const qsizetype newline = node.output.indexOf('\n');
    if (newline < 0) {
        return;
    }
    const QList<QByteArray> parts = node.output.left(newline).trimmed().split(' ');
    node.output.clear();
    if (parts.size() != 4 || parts[1] != "ready") {
        return;
    }
    node.address = QString::fromLatin1(parts[2]);
    node.key = QString::fromLatin1(parts[3]);
    QJsonArray ports = state_.value(QStringLiteral("node_ports")).toArray();
    while (ports.size() <= static_cast<qsizetype>(index)) {
        ports.append(0);
    }
    ports[static_cast<qsizetype>(index)] =
        node.address.mid(node.address.lastIndexOf(u':') + 1).toInt();
    state_[QStringLiteral("node_ports")] = ports;
    publish();
}

void LocalNet::onNodeExited(std::size_t index) {
    if (stopping_) {
        return;
    }
    Node& node = nodes_[index];
    restartLater(QStringLiteral("tandem-node %1").arg(index + 1), node.restarts,
                 [this, index] { startNode(index); });
}

bool LocalNet::restartLater(const QString& what, int& restarts, std::function<void()> again) {
    if (!readyOnce_ || ++restarts > kMaxRestarts) {
        emit failed(readyOnce_
                        ? QStringLiteral("%1 keeps failing").arg(what)
                        : QStringLiteral("%1 could not start (is its port in use?)").arg(what));
        return false;
    }
    qWarning("tandem-localnet: %s exited; restarting it", qPrintable(what));
    QTimer::singleShot(500, this, [this, again = std::move(again)] {
        if (!stopping_) {
            again();
        }
    });
    return true;
}

QByteArray LocalNet::networkKeyHex() {
    // The network key: an Ed25519 seed kept in DIR/network.key; it signs the node directory.
    const QString path = options_.dir + QStringLiteral("/network.key");
    QFile file(path);
    QByteArray seed;
    if (file.open(QIODevice::ReadOnly)) {
        seed = file.read(33);
        file.close();
    }
    if (seed.size() != 32) {
        seed = QByteArray(32, Qt::Uninitialized);
        randombytes_buf(seed.data(), 32);
        QSaveFile out(path);
        if (!out.open(QIODevice::WriteOnly) || out.write(seed) != 32 || !out.commit()) {
            emit failed(QStringLiteral("cannot write %1").arg(path));
        }
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
    }
    networkKey_ = crypto::Ed25519KeyPair::fromSeed(
        crypto::ByteView(reinterpret_cast<const std::uint8_t*>(seed.constData()), 32));  // NOLINT
    sodium_memzero(seed.data(), static_cast<std::size_t>(seed.size()));
    return QByteArray(reinterpret_cast<const char*>(networkKey_->publicKey.data()), 32)  // NOLINT
        .toHex();
}

// Writes network.json once the relay and every node are up (and again if one comes back on
// another address): the relay, the network key and the signed directory.
void LocalNet::publish() {
    if (!relays_ || relays_->info().isEmpty()) {
        return;
    }
    const QJsonObject& relayInfo = relays_->info();
    QJsonObject network{{QStringLiteral("version"), 1}, {QStringLiteral("relay"), relayInfo}};
    if (!nodes_.empty()) {
        for (const Node& n : nodes_) {
            if (n.key.isEmpty()) {
                return;  // not every node is up yet
            }
        }
        std::vector<core::DirectoryNode> directoryNodes;
        for (std::size_t i = 0; i < nodes_.size(); ++i) {
            core::DirectoryNode node{nodes_[i].address, {}};
            const QByteArray key = QByteArray::fromHex(nodes_[i].key.toLatin1());
            if (key.size() != 32) {
                emit failed(QStringLiteral("tandem-node %1 reported an invalid key").arg(i + 1));
                return;
            }
            std::copy(key.begin(), key.end(), node.ed25519.begin());
            directoryNodes.push_back(node);
        }
        // The same nodes as before: the same signed bytes (clients see nothing change).
        const QString directoryPath = options_.dir + QStringLiteral("/directory.bin");
        QByteArray old;
        if (QFile file(directoryPath); file.open(QIODevice::ReadOnly)) {
            old = file.readAll();
        }
        const auto bytes = core::signDirectory(directoryNodes, *networkKey_, old);
        if (!bytes) {
            emit failed(QStringLiteral("cannot sign the directory: %1").arg(bytes.error()));
            return;
        }
        if (*bytes != old) {
            QSaveFile out(directoryPath);
            if (!out.open(QIODevice::WriteOnly) || out.write(*bytes) != bytes->size() ||
                !out.commit()) {
                emit failed(QStringLiteral("cannot write %1").arg(directoryPath));
                return;
            }
        }
        network = core::networkJson(relayInfo, networkKey_->publicKey, *bytes);
    }
    if (!writeJson(options_.dir + QStringLiteral("/localnet.json"), state_) ||
        !writeJson(networkFile(), network)) {
        emit failed(QStringLiteral("cannot write %1").arg(networkFile()));
        return;
    }
    if (!writeLink(network)) {
        emit failed(QStringLiteral("cannot write %1").arg(linkFile()));
        return;
    }
    if (!readyOnce_) {
        readyOnce_ = true;
        emit ready(networkFile());
    }
}

void LocalNet::stop() {
    stopping_ = true;
    std::vector<QProcess*> all;
    if (relays_) {
        relays_->setStopping();
        all = relays_->processes();
    }
    for (Node& n : nodes_) {
        if (n.process) {
            all.push_back(n.process.get());
        }
    }
    for (QProcess* p : all) {  // all at once, then wait: nine nodes stop in one pause
        if (p->state() != QProcess::NotRunning) {
            p->terminate();
        }
    }
    for (QProcess* p : all) {
        if (p->state() != QProcess::NotRunning && !p->waitForFinished(5000)) {
            p->kill();
            p->waitForFinished(5000);
        }
    }
}

}  // namespace tandem::localnet
