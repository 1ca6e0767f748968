// LocalNet: the embedded local network (tandem-localnet). Runs each daemon as its own process
// with its own data folder under DIR, on loopback ports chosen at first start and kept in
// DIR/localnet.json, and writes DIR/network.json atomically once every daemon is ready. A
// daemon that dies is restarted (same port, same data). stop() ends them all.
// The network: one relay on 127.0.0.1 (or, with --relays N, N front-ends over a redis-server:
// LocalRelays.h) and N onion nodes, node i on 127.0.0.(10+i) so that
// addresses mean something, in swarms of three. The network key (DIR/network.key) signs the
// node directory (DIR/directory.bin, which the nodes read), and network.json carries the
// network key and the signed directory; an unchanged network keeps the same directory bytes.
// The same network as a link (tandem://network/…, signed with the network key; Links.h) goes
// to DIR/network.link, for pasting into the app or tandemctl instead of a file's path. A
// relay-only network (no nodes) has a network key too, for signing its link.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QProcess>
#include <QString>

#include "app/localnet/LocalRelays.h"
#include "crypto/Primitives.h"

namespace tandem::localnet {

struct LocalNetOptions {
    QString dir;
    QString binDir;             // where tandem-relayd is
    int linkDelayMs = 0;        // emulated delay on every link (each daemon, each direction)
    int nodes = 9;              // onion nodes (0: the relay only)
    int relays = 0;             // relay front-ends over a redis-server (0: one relay, no Redis)
    bool redisCluster = false;  // …over a 6-node Redis Cluster instead (LocalRedisCluster.h)
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
    [[nodiscard]] QString linkFile() const;
    // The network's link as last written (empty before ready(), or if the network is too large
    // for one: then only network.json is there).
    [[nodiscard]] QString networkLink() const { return link_; }
    // The network key's fingerprint, for people to compare (Links.h keyFingerprint).
    [[nodiscard]] QString networkKeyFingerprint() const;

signals:
    void ready(const QString& networkFile);
    void failed(const QString& reason);

private:
    struct Node {
        std::unique_ptr<QProcess> process;
        QByteArray output;
        QString address;
        QString key;  // Ed25519, hex
        int restarts = 0;
    };
    void startNode(std::size_t index);
    void onNodeOutput(std::size_t index);
    void onNodeExited(std::size_t index);
    void publish();
    QByteArray networkKeyHex();
    bool writeJson(const QString& path, const QJsonObject& object);
    bool writeLink(const QJsonObject& network);
    bool restartLater(const QString& what, int& restarts, std::function<void()> again);

    LocalNetOptions options_;
    QJsonObject state_;
    std::unique_ptr<LocalRelays> relays_;
    std::vector<Node> nodes_;
    std::optional<crypto::Ed25519KeyPair> networkKey_;
    QByteArray networkKeyHex_;
    QString link_;
    bool stopping_ = false;
    bool readyOnce_ = false;
};

}  // namespace tandem::localnet
