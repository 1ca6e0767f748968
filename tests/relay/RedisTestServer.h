// A real redis-server for the relay tests: a child process on a loopback port picked at run
// time, with its own folder and the durability tandem-relayd expects (appendonly yes,
// appendfsync always). kill() is SIGKILL; start() again reuses the folder (its AOF) and port.
// setExtraArguments() adds options (a Redis Cluster node's: RedisTestCluster.h).
#pragma once

#include <csignal>
#include <sys/prctl.h>

#include <QElapsedTimer>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>

#include "transport/relay/server/redis/RedisClusterPort.h"

namespace tandem::test {

class RedisTestServer {
public:
    // The redis-server binary, or empty when it is not installed.
    static QString binary() {
        return QStandardPaths::findExecutable(QStringLiteral("redis-server"));
    }

    ~RedisTestServer() { kill(); }

    bool start() {
        for (int attempt = 0; attempt < 5; ++attempt) {
            if (port_ == 0 || attempt > 0) {
                // A free port now; redis-server takes it a moment later. A cluster node's
                // must be <= 55535 with its bus port (+ 10000) free too.
                if (extra_.contains(QStringLiteral("--cluster-enabled"))) {
                    port_ = relay::RedisClusterPort::pick();
                    if (port_ == 0) {
                        return false;
                    }
                } else {
                    QTcpServer probe;
                    if (!probe.listen(QHostAddress::LocalHost, 0)) {
                        return false;
                    }
                    port_ = probe.serverPort();
                }
            }
            process_ = std::make_unique<QProcess>();
            process_->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
            process_->setProcessChannelMode(QProcess::MergedChannels);
            process_->start(
                binary(),
                QStringList{QStringLiteral("--port"), QString::number(port_),
                            QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                            QStringLiteral("--dir"), dir_.path(), QStringLiteral("--appendonly"),
                            QStringLiteral("yes"), QStringLiteral("--appendfsync"),
                            QStringLiteral("always"), QStringLiteral("--save"), QString(),
                            QStringLiteral("--daemonize"), QStringLiteral("no")} +
                    extra_);
            if (!process_->waitForStarted(5000)) {
                return false;
            }
            if (answers(5000)) {
                return true;
            }
            process_->kill();
            process_->waitForFinished(5000);
        }
        return false;
    }
    void kill() {
        if (process_ && process_->state() != QProcess::NotRunning) {
            process_->kill();
            process_->waitForFinished(5000);
        }
    }
    [[nodiscard]] quint16 port() const { return port_; }
    [[nodiscard]] bool running() const {
        return process_ && process_->state() == QProcess::Running;
    }
    void setExtraArguments(QStringList args) { extra_ = std::move(args); }
    // SIGSTOP / SIGCONT: a Redis that accepts connections and answers nothing (as one
    // overloaded, or behind a dead link), and back.
    void pause(bool stopped) {
        if (process_ && process_->state() == QProcess::Running) {
            ::kill(static_cast<pid_t>(process_->processId()), stopped ? SIGSTOP : SIGCONT);
        }
    }
    [[nodiscard]] QString url() const { return QStringLiteral("redis://127.0.0.1:%1").arg(port_); }

    // One command on a connection of its own; the raw RESP reply (empty on failure). For a
    // test to look at or break what the relay stored.
    QByteArray command(const QList<QByteArray>& args) const {
        QByteArray request = "*" + QByteArray::number(args.size()) + "\r\n";
        for (const QByteArray& a : args) {
            request += "$" + QByteArray::number(a.size()) + "\r\n" + a + "\r\n";
        }
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, port_);
        if (!s.waitForConnected(2000)) {
            return {};
        }
        s.write(request);
        QByteArray reply;
        // A reply is complete when it ends a line and nothing more comes for a moment.
        while (s.waitForReadyRead(reply.isEmpty() ? 2000 : 100)) {
            reply += s.readAll();
        }
        return reply;
    }

private:
    // PING answered with +PONG within `ms`.
    bool answers(int ms) {
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < ms && process_->state() == QProcess::Running) {
            QTcpSocket s;
            s.connectToHost(QHostAddress::LocalHost, port_);
            if (s.waitForConnected(200)) {
                s.write("PING\r\n");
                if (s.waitForReadyRead(500) && s.readAll().startsWith("+PONG")) {
                    return true;
                }
            }
            QThread::msleep(50);
        }
        return false;
    }

    QTemporaryDir dir_;
    QStringList extra_;
    std::unique_ptr<QProcess> process_;
    quint16 port_ = 0;
};

}  // namespace tandem::test
