// OnionPoller: the onion transport's receiving. A long-poll (or, given an interval, a poll) at
// a member of this Session ID's own swarm, signed by the owner, so a message arrives as soon
// as it is stored; acknowledged messages are deleted there.
//  - the member polled is kept while it answers (its order and our resume hash are its own):
//    polls and deletes go through a path around it; at a start, the member our bookmark is
//    from (setLastSeen) is preferred; another member is read from its beginning (the core
//    drops what it already has);
//  - the bookmark we resume after stays at the member until a newer one replaces it, so at
//    most one delivered message is left there;
//  - a failed poll drops the member (the next poll draws one) and asks to be tried again
//    (retry()).
#pragma once

#include <optional>
#include <vector>

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QTimer>

#include "crypto/Primitives.h"
#include "transport/Transport.h"
#include "transport/onion/Directory.h"

namespace tandem::transport::onion {

class NodeChooser;
class OnionPaths;

struct OnionIdentity {
    QString sessionId;
    crypto::Ed25519KeyPair ed25519;  // signs retrieve and delete
};

class OnionPoller : public QObject {
    Q_OBJECT
public:
    static constexpr int kPollWaitMs = 20000;
    // Acknowledged messages waiting to be deleted at the swarm (a member, a path around it).
    static constexpr std::size_t kMaxPendingAcks = 20000;

    OnionPoller(OnionPaths& paths, NodeChooser& nodes, const OnionIdentity& identity,
                QObject* parent = nullptr);

    void start() { running_ = true; }
    // Acknowledgements not sent yet wait for the next start.
    void stop();
    // Polls now, unless a poll is out.
    void poll();
    void acknowledge(const QByteArray& serverId);

    // 0: long-poll; a positive interval: poll that often.
    void setPollInterval(int ms) { pollIntervalMs_ = std::max(0, ms); }
    void setLastSeen(const QByteArray& hash, const QString& member) {
        lastSeen_ = hash;
        lastSeenAt_ = member;
    }
    // A newer directory: a member it no longer lists (as `listed` says), or no longer in our
    // swarm, is dropped.
    void directoryChanged(const std::function<bool(const NodeInfo&)>& listed);

    [[nodiscard]] std::optional<QString> pollAddress() const;
    [[nodiscard]] bool isPolling() const { return polling_; }
    [[nodiscard]] bool isWaiting() const { return pollTimer_.isActive(); }

signals:
    void received(const tandem::transport::IncomingEnvelope& envelope);
    void lastSeenChanged(const QByteArray& hash);
    // A poll failed: poll again shortly.
    void retry();

private:
    void scheduleAckFlush();
    void flushAcks();

    OnionPaths& paths_;
    NodeChooser& nodes_;
    const OnionIdentity& identity_;
    bool running_ = false;
    bool polling_ = false;
    QByteArray lastSeen_;
    QString lastSeenAt_;                  // the member lastSeen_ belongs to
    QByteArray keptCursor_;               // acknowledged, not deleted: the bookmark at the member
    std::optional<NodeInfo> pollTarget_;  // the member of our swarm we receive from
    int pollIntervalMs_ = 0;              // 0: long-poll
    QTimer pollTimer_;
    std::vector<QByteArray> acks_;
    bool ackScheduled_ = false;
};

}  // namespace tandem::transport::onion
