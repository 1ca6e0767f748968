// NodeLink: one channel to a node (from a client, or from another node), with requests
// matched to replies by id. Frames wait while the handshake runs; every request ends exactly
// once: its reply, a timeout, or the channel closing (then `error` says why).
#pragma once

#include <functional>
#include <map>

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include "crypto/Primitives.h"
#include "tandem/node.pb.h"

namespace tandem::transport {
class SecureChannel;
}

namespace tandem::transport::onion {

class NodeLink : public QObject {
    Q_OBJECT
public:
    using Callback = std::function<void(const proto::node::NodeReply&)>;
    static constexpr int kDefaultTimeoutMs = 10000;
    static constexpr std::size_t kMaxPending = 4096;

    // `nodeKey`: the node's X25519 onion key (from the directory). `localAddress`, if set, is
    // the address the connection comes from (a node binds its links to its own listen
    // address, so the next hop sees which node it talks to, also on 127.0.0.x loopback).
    NodeLink(QString address, const crypto::PublicKey& nodeKey, QObject* parent = nullptr,
             const QHostAddress& localAddress = {});
    ~NodeLink() override;

    // `done` runs once, on this thread: the node's reply, or a NodeError made here with no
    // request id (UNREACHABLE: the channel is lost; UNAVAILABLE: no answer in time). On an
    // established channel the request is written to the kernel before this returns — so
    // `done` may run before this returns: if the link is closed, or that write finds the
    // connection reset (the channel closes at once and fails every waiting request). Callers
    // must not hold state that `done` relies on being set after the call.
    void request(proto::node::NodeRequest request, Callback done,
                 int timeoutMs = kDefaultTimeoutMs);
    [[nodiscard]] bool isClosed() const { return closed_; }
    // What was requested goes to the kernel now, not when control is back in the event loop
    // (the caller is about to block: a commit).
    void flush();
    // Forgets every waiting request without calling it back: for an owner that is going away
    // (its callbacks would reach into it).
    void abandon() { pending_.clear(); }
    [[nodiscard]] const QString& address() const { return address_; }

signals:
    void closed(const QString& reason);

private:
    void onFrame(const QByteArray& frame);
    void failAll(const QString& reason);
    void expire();

    struct Pending {
        Callback done;
        qint64 deadline = 0;
    };
    QString address_;
    QPointer<SecureChannel> channel_;
    bool closed_ = false;
    std::uint64_t nextId_ = 1;
    std::map<std::uint64_t, Pending> pending_;
    std::vector<QByteArray> unsent_;  // until the handshake is done
    QTimer expiry_;
    QElapsedTimer clock_;
};

// One link per node address, made on first use and replaced once closed. Its owner's
// callbacks reach into the owner, so clear() (and the destructor) forget what is waiting
// instead of calling back.
class NodeLinkPool {
public:
    explicit NodeLinkPool(QObject* owner) : owner_(owner) {}
    ~NodeLinkPool() { clear(); }
    NodeLinkPool(const NodeLinkPool&) = delete;
    NodeLinkPool& operator=(const NodeLinkPool&) = delete;

    NodeLink* linkTo(const struct NodeInfo& node);
    void clear();
    // Links made from now on connect from this address (null: the system's choice).
    void setLocalAddress(const QHostAddress& address) { localAddress_ = address; }

private:
    QObject* owner_;
    QHostAddress localAddress_;
    QHash<QString, NodeLink*> links_;
};

// Replies that carry an error: to a NodeRequest, and (inside an onion) to a SwarmRequest.
proto::node::NodeReply errorReply(proto::node::NodeError::Code code, const QString& message);
proto::node::SwarmReply swarmError(proto::node::NodeError::Code code, const QString& message);

// What a destination's answer to a SwarmRequest goes to (sealed for the way back).
using SwarmAnswer = std::function<void(proto::node::SwarmReply)>;

}  // namespace tandem::transport::onion
