// A Session-mode network for tests: N real tandem-node processes on 127.0.0.(base+i), ports
// picked at run time, dealt into swarms as tandem-localnet deals them, with the directory
// signed by a fresh network key once every node is up.
#pragma once

#include <memory>
#include <vector>

#include <QTemporaryDir>

#include "crypto/Primitives.h"
#include "tests/support/Daemons.h"
#include "transport/onion/Directory.h"

namespace tandem::test {

class OnionNetwork {
public:
    // `firstHost`: the last byte of the first node's address (127.0.0.firstHost). With
    // `audit`, every node records what it sees (tandem-node --audit) in auditFile(i).
    OnionNetwork(std::size_t nodes, int firstHost, bool audit = false);

    bool start();
    [[nodiscard]] const transport::onion::NodeDirectory& directory() const { return directory_; }
    [[nodiscard]] const crypto::PublicKey& networkKey() const { return network_.publicKey; }
    [[nodiscard]] NodeProcess& node(std::size_t i) { return *nodes_.at(i); }
    [[nodiscard]] std::size_t size() const { return nodes_.size(); }
    [[nodiscard]] QString auditFile(std::size_t i) const;
    // The node listening at "IP:PORT", if one of ours.
    [[nodiscard]] NodeProcess* nodeAt(const QString& address);
    // The members of the swarm that keeps this Session ID's messages.
    [[nodiscard]] std::vector<NodeProcess*> swarmOf(const QString& sessionId);
    // The file every node reads its directory from (a newer one written there is adopted).
    [[nodiscard]] QString directoryFile() const;
    // Writes `directory` there, signed by the network key (then it is directory()), or by
    // `signer` (a forgery, which nodes and clients must ignore).
    bool publish(const transport::onion::NodeDirectory& directory,
                 const crypto::Ed25519KeyPair* signer = nullptr);
    // One more node, at 127.0.0.host, reading the same file; listed once a directory naming
    // it is published. Null if it did not start.
    NodeProcess* addNode(int host);
    // network.json with the onion section (and the relay's, if given).
    [[nodiscard]] QString writeNetworkJson(const QString& path,
                                           const RelayProcess* relay = nullptr) const;

private:
    QTemporaryDir dir_;
    std::size_t count_;
    int firstHost_;
    bool audit_;
    crypto::Ed25519KeyPair network_ = crypto::Ed25519KeyPair::generate();
    std::vector<std::unique_ptr<NodeProcess>> nodes_;
    transport::onion::NodeDirectory directory_;
};

}  // namespace tandem::test
