// For the tests of the onion transport over real nodes (tst_node, tst_onion_transport): a
// user with an OnionTransport and what it received, and the restart of a node a test killed.
#pragma once

#include <memory>
#include <optional>
#include <set>

#include <QStringList>
#include <QtGlobal>

#include "crypto/session/SessionKeys.h"
#include "tests/support/Daemons.h"
#include "transport/onion/Directory.h"
#include "transport/onion/OnionTransport.h"

namespace tandem::test {

// One user's transport and what it received (deduped by hash, in arrival order).
struct Endpoint {
    using OnionTransport = transport::onion::OnionTransport;
    crypto::session::SessionIdentity who = crypto::session::SessionIdentity::generate();
    std::unique_ptr<OnionTransport> transport;
    QStringList received;
    std::set<QByteArray> hashes;
    int accepted = 0;
    int failed = 0;

    explicit Endpoint(const transport::onion::NodeDirectory& directory,
                      std::optional<crypto::PublicKey> guard = std::nullopt) {
        transport = std::make_unique<OnionTransport>(
            directory, transport::onion::OnionIdentity{who.sessionId, who.ed25519.clone()}, guard);
        QObject::connect(transport.get(), &transport::Transport::received,
                         [this](const transport::IncomingEnvelope& e) {
                             if (hashes.insert(e.serverId).second) {
                                 received << QString::fromLatin1(e.ciphertext);
                             }
                             transport->acknowledge(e.serverId);
                         });
        QObject::connect(transport.get(), &transport::Transport::accepted,
                         [this](const QByteArray&, qint64) { ++accepted; });
        QObject::connect(transport.get(), &transport::Transport::failed,
                         [this](const QByteArray&, const transport::TransportError& e) {
                             ++failed;
                             qInfo("send failed: %s", qPrintable(e.message));
                         });
    }
    void send(const QString& to, const QString& text) {
        transport::OutgoingEnvelope e;
        e.id = text.toLatin1();
        e.recipient = to;
        e.ciphertext = text.toLatin1();
        transport->send(e);
    }
};

// A node killed by a test is started again (same identity and port) for the tests after; if
// that fails, they would fail for a reason of their own: said here, where it happened.
inline void restartForLaterTests(NodeProcess& node) {
    if (!node.start()) {
        qWarning() << "could not restart the node at" << node.address()
                   << "- later tests may fail because of it";
    }
}

}  // namespace tandem::test
