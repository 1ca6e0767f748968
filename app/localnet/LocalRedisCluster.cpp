#include "app/localnet/LocalRedisCluster.h"

#include <csignal>
#include <sys/prctl.h>

#include <QDir>
#include <QJsonArray>
#include <QStandardPaths>
#include <QTcpServer>

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
        if (port == 0) {  // a free port now, kept from here on
            QTcpServer probe;
            if (!probe.listen(QHostAddress::LocalHost, 0)) {
                emit failed(QStringLiteral("no free port for redis-server"));
                return;
            }
            port = probe.serverPort();
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
    connect(helper_.get(), &QProcess::finished, this, [this](int code) {
        const QByteArray said = helper_->readAll();
        helper_.reset();
        if (code != 0) {
            emit failed(QStringLiteral("redis-cli --cluster create failed: %1")
                            .arg(QString::fromUtf8(said.right(300))));
            return;
        }
        state_[QStringLiteral("redis_cluster_created")] = true;
        poll_.start();
    });
    helper_->start(cli_, args);
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
        helper_.reset();
        if (said.count("cluster_state:ok") == kNodes && !ready_) {
            ready_ = true;
            poll_.stop();
            emit ready();
        }
    });
    helper_->start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), script.join(u';')});
}

}  // namespace tandem::localnet
