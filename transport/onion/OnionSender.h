// OnionSender: the onion transport's outgoing messages. Each goes through a path (OnionPaths)
// to a member of its recipient's swarm, which answers once it has stored and replicated it:
// then accepted(), or failed().
//  - one route per recipient — the same path and swarm member while they work; a member is
//    never a relay of the path it is reached by, nor a guard of ours (it knows our address),
//    and is chosen around suspects where another will do; a request goes through a path
//    none of whose relays is a member of its destination's swarm, if there is one;
//  - a recipient's messages go one at a time, in order: one that fails through a path is
//    tried on another path and member (kSendAttempts), and if it still fails it is reported
//    with every message queued behind it (Deferred), so nothing overtakes it.
#pragma once

#include <deque>
#include <optional>

#include <QHash>
#include <QObject>
#include <QSet>
#include <QStringList>

#include "crypto/Primitives.h"
#include "transport/Transport.h"
#include "transport/onion/Directory.h"

namespace tandem::transport::onion {

class NodeChooser;
class OnionPaths;

class OnionSender : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxQueuedSends = 20000;
    static constexpr int kSendAttempts = 3;

    OnionSender(OnionPaths& paths, NodeChooser& nodes, QObject* parent = nullptr);

    void start() { running_ = true; }
    // Every message waiting or in flight fails (Deferred: it goes again after a start).
    void stop();
    void send(const OutgoingEnvelope& envelope);
    // Sends what waits (a path is ready).
    void flush();
    // Every recipient's route is chosen again (the directory changed).
    void clearRoutes() { routes_.clear(); }

    [[nodiscard]] std::optional<QString> routeAddress(const QString& recipient) const;
    [[nodiscard]] QStringList routeHops(const QString& recipient) const;
    [[nodiscard]] QHash<QString, QString> routes() const;
    [[nodiscard]] int queued() const { return queued_; }
    [[nodiscard]] qsizetype inFlight() const { return sending_.size(); }

signals:
    void accepted(const QByteArray& id, qint64 serverTimeMs);
    void failed(const QByteArray& id, const tandem::transport::TransportError& error);

private:
    struct Route {
        int path = 0;
        crypto::PublicKey guard{};  // the route holds while its path keeps this guard
        NodeInfo destination;
    };
    void pump(const QString& recipient);
    void sendNow(const OutgoingEnvelope& envelope, int attempt);
    void finishFront(const QString& recipient, std::optional<TransportError> error);

    OnionPaths& paths_;
    NodeChooser& nodes_;
    bool running_ = false;
    QHash<QString, std::deque<OutgoingEnvelope>> outbox_;  // per recipient, in order
    QSet<QString> sending_;                                // recipients with one in flight
    int queued_ = 0;
    QHash<QString, Route> routes_;
};

}  // namespace tandem::transport::onion
