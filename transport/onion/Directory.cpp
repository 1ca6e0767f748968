#include "transport/onion/Directory.h"

#include <algorithm>
#include <map>
#include <set>
#include <sodium.h>

#include <QHostAddress>

#include "tandem/node.pb.h"
#include "transport/onion/Swarm.h"

namespace tandem::transport::onion {

namespace {

constexpr std::string_view kDirectoryContext = "tandem node directory v1";

crypto::Bytes signedPart(const std::string& directory) {
    return crypto::concat({crypto::view(kDirectoryContext), crypto::view(directory)});
}

std::string hexPrefix(const crypto::PublicKey& key) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < 4; ++i) {
        out += kHex[key[i] >> 4];
        out += kHex[key[i] & 0x0f];
    }
    return out + "…";
}

bool validAddress(const QString& address) {
    if (address.size() > 64) {
        return false;
    }
    const qsizetype colon = address.lastIndexOf(u':');
    bool ok = false;
    const uint port = address.mid(colon + 1).toUInt(&ok);
    QString host = address.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']')) {
        host = host.mid(1, host.size() - 2);
    }
    return colon > 0 && ok && port > 0 && port <= 65535 && !QHostAddress(host).isNull();
}

}  // namespace

crypto::Bytes NodeDirectory::sign(const crypto::Ed25519KeyPair& networkKey) const {
    proto::node::NodeDirectory directory;
    directory.set_version(version);
    directory.set_issued_at_ms(static_cast<std::uint64_t>(issuedAtMs));
    for (const NodeInfo& n : nodes) {
        auto* e = directory.add_nodes();
        e->set_ed25519(crypto::toString(n.ed25519));
        e->set_x25519(crypto::toString(n.x25519));
        e->set_address(n.address.toStdString());
        e->set_swarm_id(n.swarmId);
    }
    proto::node::SignedDirectory out;
    out.set_directory(directory.SerializeAsString());
    const crypto::Signature signature = networkKey.sign(signedPart(out.directory()));
    out.set_signature(crypto::toString(signature));
    const std::string bytes = out.SerializeAsString();
    return {bytes.begin(), bytes.end()};
}

Expected<NodeDirectory, QString> NodeDirectory::verify(crypto::ByteView signedDirectory,
                                                       const crypto::PublicKey& networkKey,
                                                       const NodeDirectory* known) {
    if (signedDirectory.size() > kMaxBytes) {
        return unexpected(
            QStringLiteral("the node directory is larger than %1 bytes").arg(kMaxBytes));
    }
    proto::node::SignedDirectory outer;
    if (!outer.ParseFromArray(signedDirectory.data(), static_cast<int>(signedDirectory.size()))) {
        return unexpected(QStringLiteral("the node directory is not readable"));
    }
    if (outer.signature().size() != crypto_sign_BYTES ||
        !crypto::ed25519Verify(networkKey, signedPart(outer.directory()),
                               crypto::view(outer.signature()))) {
        return unexpected(QStringLiteral("the node directory is not signed by the network key"));
    }
    proto::node::NodeDirectory inner;
    if (!inner.ParseFromString(outer.directory())) {
        return unexpected(QStringLiteral("the signed node directory is not readable"));
    }
    if (inner.nodes_size() == 0 || static_cast<std::size_t>(inner.nodes_size()) > kMaxNodes) {
        return unexpected(
            QStringLiteral("the node directory must list 1 to %1 nodes").arg(kMaxNodes));
    }
    NodeDirectory out;
    out.version = inner.version();
    out.issuedAtMs = static_cast<std::int64_t>(
        std::min<std::uint64_t>(inner.issued_at_ms(), std::numeric_limits<std::int64_t>::max()));
    std::map<crypto::PublicKey, crypto::PublicKey> checked;  // identity → its onion key
    if (known != nullptr) {
        for (const NodeInfo& n : known->nodes) {
            checked.emplace(n.ed25519, n.x25519);
        }
    }
    std::set<crypto::PublicKey> identities;
    std::set<QString> addresses;
    std::map<std::uint64_t, std::size_t> swarmSizes;
    for (int i = 0; i < inner.nodes_size(); ++i) {
        const auto& e = inner.nodes(i);
        const QString which = QStringLiteral("node %1 of the directory").arg(i + 1);
        auto ed = crypto::publicKeyFrom(crypto::view(e.ed25519()), "identity key");
        auto x = crypto::publicKeyFrom(crypto::view(e.x25519()), "onion key");
        if (!ed || !x) {
            return unexpected(QStringLiteral("%1: its keys must be 32 bytes each").arg(which));
        }
        const auto before = checked.find(*ed);
        if (before == checked.end() || before->second != *x) {
            const auto converted = crypto::ed25519ToX25519(*ed);
            if (!converted || crypto_core_ed25519_is_valid_point(ed->data()) != 1) {
                return unexpected(
                    QStringLiteral("%1: its identity is not a valid Ed25519 key").arg(which));
            }
            if (sodium_memcmp(converted->data(), x->data(), x->size()) != 0) {
                return unexpected(
                    QStringLiteral("%1: its onion key is not the X25519 form of its identity")
                        .arg(which));
            }
        }
        NodeInfo node{*ed, *x, QString::fromStdString(e.address()), e.swarm_id()};
        if (!validAddress(node.address)) {
            return unexpected(QStringLiteral("%1: its address must be IP:PORT").arg(which));
        }
        if (!identities.insert(node.ed25519).second) {
            return unexpected(QStringLiteral("%1: node %2 is listed twice")
                                  .arg(which, QString::fromStdString(hexPrefix(node.ed25519))));
        }
        if (!addresses.insert(node.address).second) {
            return unexpected(
                QStringLiteral("%1: address %2 is listed twice").arg(which, node.address));
        }
        ++swarmSizes[node.swarmId];
        out.nodes.push_back(std::move(node));
    }
    for (const auto& [swarm, size] : swarmSizes) {
        if (size < kMinSwarmSize) {
            return unexpected(
                QStringLiteral("swarm %1 of the directory has %2 nodes; at least %3 are needed")
                    .arg(swarm)
                    .arg(size)
                    .arg(kMinSwarmSize));
        }
    }
    return out;
}

std::vector<std::uint64_t> NodeDirectory::swarmIds() const {
    std::vector<std::uint64_t> ids;
    ids.reserve(nodes.size());
    for (const NodeInfo& n : nodes) {
        ids.push_back(n.swarmId);
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

std::optional<std::uint64_t> NodeDirectory::swarmOf(const crypto::PublicKey& x25519) const {
    const auto ids = swarmIds();
    return swarmFor(ringPosition(x25519), ids);
}

std::vector<NodeInfo> NodeDirectory::members(std::uint64_t swarmId) const {
    std::vector<NodeInfo> out;
    std::copy_if(nodes.begin(), nodes.end(), std::back_inserter(out),
                 [swarmId](const NodeInfo& n) { return n.swarmId == swarmId; });
    return out;
}

const NodeInfo* NodeDirectory::find(const crypto::PublicKey& ed25519) const {
    const auto it = std::find_if(nodes.begin(), nodes.end(), [&](const NodeInfo& n) {
        return sodium_memcmp(n.ed25519.data(), ed25519.data(), ed25519.size()) == 0;
    });
    return it == nodes.end() ? nullptr : &*it;
}

}  // namespace tandem::transport::onion
