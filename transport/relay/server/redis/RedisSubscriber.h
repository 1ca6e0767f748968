// RedisSubscriber: the relay front-end's pub/sub connection to Redis, on the event loop. It
// subscribes to the channels of the accounts signed in here and reports what is published on
// them; hiredis' reader is fed from a QSocketNotifier (no hiredis event-loop adapter: Debian's
// adapters/qt.h needs moc on a header of hiredis, so this drives the context itself).
//
// No missed wake-up: subscribed(channel) is emitted once Redis confirmed the subscription, and
// only then does the mailbox read the queue (what was stored before is read, what comes after
// is published to us). If the connection fails, it is opened again every second, every channel
// is subscribed again, and subscribed() is emitted for each — the queues are read again.
#pragma once

#include <memory>
#include <set>
#include <vector>

#include <QElapsedTimer>
#include <QObject>
#include <QSocketNotifier>
#include <QTimer>

#include "transport/relay/server/redis/RedisClient.h"

namespace tandem::relay {

class RedisSubscriber : public QObject {
    Q_OBJECT
public:
    explicit RedisSubscriber(std::vector<RedisAddress> servers, QObject* parent = nullptr);
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
    bool open();
    void send(const RedisCommand& command);
    void onReadable();
    void lost(const QString& why);
    void dropNotifier();

    RedisClient client_;
    std::unique_ptr<QSocketNotifier> notifier_;
    std::set<QByteArray> wanted_;     // what we want to hear
    std::set<QByteArray> confirmed_;  // what Redis confirmed on this connection
    QTimer reconnect_;
    // A half-open link (Redis' machine gone, a dead route) would silence pushes for good: TCP
    // keepalive on the socket, and a PING every kPingMs; no reply of any kind for
    // kSilenceMs ends the connection (opened again, every channel read again).
    static constexpr int kPingMs = 15000;
    static constexpr qint64 kSilenceMs = 45000;
    QTimer ping_;
    QElapsedTimer heard_;  // since the last reply
};

}  // namespace tandem::relay
