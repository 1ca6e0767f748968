// ClientConnections: the connection layer both daemons (tandem-relayd, tandem-node) stand on.
// It listens, admits each socket through the ConnectionGate, runs the SecureChannel server
// handshake with the daemon's key, and for every connection:
//  - limits the frames it may send: maxUnauthenticatedFrameBytes until the daemon calls
//    setAuthenticated(), then SecureChannel::kMaxFrameBytes;
//  - closes it after idleTimeoutMs of silence (SecureChannel's idle deadline);
//  - counts its requests in a TokenBucket: a frame within the rate goes to `frame`, one over
//    it to `overRate` (the daemon says what that costs: the relay closes, a node refuses the
//    one request);
//  - delays what it receives and what is sent to it by linkDelayMs (DelayLine, localnet's
//    emulated link delay);
//  - drops it once more than maxPendingWriteBytes wait to be written (a peer that does not
//    read);
//  - finds it by channel, for an answer that comes later (a commit, a replication), and
//    forgets it when its channel closes, giving its slot back.
// What the frames mean is the daemon's: this layer never parses one.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <vector>

#include <QHostAddress>
#include <QLoggingCategory>
#include <QObject>
#include <QPointer>
#include <QTcpServer>

#include "crypto/Primitives.h"
#include "transport/SecureChannel.h"
#include "transport/daemon/ClientConnection.h"
#include "transport/daemon/ConnectionGate.h"

namespace tandem::transport {
class DelayLine;
}

namespace tandem::daemon {

struct ConnectionLimits {
    ConnectionGate::Limits connections;  // in all and per client address
    // What a peer that has not authenticated may send in one frame.
    quint32 maxUnauthenticatedFrameBytes = transport::SecureChannel::kMaxFrameBytes;
    // A connection that sent nothing, not even a keep-alive, for this long is closed.
    int idleTimeoutMs = transport::SecureChannel::kIdleTimeoutMs;
    double requestsPerSecond = 2000;  // per connection, sustained
    double requestBurst = 4000;
    qint64 maxPendingWriteBytes = 32 * 1024 * 1024;  // a peer that does not read is dropped
    int linkDelayMs = 0;  // emulated delay on every link, each direction (localnet)
};

class ClientConnections : public QObject {
    Q_OBJECT
public:
    using LogCategory = const QLoggingCategory& (*)();
    struct Handlers {
        // Makes the object for a new connection (a daemon's own kind); default: the base.
        std::function<std::unique_ptr<ClientConnection>()> make;
        std::function<void(ClientConnection&)> opened;
        std::function<void(ClientConnection&, const QByteArray&)> frame;     // within its rate
        std::function<void(ClientConnection&, const QByteArray&)> overRate;  // over it
        std::function<void(ClientConnection&)> closed;  // just before it is deleted
    };

    // `log`: the daemon's logging category; `slowReader`: why a peer that does not read is
    // closed (its log line).
    ClientConnections(ConnectionLimits limits, LogCategory log, QString slowReader,
                      QObject* parent = nullptr);
    ~ClientConnections() override;

    void setHandlers(Handlers handlers) { handlers_ = std::move(handlers); }
    // Listens with `key` (kept by the caller for as long as this lives) for the handshake.
    bool listen(const QHostAddress& host, quint16 port, const crypto::X25519KeyPair& key,
                QString* error);
    void stopListening() { server_.close(); }
    [[nodiscard]] quint16 port() const { return server_.serverPort(); }
    [[nodiscard]] int count() const { return static_cast<int>(byChannel_.size()); }
    [[nodiscard]] const ConnectionLimits& limits() const { return limits_; }
    // New limits (a reload), for connections opened from now on: the gate, the idle deadline,
    // the rate and unread bytes. The emulated link delay stays as it was built.
    void setLimits(const ConnectionLimits& limits);

    // The connection on `channel`, or null once it is gone.
    [[nodiscard]] ClientConnection* find(const transport::SecureChannel* channel) const;
    // The peer proved who it is: frames up to SecureChannel::kMaxFrameBytes from now on.
    void setAuthenticated(ClientConnection& connection);
    // Sends one frame (through the delay line); `flushNow` writes it to the socket at once.
    void send(const QPointer<transport::SecureChannel>& channel, const QByteArray& frame,
              bool flushNow = false);
    // Closes the connection after what was sent to it so far (through the delay line); what
    // it sends meanwhile is not read.
    void close(ClientConnection& connection, const QString& reason);

private:
    void onNewConnection();
    void onFrame(const QPointer<transport::SecureChannel>& channel, const QByteArray& frame);
    void forget(transport::SecureChannel* channel);

    ConnectionLimits limits_;
    LogCategory log_;
    QString slowReader_;
    Handlers handlers_;
    QTcpServer server_;
    ConnectionGate gate_;
    const crypto::X25519KeyPair* key_ = nullptr;
    std::map<const transport::SecureChannel*, std::unique_ptr<ClientConnection>> byChannel_;
    // Forgotten connections, destroyed from the event loop (forget()).
    std::vector<std::unique_ptr<ClientConnection>> retired_;
    transport::DelayLine* delay_;
};

}  // namespace tandem::daemon
