#include "app/localnet/LocalNet.h"

#include <csignal>
#include <sys/prctl.h>

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>
#include <QTimer>

namespace tandem::localnet {

namespace {

constexpr int kMaxRestarts = 20;

}  // namespace

LocalNet::LocalNet(LocalNetOptions options, QObject* parent)
    : QObject(parent), options_(std::move(options)) {}

LocalNet::~LocalNet() {
    stop();
}

QString LocalNet::networkFile() const {
    return options_.dir + QStringLiteral("/network.json");
}

bool LocalNet::writeJson(const QString& path, const QJsonObject& object) {
    QSaveFile file(path);  // temporary file + rename: readers never see half a file
    return file.open(QIODevice::WriteOnly) && file.write(QJsonDocument(object).toJson()) > 0 &&
           file.commit();
}

void LocalNet::start() {
    if (!QDir().mkpath(options_.dir)) {
        emit failed(QStringLiteral("cannot create %1").arg(options_.dir));
        return;
    }
    QFile stateFile(options_.dir + QStringLiteral("/localnet.json"));
    if (stateFile.open(QIODevice::ReadOnly)) {
        state_ = QJsonDocument::fromJson(stateFile.readAll()).object();
    }
    startRelay();
}

void LocalNet::startRelay() {
    relay_ = std::make_unique<QProcess>();
    relay_->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    // If tandem-localnet itself dies (SIGKILL, a crash), its daemons go with it instead of
    // lingering on their ports.
    relay_->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
    connect(relay_.get(), &QProcess::readyReadStandardOutput, this, &LocalNet::onRelayOutput);
    connect(relay_.get(), &QProcess::finished, this, &LocalNet::onRelayExited);
    const int port = state_.value(QStringLiteral("relay_port")).toInt(0);
    relay_->start(options_.binDir + QStringLiteral("/tandem-relayd"),
                  {QStringLiteral("--data"), options_.dir + QStringLiteral("/relay"),
                   QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port),
                   QStringLiteral("--verify"), QStringLiteral("none"),
                   QStringLiteral("--link-delay"), QString::number(options_.linkDelayMs)});
    if (!relay_->waitForStarted(10000)) {
        emit failed(QStringLiteral("cannot start %1/tandem-relayd").arg(options_.binDir));
    }
}

void LocalNet::onRelayOutput() {
    relayOutput_ += relay_->readAllStandardOutput();
    const qsizetype newline = relayOutput_.indexOf('\n');
    if (newline < 0) {
        return;
    }
    const QList<QByteArray> parts = relayOutput_.left(newline).trimmed().split(' ');
    relayOutput_.clear();
    if (parts.size() != 4 || parts[1] != "ready") {
        return;
    }
    const QString address = QString::fromLatin1(parts[2]);
    state_[QStringLiteral("relay_port")] = address.mid(address.lastIndexOf(u':') + 1).toInt();
    const QJsonObject relay{{QStringLiteral("address"), address},
                            {QStringLiteral("public_key"), QString::fromLatin1(parts[3])}};
    const QJsonObject network{{QStringLiteral("version"), 1}, {QStringLiteral("relay"), relay}};
    if (!writeJson(options_.dir + QStringLiteral("/localnet.json"), state_) ||
        !writeJson(networkFile(), network)) {
        emit failed(QStringLiteral("cannot write %1").arg(networkFile()));
        return;
    }
    if (!readyOnce_) {
        readyOnce_ = true;
        emit ready(networkFile());
    }
}

void LocalNet::onRelayExited() {
    if (stopping_) {
        return;
    }
    if (!readyOnce_ || ++restarts_ > kMaxRestarts) {
        emit failed(readyOnce_
                        ? QStringLiteral("tandem-relayd keeps failing")
                        : QStringLiteral("tandem-relayd could not start (is port %1 in use?)")
                              .arg(state_.value(QStringLiteral("relay_port")).toInt()));
        return;
    }
    qWarning("tandem-localnet: tandem-relayd exited; restarting it");
    QTimer::singleShot(500, this, [this] {
        if (!stopping_) {
            startRelay();
        }
    });
}

void LocalNet::stop() {
    stopping_ = true;
    if (relay_ && relay_->state() != QProcess::NotRunning) {
        relay_->terminate();
        if (!relay_->waitForFinished(5000)) {
            relay_->kill();
            relay_->waitForFinished(5000);
        }
    }
}

}  // namespace tandem::localnet
