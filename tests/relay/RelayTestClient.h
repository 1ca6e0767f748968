// What the relay tests share: a connected client with synchronous calls, an account, and the
// frames that register, authenticate and send as it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <QTest>

#include "crypto/signal/Identity.h"
#include "tandem/relay.pb.h"
#include "tests/support/TestSupport.h"
#include "transport/relay/RelayConnection.h"

namespace tandem::test {

using proto::relay::ClientFrame;
using proto::relay::ServerFrame;
using transport::RelayConnection;
using transport::RelayEndpoint;

// A connected client with synchronous helpers.
struct Client {
    std::unique_ptr<RelayConnection> connection;
    std::vector<proto::relay::Envelope> delivered;

    explicit Client(const RelayEndpoint& endpoint)
        : connection(std::make_unique<RelayConnection>(endpoint)) {
        QObject::connect(connection.get(), &RelayConnection::delivered,
                         [this](const proto::relay::Delivery& d) {
                             for (const auto& e : d.envelopes()) {
                                 delivered.push_back(e);
                             }
                         });
        connection->open();
        if (!QTest::qWaitFor([&] { return connection->isReady(); }, 10000)) {
            qFatal("could not connect to the relay");
        }
    }

    ServerFrame call(const ClientFrame& frame) {
        auto reply = test::await(connection->request(frame));
        if (!reply) {
            qFatal("request failed: %s", qPrintable(reply.error().message));
        }
        return *reply;
    }
};

struct Account {
    QString phone;
    crypto::signal::IdentityKeyPair identity = crypto::signal::IdentityKeyPair::generate();
    std::string password = std::string(32, 'p');
    std::string accessKey = std::string(16, 'a');
    bool sharePhone = false;
    std::string registrationLock = {};  // a lock token (32 bytes) to register with; empty: none
};

inline ClientFrame registerFrame(const Account& a, const QString& code = {}) {
    ClientFrame f;
    auto* r = f.mutable_register_();
    r->set_share_phone(a.sharePhone);
    r->set_phone(a.phone.toStdString());
    r->set_code(code.toStdString());
    r->set_identity_key(crypto::toString(a.identity.publicKey().ed25519));
    r->set_password(a.password);
    r->set_access_key(a.accessKey);
    r->set_registration_lock(a.registrationLock);
    return f;
}

inline ClientFrame authFrame(const Account& a) {
    ClientFrame f;
    f.mutable_authenticate()->set_phone(a.phone.toStdString());
    f.mutable_authenticate()->set_password(a.password);
    return f;
}

inline ClientFrame sendFrame(const Account& to, const std::string& envelope) {
    ClientFrame f;
    f.mutable_send()->set_recipient(to.phone.toStdString());
    f.mutable_send()->set_access_key(to.accessKey);
    f.mutable_send()->set_envelope(envelope);
    return f;
}

inline void registerAndAuth(Client& c, const Account& a) {
    QVERIFY(c.call(registerFrame(a)).has_registered());
    QVERIFY(c.call(authFrame(a)).has_ok());
}

}  // namespace tandem::test
