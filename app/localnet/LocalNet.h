// LocalNet: the embedded local network (tandem-localnet). Runs each daemon as its own process
// with its own data folder under DIR, on loopback ports chosen at first start and kept in
// DIR/localnet.json, and writes DIR/network.json atomically once every daemon is ready. A
// daemon that dies is restarted (same port, same data). stop() ends them all.
// Today the network is the relay; Session mode's onion nodes join it with their issue.
#pragma once

#include <memory>

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QProcess>
#include <QString>

namespace tandem::localnet {

struct LocalNetOptions {
    QString dir;
    QString binDir;       // where tandem-relayd is
    int linkDelayMs = 0;  // emulated delay on every link (each daemon, each direction)
};

class LocalNet : public QObject {
    Q_OBJECT
public:
    explicit LocalNet(LocalNetOptions options, QObject* parent = nullptr);
    ~LocalNet() override;

    void start();
    // Terminates every daemon (SIGTERM, then SIGKILL after 5 s) and waits for them.
    void stop();
    [[nodiscard]] QString networkFile() const;

signals:
    void ready(const QString& networkFile);
    void failed(const QString& reason);

private:
    void startRelay();
    void onRelayOutput();
    void onRelayExited();
    bool writeJson(const QString& path, const QJsonObject& object);

    LocalNetOptions options_;
    QJsonObject state_;
    std::unique_ptr<QProcess> relay_;
    QByteArray relayOutput_;
    bool stopping_ = false;
    bool readyOnce_ = false;
    int restarts_ = 0;
};

}  // namespace tandem::localnet
