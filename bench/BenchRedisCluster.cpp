#include "bench/BenchRedisCluster.h"

#include <cstdio>

#include <QDir>
#include <QElapsedTimer>
#include <QThread>

#include "transport/relay/server/redis/RedisClusterPort.h"

namespace tandem::bench {

BenchRedisCluster::~BenchRedisCluster() {
    for (auto& p : nodes_) {
        stopChild(p);
    }
}

namespace {

// `redis-cli` with `args`; its output.
QByteArray redisCli(const QStringList& args, int ms = 30000) {
    QProcess cli;
    cli.setProcessChannelMode(QProcess::MergedChannels);
    cli.start(QStringLiteral("redis-cli"), args);
    cli.waitForFinished(ms);
    return cli.readAll();
}

}  // namespace

bool BenchRedisCluster::killPrimaryOf(const QString& phone) {
    for (auto& node : nodes_) {
        if (!node || node->state() != QProcess::Running) {
            continue;
        }
        const QString port = node->arguments().at(1);  // --port P
        const QByteArray role =
            redisCli({QStringLiteral("-p"), port, QStringLiteral("ROLE")}).left(6);
        const QByteArray key = redisCli(
            {QStringLiteral("-p"), port, QStringLiteral("EVAL"),
             QStringLiteral("for _, k in ipairs(redis.call('KEYS', 'acct:{*')) do "
                            "if redis.call('HGET', k, 'phone') == ARGV[1] then return k end "
                            "end return false"),
             QStringLiteral("0"), phone});
        if (role.startsWith("master") && key.startsWith("acct:")) {
            killChild(node);
            return true;
        }
    }
    return false;
}

bool BenchRedisCluster::waitUntilOk(int ms) {
    QElapsedTimer t;
    t.start();
    // First the survivors mark the dead node failed (after cluster-node-timeout), then its
    // replica is elected and every node sees all slots served again.
    bool marked = false;
    while (t.elapsed() < ms) {
        for (auto& node : nodes_) {
            if (!marked && node && node->state() == QProcess::Running) {
                marked = redisCli({QStringLiteral("-p"), node->arguments().at(1),
                                   QStringLiteral("CLUSTER"), QStringLiteral("NODES")})
                             .contains("master,fail");
            }
        }
        if (!marked) {
            QThread::msleep(100);
            continue;
        }
        bool ok = true;
        for (auto& node : nodes_) {
            if (node && node->state() == QProcess::Running) {
                ok = ok && redisCli({QStringLiteral("-p"), node->arguments().at(1),
                                     QStringLiteral("CLUSTER"), QStringLiteral("INFO")})
                               .contains("cluster_state:ok");
            }
        }
        if (ok) {
            return true;
        }
        QThread::msleep(100);
    }
    return false;
}

QString BenchRedisCluster::start() {
    QStringList addresses;
    constexpr int kPortAttempts = 5;  // a picked port may be taken before redis-server binds
    for (int i = 0, attempt = 0; i < 6; ++attempt) {
        if (attempt >= 6 * kPortAttempts) {
            qFatal("redis-server (cluster node %d) did not start on %d ports", i, kPortAttempts);
        }
        const quint16 port = relay::RedisClusterPort::pick();
        if (port == 0) {
            qFatal("no free port (with its bus port + 10000) for a cluster node");
        }
        const QString dir = QDir(dir_).filePath(QStringLiteral("redis%1").arg(i));
        QDir().mkpath(dir);
        nodes_.push_back(startChild(
            QStringLiteral("redis-server"),
            {QStringLiteral("--port"), QString::number(port), QStringLiteral("--bind"),
             QStringLiteral("127.0.0.1"), QStringLiteral("--dir"), dir,
             QStringLiteral("--cluster-enabled"), QStringLiteral("yes"),
             QStringLiteral("--cluster-node-timeout"), QStringLiteral("1500"),
             QStringLiteral("--appendonly"), QStringLiteral("yes"), QStringLiteral("--appendfsync"),
             appendfsync_, QStringLiteral("--save"), QString()}));
        auto& node = nodes_.back();
        node->setReadChannel(QProcess::StandardOutput);
        QByteArray out;
        QElapsedTimer t;
        t.start();
        while (!out.contains("Ready to accept connections") && t.elapsed() < 10000 &&
               node->state() == QProcess::Running) {
            node->waitForReadyRead(100);
            out += node->readAllStandardOutput();
        }
        if (!out.contains("Ready to accept connections")) {
            std::fprintf(stderr, "redis-server on port %d did not start: %s\n", port,
                         out.right(300).constData());
            killChild(node);
            nodes_.pop_back();
            continue;  // another port
        }
        addresses << QStringLiteral("127.0.0.1:%1").arg(port);
        ++i;
    }
    QProcess create;
    create.setProcessChannelMode(QProcess::MergedChannels);
    create.start(QStringLiteral("redis-cli"),
                 QStringList{QStringLiteral("--cluster"), QStringLiteral("create")} + addresses +
                     QStringList{QStringLiteral("--cluster-replicas"), QStringLiteral("1"),
                                 QStringLiteral("--cluster-yes")});
    if (!create.waitForFinished(60000) || create.exitStatus() != QProcess::NormalExit ||
        create.exitCode() != 0) {
        qFatal("redis-cli --cluster create failed: %s", create.readAll().right(400).constData());
    }
    // Every node sees cluster_state:ok and every primary has its replica in sync.
    QElapsedTimer t;
    t.start();
    bool healthy = false;
    while (!healthy && t.elapsed() < 60000) {
        healthy = true;
        int replicas = 0;
        for (const QString& a : addresses) {
            const QStringList p{QStringLiteral("-p"), a.section(u':', -1)};
            healthy = healthy &&
                      redisCli(p + QStringList{QStringLiteral("CLUSTER"), QStringLiteral("INFO")})
                          .contains("cluster_state:ok");
            replicas += static_cast<int>(
                redisCli(p + QStringList{QStringLiteral("INFO"), QStringLiteral("replication")})
                    .count("state=online"));
        }
        healthy = healthy && replicas == 3;
        if (!healthy) {
            QThread::msleep(200);
        }
    }
    if (!healthy) {
        qFatal("the Redis Cluster did not become healthy in 60 s");
    }
    return QStringLiteral("redis-cluster://") + addresses.join(u',');
}

}  // namespace tandem::bench
