#include "tests/support/OnionNetwork.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include "crypto/session/SessionKeys.h"
#include "transport/onion/Swarm.h"

namespace tandem::test {

using transport::onion::NodeInfo;

OnionNetwork::OnionNetwork(std::size_t nodes, int firstHost, bool audit)
    : count_(nodes), firstHost_(firstHost), audit_(audit) {}

QString OnionNetwork::auditFile(std::size_t i) const {
    return audit_ ? dir_.filePath(QStringLiteral("audit%1.jsonl").arg(i)) : QString();
}

QString OnionNetwork::directoryFile() const {
    return dir_.filePath(QStringLiteral("directory.bin"));
}

NodeProcess* OnionNetwork::addNode(int host) {
    nodes_.push_back(std::make_unique<NodeProcess>(QStringLiteral("127.0.0.%1").arg(host),
                                                   directoryFile(), network_.publicKey));
    if (audit_) {
        nodes_.back()->setAuditFile(auditFile(nodes_.size() - 1));
    }
    return nodes_.back()->start() ? nodes_.back().get() : nullptr;
}

bool OnionNetwork::start() {
    for (std::size_t i = 0; i < count_; ++i) {
        if (addNode(firstHost_ + static_cast<int>(i)) == nullptr) {
            return false;
        }
    }
    // The directory is written once every node is up (as tandem-localnet does); nodes read it
    // when it appears.
    const auto swarms = transport::onion::assignSwarms(count_);
    transport::onion::NodeDirectory directory;
    directory.version = 1;
    directory.issuedAtMs = QDateTime::currentMSecsSinceEpoch();
    for (std::size_t i = 0; i < count_; ++i) {
        NodeInfo n;
        n.ed25519 = nodes_[i]->identity();
        n.x25519 = crypto::ed25519ToX25519(n.ed25519).value();
        n.address = nodes_[i]->address();
        n.swarmId = swarms[i];
        directory.nodes.push_back(n);
    }
    return publish(directory);
}

bool OnionNetwork::publish(const transport::onion::NodeDirectory& directory,
                           const crypto::Ed25519KeyPair* signer) {
    const auto bytes = directory.sign(signer != nullptr ? *signer : network_);
    QSaveFile file(directoryFile());
    if (!file.open(QIODevice::WriteOnly)) {
        return false;
    }
    file.write(reinterpret_cast<const char*>(bytes.data()),  // NOLINT
               static_cast<qint64>(bytes.size()));
    if (!file.commit()) {
        return false;
    }
    if (signer == nullptr) {
        directory_ = directory;
    }
    return true;
}

NodeProcess* OnionNetwork::nodeAt(const QString& address) {
    for (auto& n : nodes_) {
        if (n->address() == address) {
            return n.get();
        }
    }
    return nullptr;
}

std::vector<NodeProcess*> OnionNetwork::swarmOf(const QString& sessionId) {
    std::vector<NodeProcess*> out;
    const auto key = crypto::session::parseSessionId(sessionId);
    if (!key) {
        return out;
    }
    const auto swarm = directory_.swarmOf(*key);
    for (const NodeInfo& n : directory_.members(swarm.value_or(0))) {
        if (NodeProcess* p = nodeAt(n.address)) {
            out.push_back(p);
        }
    }
    return out;
}

QString OnionNetwork::writeNetworkJson(const QString& path, const RelayProcess* relay) const {
    QJsonObject network{{QStringLiteral("version"), 1}};
    if (relay != nullptr) {
        const QString relayJson = relay->writeNetworkJson(path);
        QFile in(relayJson);
        if (in.open(QIODevice::ReadOnly)) {
            network = QJsonDocument::fromJson(in.readAll()).object();
        }
    }
    const auto signedDirectory = directory_.sign(network_);
    network[QStringLiteral("onion")] = QJsonObject{
        {QStringLiteral("network_key"),
         QString::fromLatin1(
             QByteArray(reinterpret_cast<const char*>(network_.publicKey.data()), 32)
                 .toHex())},  // NOLINT
        {QStringLiteral("directory"),
         QString::fromLatin1(
             QByteArray(reinterpret_cast<const char*>(signedDirectory.data()),  // NOLINT
                        static_cast<qsizetype>(signedDirectory.size()))
                 .toBase64())}};
    QSaveFile out(path);
    if (out.open(QIODevice::WriteOnly)) {
        out.write(QJsonDocument(network).toJson());
        out.commit();
    }
    return path;
}

}  // namespace tandem::test
