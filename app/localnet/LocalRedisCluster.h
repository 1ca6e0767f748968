// LocalRedisCluster: tandem-localnet --relays N --redis-cluster's Redis: six redis-server
// processes on loopback (DIR/redis-cluster/1…6: cluster-enabled yes, cluster-node-timeout
// 1500 ms, appendonly yes, appendfsync always), joined once by `redis-cli --cluster create
// --cluster-replicas 1` into three primaries with a replica each, then waited for until every
// node says cluster_state:ok. Ports are chosen at first start and kept in DIR/localnet.json; the
// cluster's layout is kept by each node in its folder (nodes.conf), so a second run, or a node
// restarted after it died, rejoins it (a restarted former primary comes back as a replica).
#pragma once

#include <array>
#include <functional>
#include <memory>

#include <QJsonObject>
#include <QObject>
#include <QProcess>
#include <QTimer>

namespace tandem::localnet {

class LocalRedisCluster : public QObject {
    Q_OBJECT
public:
    static constexpr int kNodes = 6;
    static constexpr int kNodeTimeoutMs = 1500;
    static constexpr int kReadyTimeoutMs = 60000;  // to cluster_state:ok on every node
    static constexpr int kPortRetries = 5;
    static constexpr int kCreateTimeoutMs =
        60000;  // redis-cli --cluster create         // new ports for a node that did not start
    using Restart =
        std::function<bool(const QString& what, int& restarts, std::function<void()> again)>;

    LocalRedisCluster(QString dir, QJsonObject& state, Restart restart);
    ~LocalRedisCluster() override;

    void start();
    [[nodiscard]] std::vector<QProcess*> processes() const;
    // redis-cluster://127.0.0.1:P1,… (every node a seed).
    [[nodiscard]] QString url() const;
    void setStopping() { stopping_ = true; }

signals:
    void ready();  // every node says cluster_state:ok (once)
    void failed(const QString& reason);

private:
    struct Node {
        std::unique_ptr<QProcess> process;
        QByteArray output;
        int port = 0;
        bool up = false;
        int restarts = 0;
        int portRetries = 0;
    };
    void startNode(std::size_t i);
    void onOutput(std::size_t i);
    void create();
    void poll();

    QString dir_;
    QJsonObject& state_;
    Restart restart_;
    QString cli_;
    std::array<Node, kNodes> nodes_;
    std::unique_ptr<QProcess> helper_;  // redis-cli: the create, then the polls
    QTimer poll_;
    int polled_ = 0;
    bool ready_ = false;
    bool stopping_ = false;
};

}  // namespace tandem::localnet
