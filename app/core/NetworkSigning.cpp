#include "app/core/NetworkSigning.h"

#include <cerrno>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QDateTime>
#include <QFile>
#include <QFileInfo>

#include <tandem/common/Ascii.h>

#include "transport/onion/Directory.h"
#include "transport/onion/Swarm.h"

namespace tandem::core {

namespace {

crypto::ByteView view(const QByteArray& bytes) {
    return {reinterpret_cast<const std::uint8_t*>(bytes.constData()),  // NOLINT
            static_cast<std::size_t>(bytes.size())};
}

QString hex(const crypto::PublicKey& key) {
    return QString::fromLatin1(
        QByteArray(reinterpret_cast<const char*>(key.data()), 32).toHex());  // NOLINT
}

}  // namespace

Expected<crypto::Ed25519KeyPair, QString> loadNetworkKey(const QString& path) {
    QFile file(path);
    // Unbuffered: no copy of the seed left in QFile's buffer, beyond the one wiped below.
    if (!file.open(QIODevice::ReadOnly | QIODevice::Unbuffered)) {
        return unexpected(QStringLiteral("cannot read the network key %1").arg(path));
    }
    QByteArray seed = file.read(33);
    if (seed.size() != 32) {
        sodium_memzero(seed.data(), static_cast<std::size_t>(seed.size()));
        return unexpected(
            QStringLiteral("%1 is not a network key (32 bytes, tandemctl network-keygen)")
                .arg(path));
    }
    auto key = crypto::Ed25519KeyPair::fromSeed(view(seed));
    sodium_memzero(seed.data(), static_cast<std::size_t>(seed.size()));
    return key;
}

Expected<crypto::Ed25519KeyPair, QString> createNetworkKey(const QString& path) {
    const auto exists = [&path] {
        return unexpected(
            QStringLiteral("%1 exists already: a network keeps its key (remove it first to "
                           "start a new network)")
                .arg(path));
    };
    if (QFileInfo::exists(path)) {
        return exists();  // said before a key is made; link() below is what guarantees it
    }
    // Written whole and synced under a temporary name beside it, then linked to its name:
    // link() fails if the name exists, so no key is ever overwritten, even by a second
    // network-keygen racing this one, and the name never shows a half-written key.
    QByteArray tmpl = QFile::encodeName(path) + ".XXXXXX";
    const int fd = ::mkstemp(tmpl.data());
    if (fd < 0) {
        return unexpected(QStringLiteral("cannot write %1: %2").arg(path, qt_error_string(errno)));
    }
    QByteArray seed(32, Qt::Uninitialized);
    randombytes_buf(seed.data(), 32);
    bool written = ::fchmod(fd, S_IRUSR | S_IWUSR) == 0 &&
                   ::write(fd, seed.constData(), 32) == 32 && ::fsync(fd) == 0;
    int error = errno;
    ::close(fd);
    bool taken = false;
    if (written && ::link(tmpl.constData(), QFile::encodeName(path).constData()) != 0) {
        error = errno;
        taken = error == EEXIST;
        written = false;
    }
    ::unlink(tmpl.constData());
    auto key = crypto::Ed25519KeyPair::fromSeed(view(seed));
    sodium_memzero(seed.data(), 32);
    if (taken) {
        return exists();
    }
    if (!written) {
        return unexpected(QStringLiteral("cannot write %1: %2").arg(path, qt_error_string(error)));
    }
    return key;
}

Expected<DirectoryNode, QString> parseDirectoryNode(const QString& text) {
    const qsizetype equals = text.indexOf(u'=');
    DirectoryNode node;
    node.address = text.left(equals).trimmed();
    const auto key = parseLowerHex(text.mid(equals + 1).trimmed().toLower(), 32);
    const qsizetype colon = node.address.lastIndexOf(u':');
    bool portOk = false;
    const uint port = node.address.mid(colon + 1).toUInt(&portOk);
    if (equals < 0 || !key || colon <= 0 || !portOk || port == 0 || port > 65535) {
        return unexpected(
            QStringLiteral("'%1' is not IP:PORT=KEY (the node's address, and its identity key: "
                           "64 hex digits from tandem-node --print-identity)")
                .arg(text.left(120)));
    }
    std::copy(key->begin(), key->end(), node.ed25519.begin());
    return node;
}

Expected<QByteArray, QString> signDirectory(const std::vector<DirectoryNode>& nodes,
                                            const crypto::Ed25519KeyPair& networkKey,
                                            const QByteArray& previous) {
    using transport::onion::NodeDirectory;
    if (nodes.size() < transport::onion::kMinSwarmSize) {
        return unexpected(QStringLiteral("a directory needs at least %1 nodes (one swarm)")
                              .arg(transport::onion::kMinSwarmSize));
    }
    std::optional<NodeDirectory> known;
    if (!previous.isEmpty()) {
        // Signing version 1 over it would be ignored by every node and client holding it (no
        // version lower than one seen), while this said "signed": refused instead.
        auto verified = NodeDirectory::verify(view(previous), networkKey.publicKey);
        if (!verified) {
            return unexpected(QStringLiteral("the previous directory does not check against this "
                                             "network key (%1): sign with the key that signed "
                                             "it, or remove it to start a new network")
                                  .arg(verified.error()));
        }
        known = std::move(verified).value();
    }
    // Swarms: a new network's dealt evenly; the next directory's kept from the previous one,
    // moving as few nodes and Session IDs as it can (rebalanceSwarms, docs/onion.md "At
    // scale"): nodes it listed first with their swarms, then the new ones.
    std::vector<std::size_t> order;
    std::vector<std::uint64_t> stayingSwarms;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        if (const auto* before = known ? known->find(nodes[i].ed25519) : nullptr) {
            order.push_back(i);
            stayingSwarms.push_back(before->swarmId);
        }
    }
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        if (!known || known->find(nodes[i].ed25519) == nullptr) {
            order.push_back(i);
        }
    }
    const auto dealt =
        transport::onion::rebalanceSwarms(stayingSwarms, nodes.size() - stayingSwarms.size());
    std::vector<std::uint64_t> swarms(nodes.size());
    for (std::size_t k = 0; k < order.size(); ++k) {
        swarms[order[k]] = dealt[k];
    }
    NodeDirectory directory;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        transport::onion::NodeInfo info;
        info.ed25519 = nodes[i].ed25519;
        const auto x = crypto::ed25519ToX25519(info.ed25519);
        if (!x) {
            return unexpected(QStringLiteral("the key of the node at %1 is not an identity key")
                                  .arg(nodes[i].address));
        }
        info.x25519 = *x;
        info.address = nodes[i].address;
        info.swarmId = swarms[i];
        directory.nodes.push_back(info);
    }
    directory.version = 1;
    if (known) {
        bool same = known->nodes.size() == directory.nodes.size();
        for (std::size_t i = 0; same && i < directory.nodes.size(); ++i) {
            same = known->nodes[i].ed25519 == directory.nodes[i].ed25519 &&
                   known->nodes[i].address == directory.nodes[i].address &&
                   known->nodes[i].swarmId == directory.nodes[i].swarmId;
        }
        if (same) {
            return previous;  // clients see nothing change
        }
        directory.version = known->version + 1;
    }
    directory.issuedAtMs = QDateTime::currentMSecsSinceEpoch();
    const auto signedBytes = directory.sign(networkKey);
    QByteArray bytes(reinterpret_cast<const char*>(signedBytes.data()),  // NOLINT
                     static_cast<qsizetype>(signedBytes.size()));
    if (const auto check = NodeDirectory::verify(view(bytes), networkKey.publicKey); !check) {
        return unexpected(check.error());  // e.g. a node named twice
    }
    return bytes;
}

QJsonObject networkJson(const std::optional<QJsonObject>& relay,
                        const crypto::PublicKey& networkKey, const QByteArray& signedDirectory) {
    QJsonObject network{{QStringLiteral("version"), 1}};
    if (relay) {
        network[QStringLiteral("relay")] = *relay;
    }
    network[QStringLiteral("onion")] =
        QJsonObject{{QStringLiteral("network_key"), hex(networkKey)},
                    {QStringLiteral("directory"), QString::fromLatin1(signedDirectory.toBase64())}};
    return network;
}

}  // namespace tandem::core
