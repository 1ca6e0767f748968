#include "app/localnet/LocalRelays.h"

#include <csignal>
#include <sys/prctl.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QStandardPaths>
#include <QTcpServer>

#include "app/localnet/LocalNet.h"

namespace tandem::localnet {

LocalRelays::LocalRelays(const LocalNetOptions& options, QJsonObject& state, Restart restart)
    : options_(options), state_(state), restart_(std::move(restart)), count_(options.relays) {
    relays_.resize(static_cast<std::size_t>(std::max(1, count_)));
}

LocalRelays::~LocalRelays() = default;

std::vector<QProcess*> LocalRelays::processes() const {
    std::vector<QProcess*> out;
    for (const Daemon* d : {&redis_}) {
        if (d->process) {
            out.push_back(d->process.get());
        }
    }
    if (cluster_) {
        const auto nodes = cluster_->processes();
        out.insert(out.end(), nodes.begin(), nodes.end());
    }
    for (const Daemon& d : relays_) {
        if (d.process) {
            out.push_back(d.process.get());
        }
    }
    return out;
}

QString LocalRelays::relayDir(std::size_t i) const {
    return options_.dir +
           (i == 0 ? QStringLiteral("/relay") : QStringLiteral("/relay%1").arg(i + 1));
}

std::unique_ptr<QProcess> LocalRelays::child(const QString& program, const QStringList& args) {
    auto p = std::make_unique<QProcess>();
    p->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    // If tandem-localnet itself dies (SIGKILL, a crash), its daemons go with it instead of
    // lingering on their ports.
    p->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
    p->start(program, args);
    return p;
}

void LocalRelays::start() {
    if (withRedis() && options_.redisCluster) {
        cluster_ = std::make_unique<LocalRedisCluster>(
            options_.dir + QStringLiteral("/redis-cluster"), state_, restart_);
        connect(cluster_.get(), &LocalRedisCluster::failed, this, &LocalRelays::failed);
        connect(cluster_.get(), &LocalRedisCluster::ready, this, [this] {
            if (!relays_[0].process) {
                startRelay(0);
            }
        });
        cluster_->start();
    } else if (withRedis()) {
        startRedis();
    } else {
        startRelay(0);
    }
}

void LocalRelays::startRedis() {
    const QString program = QStandardPaths::findExecutable(QStringLiteral("redis-server"));
    if (program.isEmpty()) {
        emit failed(QStringLiteral("--relays needs redis-server (scripts/setup-deps.sh)"));
        return;
    }
    int port = state_.value(QStringLiteral("redis_port")).toInt(0);
    if (port == 0) {  // a free port now, kept from here on
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost, 0)) {
            emit failed(QStringLiteral("no free port for redis-server"));
            return;
        }
        port = probe.serverPort();
        state_[QStringLiteral("redis_port")] = port;
    }
    const QString dir = options_.dir + QStringLiteral("/redis");
    QDir().mkpath(dir);
    redisReady_ = false;
    redis_.output.clear();
    redis_.address = QStringLiteral("127.0.0.1:%1").arg(port);
    redis_.process = child(
        program,
        {QStringLiteral("--port"), QString::number(port), QStringLiteral("--bind"),
         QStringLiteral("127.0.0.1"), QStringLiteral("--dir"), dir, QStringLiteral("--appendonly"),
         QStringLiteral("yes"), QStringLiteral("--appendfsync"), QStringLiteral("always"),
         QStringLiteral("--save"), QString(), QStringLiteral("--daemonize"), QStringLiteral("no")});
    connect(redis_.process.get(), &QProcess::readyReadStandardOutput, this,
            &LocalRelays::onRedisOutput);
    connect(redis_.process.get(), &QProcess::finished, this, [this] {
        if (!stopping_) {
            restart_(QStringLiteral("redis-server"), redis_.restarts, [this] { startRedis(); });
        }
    });
}

void LocalRelays::onRedisOutput() {
    redis_.output += redis_.process->readAllStandardOutput();
    if (redisReady_ || !redis_.output.contains("Ready to accept connections")) {
        if (redis_.output.size() > 65536) {
            redis_.output = redis_.output.right(4096);
        }
        return;
    }
    redisReady_ = true;
    redis_.output.clear();
    if (!relays_[0].process) {  // the first start; a restarted Redis keeps its front-ends
        startRelay(0);
    }
}

void LocalRelays::startRelay(std::size_t i) {
    Daemon& d = relays_[i];
    d.output.clear();
    const QJsonArray ports = state_.value(QStringLiteral("relay_ports")).toArray();
    const int port = i == 0 ? state_.value(QStringLiteral("relay_port")).toInt(0)
                            : ports.at(static_cast<qsizetype>(i)).toInt(0);
    QStringList args{QStringLiteral("--data"),       relayDir(i),
                     QStringLiteral("--listen"),     QStringLiteral("127.0.0.1:%1").arg(port),
                     QStringLiteral("--verify"),     QStringLiteral("none"),
                     QStringLiteral("--link-delay"), QString::number(options_.linkDelayMs)};
    if (withRedis()) {
        if (cluster_) {
            // A batch of sends is `accepted` once the shard's replica has it too.
            args << QStringLiteral("--store") << cluster_->url() << QStringLiteral("--redis-wait")
                 << QStringLiteral("1");
        } else {
            args << QStringLiteral("--store") << QStringLiteral("redis://") + redis_.address;
        }
        if (i > 0) {  // the first front-end's key: one relay identity for the clients
            const QString key = relayDir(i) + QStringLiteral("/relay.key");
            QDir().mkpath(relayDir(i));
            QFile::setPermissions(relayDir(i),
                                  QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
            if (!QFile::exists(key) &&
                !QFile::copy(relayDir(0) + QStringLiteral("/relay.key"), key)) {
                emit failed(QStringLiteral("cannot copy the relay key to %1").arg(relayDir(i)));
                return;
            }
        }
    }
    d.process = child(options_.binDir + QStringLiteral("/tandem-relayd"), args);
    connect(d.process.get(), &QProcess::readyReadStandardOutput, this,
            [this, i] { onRelayOutput(i); });
    connect(d.process.get(), &QProcess::finished, this, [this, i] {
        if (!stopping_) {
            restart_(QStringLiteral("tandem-relayd %1").arg(i + 1), relays_[i].restarts,
                     [this, i] { startRelay(i); });
        }
    });
    if (!d.process->waitForStarted(10000)) {
        emit failed(QStringLiteral("cannot start %1/tandem-relayd").arg(options_.binDir));
    }
}

void LocalRelays::onRelayOutput(std::size_t i) {
    Daemon& d = relays_[i];
    d.output += d.process->readAllStandardOutput();
    const qsizetype newline = d.output.indexOf('\n');
    if (newline < 0) {
        return;
    }
    const QList<QByteArray> parts = d.output.left(newline).trimmed().split(' ');
    d.output.clear();
    if (parts.size() != 4 || parts[1] != "ready") {
        return;
    }
    const bool first = d.address.isEmpty();
    d.address = QString::fromLatin1(parts[2]);
    d.key = QString::fromLatin1(parts[3]);
    const int port = d.address.mid(d.address.lastIndexOf(u':') + 1).toInt();
    if (i == 0) {
        state_[QStringLiteral("relay_port")] = port;
    } else {
        QJsonArray ports = state_.value(QStringLiteral("relay_ports")).toArray();
        while (ports.size() <= static_cast<qsizetype>(i)) {
            ports.append(0);
        }
        ports[static_cast<qsizetype>(i)] = port;
        state_[QStringLiteral("relay_ports")] = ports;
    }
    if (i == 0 && first) {  // the key exists now: the other front-ends share it
        for (std::size_t k = 1; k < relays_.size(); ++k) {
            startRelay(k);
        }
    }
    update();
}

void LocalRelays::update() {
    QJsonArray more;
    for (std::size_t i = 0; i < relays_.size(); ++i) {
        if (relays_[i].address.isEmpty()) {
            return;  // not every front-end is up yet
        }
        if (relays_[i].key != relays_[0].key) {
            emit failed(QStringLiteral("the relay front-ends have different keys"));
            return;
        }
        if (i > 0) {
            more.append(relays_[i].address);
        }
    }
    QJsonObject info{{QStringLiteral("address"), relays_[0].address},
                     {QStringLiteral("public_key"), relays_[0].key}};
    if (!more.isEmpty()) {
        info[QStringLiteral("more_addresses")] = more;
    }
    info_ = info;
    emit changed();
}

}  // namespace tandem::localnet
