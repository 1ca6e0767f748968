// RedisSubscriber: the relay front-end's pub/sub connections to Redis, on the event loop. It
// subscribes to the channels of the accounts signed in here and reports what is published on
// them; hiredis' reader is fed from a QSocketNotifier (no hiredis event-loop adapter: Debian's
// adapters/qt.h needs moc on a header of hiredis, so this drives the context itself).
//
// One server: one connection, SUBSCRIBE. A Redis Cluster: sharded pub/sub — SSUBSCRIBE on the
// primary serving the channel's slot (the channel carries the account's hash tag, so it is the
// shard of the account's mailbox), one connection per primary that serves a channel of ours;
// the slot map is read from the cluster (CLUSTER SLOTS) when a connection fails, a redirect
// answers, or Redis unsubscribes us (the slot moved: `sunsubscribe`).
//
// No missed wake-up: subscribed(channel) is emitted once Redis confirmed the subscription, and
// only then does the mailbox read the queue (what was stored before is read, what comes after
// is published to us). If a connection fails (in a cluster: a primary died and its replica took
// over), every channel it carried is subscribed again a second later — where the map now says
// — and subscribed() is emitted for each: those queues are read again.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <vector>

#include <QElapsedTimer>
#include <QObject>
#include <QSocketNotifier>
#include <QTimer>

#include "transport/relay/server/redis/RedisClient.h"
#include "transport/relay/server/redis/RedisSlotMap.h"

namespace tandem::relay {

class RedisSubscriber : public QObject {
    Q_OBJECT
public:
    RedisSubscriber(std::vector<RedisAddress> servers, bool cluster, QObject* parent = nullptr);
    ~RedisSubscriber() override;

    // False (and `error`) when Redis cannot be reached now.
    bool start(QString* error);
    void subscribe(const QByteArray& channel);
    void unsubscribe(const QByteArray& channel);
    [[nodiscard]] bool isSubscribed(const QByteArray& channel) const {
        return confirmed_.count(channel) > 0;
    }

signals:
    void subscribed(const QByteArray& channel);
    void message(const QByteArray& channel, const QByteArray& payload);

private:
    // One connection: to the server, or to one primary of the cluster.
    struct Link {
        QString name;  // the node's "host:port", "" for the one server
        std::unique_ptr<RedisClient> client;
        std::unique_ptr<QSocketNotifier> notifier;
        std::set<QByteArray> channels;  // subscribed (asked or confirmed) on it
        QElapsedTimer heard;            // since its last reply
    };

    // The link `channel` belongs on (opened if needed); nullptr when it cannot be opened (or
    // is in `unreachable`, which collects the nodes that could not be opened).
    Link* linkFor(const QByteArray& channel, std::set<QString>* unreachable);
    Link* open(const QString& name, const RedisAddress& address);
    bool readMap(QString* error);
    void send(Link& link, const RedisCommand& command);
    void onReadable(Link* link);
    void lost(Link* link, const QString& why);
    // Subscribes every wanted channel not on a link (after a failure, a redirect).
    void resubscribe();
    [[nodiscard]] QByteArray subscribeCommand() const {
        return cluster_ ? "SSUBSCRIBE" : "SUBSCRIBE";
    }

    std::vector<RedisAddress> servers_;
    bool cluster_;
    RedisSlotMap map_;
    bool mapStale_ = true;
    QString lastError_;
    std::map<QString, std::unique_ptr<Link>> links_;  // by node ("" for the one server)
    std::set<QByteArray> wanted_;                     // what we want to hear
    std::set<QByteArray> confirmed_;                  // what Redis confirmed
    std::map<QByteArray, QString> linkOf_;            // channel → the link it was sent on
    QTimer reconnect_;
    // A half-open link (Redis' machine gone, a dead route) would silence pushes for good: TCP
    // keepalive on the socket, and a PING every kPingMs; no reply of any kind for
    // kSilenceMs ends the connection (opened again, every channel read again).
    static constexpr int kPingMs = 15000;
    static constexpr qint64 kSilenceMs = 45000;
    static constexpr int kReconnectMs = 1000;
    QTimer ping_;
};

}  // namespace tandem::relay
