// Real daemons for the tests: starts tandem-relayd as a child process on a loopback port
// picked at run time, with its own data folder, and can kill (SIGKILL) and restart it.
#pragma once

#include <memory>

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include "crypto/Primitives.h"
#include "transport/relay/RelayConnection.h"

namespace tandem::test {

class RelayProcess {
public:
    // `verify`: none, or file:… (the codes file is codesFile()).
    explicit RelayProcess(QString verify = QStringLiteral("none"));
    ~RelayProcess();

    // Starts (or restarts, reusing the data folder and, if it was set, the port).
    bool start();
    // More command-line options for the next start() (--idle-timeout 2, say).
    void setExtraArguments(QStringList args) { extra_ = std::move(args); }
    [[nodiscard]] qint64 pid() const;
    void kill();       // SIGKILL
    void terminate();  // SIGTERM and wait

    [[nodiscard]] quint16 port() const { return port_; }
    [[nodiscard]] const crypto::PublicKey& key() const { return key_; }
    [[nodiscard]] QString dataDir() const { return dir_.filePath(QStringLiteral("relay")); }
    [[nodiscard]] QString codesFile() const { return dir_.filePath(QStringLiteral("codes.txt")); }
    [[nodiscard]] transport::RelayEndpoint endpoint() const;
    // The last code the relay wrote for `phone` (file: verification).
    [[nodiscard]] QString lastCode(const QString& phone) const;
    // network.json for clients of this relay.
    [[nodiscard]] QString writeNetworkJson(const QString& path) const;

private:
    QTemporaryDir dir_;
    QString verify_;
    QStringList extra_;
    std::unique_ptr<QProcess> process_;
    quint16 port_ = 0;
    crypto::PublicKey key_{};
};

QString relaydPath();

// A tandem-node child process on `ip` (a 127.0.0.x address), port picked at first start and
// kept for restarts, with its own data folder.
class NodeProcess {
public:
    NodeProcess(QString ip, QString directoryFile, const crypto::PublicKey& networkKey);
    ~NodeProcess();

    // Starts with --audit FILE from now on (test instrumentation, AuditLog.h).
    void setAuditFile(const QString& file) { auditFile_ = file; }
    // More command-line options for the next start().
    void setExtraArguments(QStringList args) { extra_ = std::move(args); }
    [[nodiscard]] qint64 pid() const;

    bool start();
    void kill();  // SIGKILL
    void terminate();

    [[nodiscard]] QString address() const { return QStringLiteral("%1:%2").arg(ip_).arg(port_); }
    [[nodiscard]] const QString& ip() const { return ip_; }
    [[nodiscard]] QString dataDir() const { return dir_.filePath(QStringLiteral("node")); }
    [[nodiscard]] const crypto::PublicKey& identity() const { return key_; }
    [[nodiscard]] bool isRunning() const;

private:
    QTemporaryDir dir_;
    QString ip_;
    QString directoryFile_;
    QString auditFile_;
    QStringList extra_;
    crypto::PublicKey networkKey_{};
    std::unique_ptr<QProcess> process_;
    quint16 port_ = 0;
    crypto::PublicKey key_{};
};

QString nodePath();

// tandem-localnet --dir DIR started in `process`; true once it says it is ready.
bool startLocalnet(QProcess& process, const QString& dir, int timeoutMs = 30000,
                   const QStringList& extraArgs = {});
// scripts/demo-profiles.sh (at `script`): alice and bob in DEMO, on the network file given.
bool setUpDemoProfiles(const QString& script, const QString& demo, const QString& network);

// tandemctl run as `who` of the demo profiles in DEMO (its profile and passphrase file), to its
// end (fails the run after `timeoutMs`).
struct CtlRun {
    int status = -1;
    QString out;
    QString err;
};
QStringList demoProfileArgs(const QString& demo, const QString& who);
CtlRun demoCtl(const QString& demo, const QString& who, const QStringList& args,
               int timeoutMs = 120000);
// `who`'s Session ID, as `tandemctl whoami --json` says it ("" without one).
QString demoSessionId(const QString& demo, const QString& who);

}  // namespace tandem::test
