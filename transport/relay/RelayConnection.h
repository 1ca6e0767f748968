// RelayConnection: one encrypted channel to the relay, with request/response matching.
// Event-driven on the thread that owns it; every request gets exactly one answer: the relay's
// frame, or a TransportError (channel closed, timeout).
#pragma once

#include <map>
#include <memory>
#include <vector>

#include <QFuture>
#include <QObject>
#include <QPointer>
#include <QPromise>
#include <QString>
#include <QTimer>

#include <tandem/common/Expected.h>

#include "crypto/Primitives.h"
#include "tandem/relay.pb.h"
#include "transport/Transport.h"

namespace tandem::transport {

class SecureChannel;

struct RelayEndpoint {
    struct HostPort {
        QString host;
        quint16 port = 0;
    };
    QString host;
    quint16 port = 0;
    crypto::PublicKey relayKey{};  // the relay's Ed25519 key, pinned in network.json
    // More front-ends of the same relay (one key, one Redis: docs/relay.md), tried in turn
    // when one fails (network.json's "more_addresses").
    std::vector<HostPort> alternates;

    [[nodiscard]] std::size_t addressCount() const { return 1 + alternates.size(); }
    // This relay at its `i`th address (0: host and port, then the alternates; wraps around).
    [[nodiscard]] RelayEndpoint at(std::size_t i) const {
        RelayEndpoint e{host, port, relayKey, {}};
        if (const std::size_t k = i % addressCount(); k > 0) {
            e.host = alternates[k - 1].host;
            e.port = alternates[k - 1].port;
        }
        return e;
    }
};

using RelayReply = Expected<proto::relay::ServerFrame, TransportError>;

class RelayConnection : public QObject {
    Q_OBJECT
public:
    static constexpr int kDefaultTimeoutMs = 20000;

    explicit RelayConnection(RelayEndpoint endpoint, QObject* parent = nullptr);
    ~RelayConnection() override;

    // Connects and runs the handshake; emits ready() or closed().
    void open();
    void close();
    // Fails every request still waiting, now (their continuations run while their owners
    // still exist; an owner about to go away calls this first).
    void abandon(const QString& reason);
    [[nodiscard]] bool isReady() const;
    [[nodiscard]] qint64 pendingWriteBytes() const;

    // Sends a request; the future gets the relay's answer (which may be an Error frame).
    QFuture<RelayReply> request(proto::relay::ClientFrame frame, int timeoutMs = kDefaultTimeoutMs);
    // Sends a frame that has no answer (acknowledgements).
    void post(proto::relay::ClientFrame frame);

    // The relay's Error frame as a TransportError (nullopt for success frames).
    static std::optional<TransportError> errorOf(const proto::relay::ServerFrame& frame);

signals:
    void ready();
    void closed(const QString& reason);
    void delivered(const tandem::proto::relay::Delivery& delivery);
    // The relay says this account's one-time prekeys are running out (PreKeysLow).
    void preKeysLow();

private:
    void onFrame(const QByteArray& bytes);
    void failAll(const QString& reason);
    void expire();

    RelayEndpoint endpoint_;
    QPointer<SecureChannel> channel_;
    std::uint64_t nextId_ = 1;
    struct Pending {
        std::shared_ptr<QPromise<RelayReply>> promise;
        qint64 deadline = 0;  // monotonic ms
    };
    std::map<std::uint64_t, Pending> pending_;
    // One timer for every request's timeout (a timer per request costs more than the request).
    QTimer expiry_;
    QString relayReason_;  // what the relay's last unsolicited error said
};

}  // namespace tandem::transport
