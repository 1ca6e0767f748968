#include "app/localnet/LocalRedisCluster.h"

#include <csignal>
#include <sys/prctl.h>

#include <QDir>
#include <QJsonArray>
#include <QStandardPaths>
#include <QTcpServer>

#include "transport/relay/server/redis/RedisClusterPort.h"

namespace tandem::localnet {

namespace {
constexpr int kPollMs = 250;
}

LocalRedisCluster::LocalRedisCluster(QString dir, QJsonObject& state, Restart restart)
    : dir_(std::move(dir)), state_(state), restart_(std::move(restart)) {
    poll_.setInterval(kPollMs);
    connect(&poll_, &QTimer::timeout, this, &LocalRedisCluster::poll);
}

LocalRedisCluster::~LocalRedisCluster() = default;

std::vector<QProcess*> LocalRedisCluster::processes() const {
    std::vector<QProcess*> out;
    for (const Node& n : nodes_) {
        if (n.process) {
            out.push_back(n.process.get());
        }
    }
    return out;
}

QString LocalRedisCluster::url() const {
    QStringList seeds;
    for (const Node& n : nodes_) {
        seeds << QStringLiteral("127.0.0.1:%1").arg(n.port);
    }
    return QStringLiteral("redis-cluster://") + seeds.join(u',');
}

void LocalRedisCluster::start() {
    cli_ = QStandardPaths::findExecutable(QStringLiteral("redis-cli"));
    if (QStandardPaths::findExecutable(QStringLiteral("redis-server")).isEmpty() ||
        cli_.isEmpty()) {
        emit failed(
            QStringLiteral("--redis-cluster needs redis-server and redis-cli "
                           "(scripts/setup-deps.sh)"));
        return;
    }
    QJsonArray ports = state_.value(QStringLiteral("redis_cluster_ports")).toArray();
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        int port = ports.size() > static_cast<qsizetype>(i)
                       ? ports.at(static_cast<qsizetype>(i)).toInt()
                       : 0;
        // A free port now, kept from here on. One saved by an older tandem-localnet may be
        // above 55535, where Redis refuses cluster mode: such a cluster never started, so
        // it gets new ports.
        if (!relay::RedisClusterPort::usable(port)) {
            port = relay::RedisClusterPort::pick();
            if (port == 0) {
                emit failed(QStringLiteral("no free port (and bus port + 10000) for redis-server"));
                return;
            }
        }
        nodes_[i].port = port;
        while (ports.size() <= static_cast<qsizetype>(i)) {
            ports.append(0);
        }
        ports[static_cast<qsizetype>(i)] = port;
    }
    state_[QStringLiteral("redis_cluster_ports")] = ports;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        startNode(i);
    }
}

void LocalRedisCluster::startNode(std::size_t i) {
    Node& n = nodes_[i];
    const QString dir = dir_ + QStringLiteral("/%1").arg(i + 1);
    QDir().mkpath(dir);
    n.up = false;
    n.output.clear();
    n.process = std::make_unique<QProcess>();
    n.process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    n.process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
    connect(n.process.get(), &QProcess::readyReadStandardOutput, this, [this, i] { onOutput(i); });
    connect(n.process.get(), &QProcess::finished, this, [this, i] {
        Node& node = nodes_[i];
        if (!stopping_ && !node.up &&
            !state_.value(QStringLiteral("redis_cluster_created")).toBool() &&
            node.portRetries < kPortRetries) {
            // Ended before it was ready, and no cluster knows its port yet: most likely the
            // port (or its bus port) was taken since pick(); another one.
            const quint16 port = relay::RedisClusterPort::pick();
            if (port != 0) {
                ++node.portRetries;
                qWarning("redis-server %d (cluster) did not start on port %d: trying port %d",
                         static_cast<int>(i + 1), node.port, port);
                node.port = port;
                QJsonArray ports = state_.value(QStringLiteral("redis_cluster_ports")).toArray();
                ports[static_cast<qsizetype>(i)] = port;
                state_[QStringLiteral("redis_cluster_ports")] = ports;
                node.process.release()->deleteLater();
                QTimer::singleShot(0, this, [this, i] { startNode(i); });
                return;
            }
        }
        if (!stopping_) {
            restart_(QStringLiteral("redis-server %1 (cluster)").arg(i + 1), nodes_[i].restarts,
                     [this, i] { startNode(i); });
        }
    });
    n.process->start(
        QStandardPaths::findExecutable(QStringLiteral("redis-server")),
        {QStringLiteral("--port"), QString::number(n.port), QStringLiteral("--bind"),
         QStringLiteral("127.0.0.1"), QStringLiteral("--dir"), dir,
         QStringLiteral("--cluster-enabled"), QStringLiteral("yes"),
         QStringLiteral("--cluster-config-file"), QStringLiteral("nodes.conf"),
         QStringLiteral("--cluster-node-timeout"), QString::number(kNodeTimeoutMs),
         QStringLiteral("--appendonly"), QStringLiteral("yes"), QStringLiteral("--appendfsync"),
         QStringLiteral("always"), QStringLiteral("--save"), QString(),
         QStringLiteral("--daemonize"), QStringLiteral("no"),
         // SIGTERM (tandem-localnet stopping) ends a primary at once instead of
         // waiting up to 10 s for replicas that are stopping too: its AOF is
         // fsynced at every write already.
         QStringLiteral("--shutdown-on-sigterm"), QStringLiteral("now")});
}

void LocalRedisCluster::onOutput(std::size_t i) {
    Node& n = nodes_[i];
    n.output += n.process->readAllStandardOutput();
    if (n.up || !n.output.contains("Ready to accept connections")) {
        if (n.output.size() > 65536) {
            n.output = n.output.right(4096);
        }
        return;
    }
    n.up = true;
    n.output.clear();
    if (ready_ || helper_) {
        return;  // a node restarted: it rejoins by itself
    }
    for (const Node& other : nodes_) {
        if (!other.up) {
            return;
        }
    }
    if (state_.value(QStringLiteral("redis_cluster_created")).toBool()) {
        poll_.start();  // made by an earlier run: the nodes know it (nodes.conf)
    } else {
        create();
    }
}

void LocalRedisCluster::create() {
    QStringList args{QStringLiteral("--cluster"), QStringLiteral("create")};
    for (const Node& n : nodes_) {
        args << QStringLiteral("127.0.0.1:%1").arg(n.port);
    }
    args << QStringLiteral("--cluster-replicas") << QStringLiteral("1")
         << QStringLiteral("--cluster-yes");
    helper_ = std::make_unique<QProcess>();
    helper_->setProcessChannelMode(QProcess::MergedChannels);
    connect(helper_.get(), &QProcess::finished, this,
            [this](int code, QProcess::ExitStatus status) {
                const QByteArray said = helper_->readAll();
                helper_.release()->deleteLater();  // not deleted inside its own signal
                if (status != QProcess::NormalExit) {
                    code = -1;  // killed (the timeout below) or crashed
                }
                if (code != 0) {
                    emit failed(QStringLiteral("redis-cli --cluster create failed: %1")
                                    .arg(QString::fromUtf8(said.right(300))));
                    return;
                }
                state_[QStringLiteral("redis_cluster_created")] = true;
                poll_.start();
            });
    helper_->start(cli_, args);
    // redis-cli waits for the nodes to agree on the configuration: bounded.
    QTimer::singleShot(kCreateTimeoutMs, helper_.get(), [p = helper_.get()] {
        if (p->state() != QProcess::NotRunning) {
            qWarning("redis-cli --cluster create did not finish in %d s: stopped",
                     kCreateTimeoutMs / 1000);
            p->kill();
        }
    });
}

void LocalRedisCluster::poll() {
    if (helper_) {
        return;  // the last poll is still running
    }
    if (++polled_ > kReadyTimeoutMs / kPollMs) {
        poll_.stop();
        emit failed(QStringLiteral("the Redis Cluster did not reach cluster_state:ok"));
        return;
    }
    // One redis-cli per node would be six processes a poll: one EVAL-free shell instead.
    QStringList script;
    for (const Node& n : nodes_) {
        script << QStringLiteral("'%1' -p %2 CLUSTER INFO").arg(cli_).arg(n.port);
    }
    helper_ = std::make_unique<QProcess>();
    helper_->setProcessChannelMode(QProcess::MergedChannels);
    connect(helper_.get(), &QProcess::finished, this, [this] {
        const QByteArray said = helper_->readAll();
        helper_.release()->deleteLater();  // not deleted inside its own signal
        if (said.count("cluster_state:ok") == kNodes && !ready_) {
            ready_ = true;
            poll_.stop();
            emit ready();
        }
    });
    helper_->start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), script.join(u';')});
}

}  // namespace tandem::localnet
