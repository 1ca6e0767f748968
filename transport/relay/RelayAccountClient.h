// RelayAccountClient: the relay's account calls, typed (docs/relay.md). Registration, the
// registration lock, sender certificates, prekeys, bundles and number lookups are built and
// read here, so nothing above transport/ builds a relay frame. It borrows a RelayConnection
// (the authenticated one of a RelayTransport, or one a registration opened); every call gets
// exactly one answer: the value, or the relay's refusal / the connection's failure as a
// TransportError (RelayConnection::errorOf).
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include <QFuture>
#include <QPointer>
#include <QStringList>

#include <tandem/common/Expected.h>

#include "transport/relay/RelayConnection.h"

namespace tandem::transport {

template <class T>
using RelayCall = QFuture<Expected<T, TransportError>>;

struct RelayRegistration {
    QString phone;
    QString code;            // empty when the relay runs with --verify none
    QByteArray identityKey;  // Ed25519 (32)
    QByteArray password;     // 32 random bytes
    QByteArray accessKey;    // 16 random bytes
    bool sharePhone = false;
    QByteArray registrationLock;  // the PIN's token; empty: no lock
};

struct PreKeyUpload {
    struct Signed {
        std::uint32_t id = 0;
        QByteArray publicKey;  // X25519 (32)
        QByteArray signature;  // 64
    };
    std::optional<Signed> signedKey;
    std::vector<std::pair<std::uint32_t, QByteArray>> oneTime;  // id, X25519 public key
};

struct RelayBundle {
    QByteArray bundle;  // a serialized PreKeyBundle, not yet checked
    // No access key: the relay does not hand them out (their owner gives them inside
    // encrypted messages, docs/people.md).
    QByteArray aci;
};

struct LookedUp {
    QString phone;
    QByteArray aci;
};

class RelayAccountClient {
public:
    static constexpr int kMaxLookup = 50;             // numbers per lookup (the relay's limit)
    static constexpr int kMaxOneTimePerUpload = 100;  // the relay's limit

    explicit RelayAccountClient(RelayConnection* connection) : connection_(connection) {}

    // True: the relay sent a code; false: it runs with --verify none.
    RelayCall<bool> requestCode(const QString& phone);
    // The account id (16 bytes) the relay assigned.
    RelayCall<QByteArray> registerAccount(const RelayRegistration& registration);
    RelayCall<void> authenticate(const QString& phone, const QByteArray& password);
    // An empty token removes the lock.
    RelayCall<void> setRegistrationLock(const QByteArray& token);
    // Replaces the account's access key (16 bytes, relay::kAccessKeyBytes), durably: sealed
    // sends with the old key are refused from the relay's answer on. A key of another size is
    // refused (Rejected) without asking the relay.
    RelayCall<void> setAccessKey(const QByteArray& accessKey);
    // A serialized SenderCertificate, not yet verified.
    RelayCall<QByteArray> senderCertificate();
    RelayCall<std::int64_t> oneTimePreKeysLeft();
    RelayCall<void> uploadPreKeys(const PreKeyUpload& upload);
    RelayCall<RelayBundle> fetchBundle(const QString& address);
    // The registered ones among `phones` (at most kMaxLookup), with their account ids.
    RelayCall<std::vector<LookedUp>> lookup(const QStringList& phones);

private:
    template <class T, class Read>
    RelayCall<T> call(proto::relay::ClientFrame frame, Read read);

    QPointer<RelayConnection> connection_;
};

}  // namespace tandem::transport
