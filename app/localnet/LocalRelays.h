// LocalRelays: tandem-localnet's relay. By default one tandem-relayd on its data folder
// (DIR/relay), as ever. With --relays N: a redis-server (DIR/redis: appendonly yes, appendfsync
// always, so `accepted` stays durable) and N tandem-relayd front-ends over it
// (--store redis://…), sharing one relay key (made by the first in DIR/relay, copied to
// DIR/relay2…): clients pin one key and may use any front-end (network.json lists them all).
// Ports are chosen at first start and kept in DIR/localnet.json; a daemon that dies is
// restarted on the same port with the same data. With --redis-cluster too: a six-node Redis
// Cluster instead of the one redis-server (LocalRedisCluster.h), the front-ends on
// --store redis-cluster://… --redis-wait 1.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include <QJsonObject>
#include <QObject>
#include <QProcess>

#include "app/localnet/LocalRedisCluster.h"

namespace tandem::localnet {

struct LocalNetOptions;

class LocalRelays : public QObject {
    Q_OBJECT
public:
    // Restarts `again` later, or says the daemon keeps failing (LocalNet::restartLater).
    using Restart =
        std::function<bool(const QString& what, int& restarts, std::function<void()> again)>;

    LocalRelays(const LocalNetOptions& options, QJsonObject& state, Restart restart);
    ~LocalRelays() override;

    void start();
    // Every process running now (for stop()).
    [[nodiscard]] std::vector<QProcess*> processes() const;
    // network.json's "relay": the address, more_addresses and the key; empty until every
    // front-end is ready.
    [[nodiscard]] const QJsonObject& info() const { return info_; }
    void setStopping() {
        stopping_ = true;
        if (cluster_) {
            cluster_->setStopping();
        }
    }

signals:
    void changed();  // info() is ready, or changed
    void failed(const QString& reason);

private:
    struct Daemon {
        std::unique_ptr<QProcess> process;
        QByteArray output;
        QString address;
        QString key;
        int restarts = 0;
    };
    [[nodiscard]] bool withRedis() const { return count_ > 0; }
    [[nodiscard]] QString relayDir(std::size_t i) const;
    std::unique_ptr<QProcess> child(const QString& program, const QStringList& args);
    void startRedis();
    void onRedisOutput();
    void startRelay(std::size_t i);
    void onRelayOutput(std::size_t i);
    void update();

    const LocalNetOptions& options_;
    QJsonObject& state_;
    Restart restart_;
    int count_ = 0;  // front-ends over Redis; 0: one relay on its data folder
    Daemon redis_;
    bool redisReady_ = false;
    std::unique_ptr<LocalRedisCluster> cluster_;  // --redis-cluster
    std::vector<Daemon> relays_;
    QJsonObject info_;
    bool stopping_ = false;
};

}  // namespace tandem::localnet
