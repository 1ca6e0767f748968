#include "tests/support/Daemons.h"

#include <csignal>
#include <sys/prctl.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "tests/support/TestSupport.h"

namespace tandem::test {

namespace {

// Starts `program` as a child that dies with the test, and waits for its
// "<program> ready ADDRESS KEY" line: the port and the public key it reported.
std::unique_ptr<QProcess> startDaemon(const QString& program, const QStringList& args,
                                      quint16* port, crypto::PublicKey* key) {
    auto process = std::make_unique<QProcess>();
    process->setProcessChannelMode(QProcess::SeparateChannels);
    process->setReadChannel(QProcess::StandardOutput);
    // A test that crashes or times out takes its daemons with it.
    process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    process->start(program, args);
    if (!process->waitForStarted(10000)) {
        return process;
    }
    QByteArray line;
    QElapsedTimer clock;
    clock.start();
    while (!line.contains('\n') && clock.elapsed() < 15000) {
        if (!process->waitForReadyRead(500) && process->state() != QProcess::Running) {
            qWarning() << program << "exited:" << process->readAllStandardError();
            return process;
        }
        line += process->readLine();
    }
    const QList<QByteArray> parts = line.trimmed().split(' ');
    if (parts.size() != 4 || parts[1] != "ready") {
        qWarning() << program << "did not report ready:" << line << process->readAllStandardError();
        return process;
    }
    *port = static_cast<quint16>(parts[2].mid(parts[2].lastIndexOf(':') + 1).toUInt());
    const QByteArray bytes = QByteArray::fromHex(parts[3]);
    if (bytes.size() == 32) {
        std::copy(bytes.begin(), bytes.end(), key->begin());
    }
    return process;
}

}  // namespace

QString relaydPath() {
    return binDirOr(QStringLiteral("tandem-relayd"));
}

RelayProcess::RelayProcess(QString verify) : verify_(std::move(verify)) {
    if (verify_ == QLatin1String("file")) {
        verify_ = QStringLiteral("file:") + codesFile();
    }
}

RelayProcess::~RelayProcess() {
    terminate();
}

bool RelayProcess::start() {
    const quint16 asked = port_;
    port_ = 0;
    process_ =
        startDaemon(relaydPath(),
                    QStringList{QStringLiteral("--data"), dataDir(), QStringLiteral("--listen"),
                                QStringLiteral("127.0.0.1:%1").arg(asked),
                                QStringLiteral("--verify"), verify_} +
                        extra_,
                    &port_, &key_);
    return port_ != 0;
}

qint64 RelayProcess::pid() const {
    return process_ && process_->state() == QProcess::Running ? process_->processId() : 0;
}

void RelayProcess::kill() {
    if (process_ && process_->state() == QProcess::Running) {
        ::kill(static_cast<pid_t>(process_->processId()), SIGKILL);
        process_->waitForFinished(10000);
    }
}

void RelayProcess::terminate() {
    if (process_ && process_->state() == QProcess::Running) {
        process_->terminate();
        if (!process_->waitForFinished(10000)) {
            process_->kill();
            process_->waitForFinished(5000);
        }
    }
}

transport::RelayEndpoint RelayProcess::endpoint() const {
    return {QStringLiteral("127.0.0.1"), port_, key_, {}};
}

QString RelayProcess::lastCode(const QString& phone) const {
    QFile file(codesFile());
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    QString code;
    for (const QByteArray& line : file.readAll().split('\n')) {
        const QList<QByteArray> parts = line.split(' ');
        if (parts.size() == 2 && QString::fromLatin1(parts[0]) == phone) {
            code = QString::fromLatin1(parts[1]);
        }
    }
    return code;
}

QString RelayProcess::writeNetworkJson(const QString& path) const {
    const QJsonObject relay{
        {QStringLiteral("address"), QStringLiteral("127.0.0.1:%1").arg(port_)},
        {QStringLiteral("public_key"),
         QString::fromLatin1(
             QByteArray(reinterpret_cast<const char*>(key_.data()), 32).toHex())}};  // NOLINT
    const QJsonObject network{{QStringLiteral("version"), 1}, {QStringLiteral("relay"), relay}};
    writeFile(path, QJsonDocument(network).toJson());
    return path;
}

QString nodePath() {
    return binDirOr(QStringLiteral("tandem-node"));
}

NodeProcess::NodeProcess(QString ip, QString directoryFile, const crypto::PublicKey& networkKey)
    : ip_(std::move(ip)), directoryFile_(std::move(directoryFile)), networkKey_(networkKey) {}

NodeProcess::~NodeProcess() {
    terminate();
}

bool NodeProcess::isRunning() const {
    return process_ && process_->state() == QProcess::Running;
}

bool NodeProcess::start() {
    const QString listen = address();
    port_ = 0;
    QStringList args{
        QStringLiteral("--data"),
        dataDir(),
        QStringLiteral("--listen"),
        listen,
        QStringLiteral("--directory"),
        directoryFile_,
        QStringLiteral("--network-key"),
        QString::fromLatin1(
            QByteArray(reinterpret_cast<const char*>(networkKey_.data()), 32).toHex())};  // NOLINT
    if (!auditFile_.isEmpty()) {
        args << QStringLiteral("--audit") << auditFile_;
    }
    process_ = startDaemon(nodePath(), args + extra_, &port_, &key_);
    return port_ != 0;
}

qint64 NodeProcess::pid() const {
    return isRunning() ? process_->processId() : 0;
}

void NodeProcess::kill() {
    if (isRunning()) {
        ::kill(static_cast<pid_t>(process_->processId()), SIGKILL);
        process_->waitForFinished(10000);
    }
}

void NodeProcess::terminate() {
    if (isRunning()) {
        process_->terminate();
        if (!process_->waitForFinished(10000)) {
            process_->kill();
            process_->waitForFinished(5000);
        }
    }
}

bool startLocalnet(QProcess& process, const QString& dir, int timeoutMs,
                   const QStringList& extraArgs) {
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    // A test that crashes takes the network with it: SIGTERM, so that tandem-localnet stops
    // its relay and nodes too (a SIGKILL would leave them serving).
    process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
    process.start(binDirOr(QStringLiteral("tandem-localnet")),
                  QStringList{QStringLiteral("--dir"), dir} + extraArgs);
    if (!process.waitForStarted(10000)) {
        return false;
    }
    QByteArray out;
    QElapsedTimer clock;
    clock.start();
    while (!out.contains("ready") && clock.elapsed() < timeoutMs &&
           process.state() == QProcess::Running) {
        process.waitForReadyRead(200);
        out += process.readAllStandardOutput();
    }
    return out.contains("ready");
}

bool setUpDemoProfiles(const QString& script, const QString& demo, const QString& network) {
    if (!QDir().mkpath(demo)) {
        return false;
    }
    QProcess setup;
    setup.setProcessChannelMode(QProcess::ForwardedChannels);
    setup.start(
        QStringLiteral("bash"),
        {script, binDirOr(QStringLiteral("tandemctl")).section(u'/', 0, -2), demo, network});
    return setup.waitForFinished(120000) && setup.exitStatus() == QProcess::NormalExit &&
           setup.exitCode() == 0;
}

QStringList demoProfileArgs(const QString& demo, const QString& who) {
    return {QStringLiteral("--profile"), demo + u'/' + who, QStringLiteral("--passphrase-file"),
            demo + u'/' + who + QStringLiteral(".pass")};
}

CtlRun demoCtl(const QString& demo, const QString& who, const QStringList& args, int timeoutMs) {
    QProcess p;
    p.start(binDirOr(QStringLiteral("tandemctl")), demoProfileArgs(demo, who) + args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        qFatal("tandemctl timed out: %s", qPrintable(args.join(u' ')));
    }
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

QString demoSessionId(const QString& demo, const QString& who) {
    const CtlRun r = demoCtl(demo, who, {QStringLiteral("whoami"), QStringLiteral("--json")});
    for (const auto& a :
         QJsonDocument::fromJson(r.out.toUtf8()).object()[QStringLiteral("accounts")].toArray()) {
        if (a.toObject()[QStringLiteral("mode")].toString() == QLatin1String("session")) {
            return a.toObject()[QStringLiteral("session_id")].toString();
        }
    }
    return {};
}

}  // namespace tandem::test
