// relay_bench: tandem-relayd side by side with mosquitto (Debian's MQTT broker, QoS 1,
// persistence on), in one run, the same payloads between two clients on this machine.
//
//   throughput  N messages, W in flight: each persisted (the relay's `accepted`, the broker's
//               PUBACK) and delivered to the receiver, which acknowledges it.
//   latency     one-way, send call → received by the receiving client, at a steady rate R.
//   durability  the receiver offline; N persisted; the server SIGKILLed and restarted; what
//               the receiver then gets (lost, duplicated).
//   end to end  two real profiles (Store + Messenger, SQLCipher) through tandem-relayd:
//               sendText → the recipient has it decrypted and stored; p50 / p99.
//
// Relay and broker runs alternate (--reps), so both see the same machine conditions; the
// table gives medians with min … max. Every server listens on 127.0.0.1 only.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <mosquitto.h>
#include <mutex>
#include <sodium.h>
#include <sys/prctl.h>
#include <thread>
#include <vector>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTimer>

#include "app/core/Await.h"
#include "app/core/Messenger.h"
#include "app/core/NetworkConfig.h"
#include "app/core/signal/SignalRegistration.h"
#include "bench/BenchSupport.h"
#include "crypto/signal/Identity.h"
#include "storage/Store.h"
#include "tandem/relay.pb.h"
#include "transport/relay/RelayConnection.h"

using namespace tandem;
using proto::relay::ClientFrame;
using transport::RelayConnection;
using transport::RelayEndpoint;
using transport::RelayReply;

using namespace tandem::bench;

namespace {

struct Options {
    int messages = 50000;
    int window = 1000;
    int payload = 400;  // a short text, sealed and padded, is about this size
    int rate = 5000;
    int latencySeconds = 3;
    int reps = 3;
    int durabilityMessages = 20000;
    int e2eMessages = 400;
    QString binDir;
};

// Counts receptions per sequence number: lost, duplicated.
class Tally {
public:
    explicit Tally(std::size_t n) : seen_(n) {}
    // Returns true the first time `seq` arrives.
    bool record(std::uint64_t seq) {
        if (seq >= seen_.size()) {
            stray_.fetch_add(1);
            return false;
        }
        const int before = seen_[seq].fetch_add(1);
        total_.fetch_add(1);
        return before == 0;
    }
    [[nodiscard]] std::int64_t total() const { return total_.load(); }
    [[nodiscard]] std::int64_t unique() const {
        std::int64_t n = 0;
        for (const auto& s : seen_) {
            n += s.load() > 0 ? 1 : 0;
        }
        return n;
    }
    [[nodiscard]] std::int64_t duplicates() const { return total() - unique(); }

private:
    std::vector<std::atomic<int>> seen_;
    std::atomic<std::int64_t> total_{0};
    std::atomic<std::int64_t> stray_{0};
};

quint16 freePort() {
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

bool waitForPort(quint16 port, int timeoutMs) {
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, port);
        if (s.waitForConnected(200)) {
            return true;
        }
        QThread::msleep(20);
    }
    return false;
}

// ---- tandem-relayd ------------------------------------------------------------------------

class Relayd {
public:
    explicit Relayd(QString binDir) : binDir_(std::move(binDir)) {}
    ~Relayd() { stopChild(process_); }

    void start() {
        const QString listen =
            QStringLiteral("127.0.0.1:%1").arg(endpoint_.port == 0 ? 0 : endpoint_.port);
        process_ = startChild(binDir_ + QStringLiteral("/tandem-relayd"),
                              {QStringLiteral("--data"), dir_.filePath(QStringLiteral("relay")),
                               QStringLiteral("--listen"), listen, QStringLiteral("--verify"),
                               QStringLiteral("none")});
        process_->setReadChannel(QProcess::StandardOutput);
        QElapsedTimer t;
        t.start();
        while (!process_->canReadLine() && t.elapsed() < 10000) {
            process_->waitForReadyRead(100);
        }
        const QStringList ready = QString::fromUtf8(process_->readLine()).trimmed().split(u' ');
        if (ready.size() != 4 || ready[1] != QLatin1String("ready")) {
            qFatal("tandem-relayd did not start");
        }
        endpoint_.host = QStringLiteral("127.0.0.1");
        endpoint_.port = static_cast<quint16>(ready[2].section(u':', -1).toUInt());
        const QByteArray key = QByteArray::fromHex(ready[3].toLatin1());
        std::copy(key.begin(), key.end(), endpoint_.relayKey.begin());
    }
    void kill() { killChild(process_); }
    void stop() { stopChild(process_); }
    [[nodiscard]] const RelayEndpoint& endpoint() const { return endpoint_; }

    QString writeNetworkJson() const {
        const QString path = dir_.filePath(QStringLiteral("network.json"));
        QFile f(path);
        f.open(QIODevice::WriteOnly);
        f.write(
            QStringLiteral(R"({"version":1,"relay":{"address":"127.0.0.1:%1","public_key":"%2"}})")
                .arg(endpoint_.port)
                .arg(QString::fromLatin1(
                    QByteArray(reinterpret_cast<const char*>(endpoint_.relayKey.data()), 32)
                        .toHex()))
                .toUtf8());
        return path;
    }

private:
    QString binDir_;
    QTemporaryDir dir_;
    std::unique_ptr<QProcess> process_;
    RelayEndpoint endpoint_;
};

RelayConnection* connectTo(const RelayEndpoint& endpoint, QObject* parent) {
    auto* c = new RelayConnection(endpoint, parent);
    bool ready = false;
    QObject::connect(c, &RelayConnection::ready, [&ready] { ready = true; });
    c->open();
    if (!core::spinUntil([&] { return ready; }, 10000)) {
        qFatal("cannot connect to tandem-relayd");
    }
    return c;
}

// The receiving side: a registered account, authenticated; acknowledges each delivery frame
// once it has counted it (as a client does once the messages are committed).
struct RelayReceiver {
    QString phone;
    std::string password = std::string(32, 'p');
    std::string accessKey = std::string(16, 'k');
    RelayConnection* connection = nullptr;
    ClientFrame acks;
    bool ackScheduled = false;

    void registerAt(const RelayEndpoint& endpoint, QObject* parent) {
        RelayConnection* c = connectTo(endpoint, parent);
        ClientFrame f;
        auto* r = f.mutable_register_();
        r->set_phone(phone.toStdString());
        r->set_identity_key(
            crypto::toString(crypto::signal::IdentityKeyPair::generate().publicKey().ed25519));
        r->set_password(password);
        r->set_access_key(accessKey);
        const RelayReply reply = core::awaitFuture(c->request(f));
        if (!reply || !reply->has_registered()) {
            qFatal("registration failed");
        }
        c->close();
        c->deleteLater();
    }

    void connect(const RelayEndpoint& endpoint, QObject* parent, Tally& tally,
                 std::vector<std::int64_t>* latencies) {
        connection = connectTo(endpoint, parent);
        // Acknowledgements are batched as RelayTransport batches them: one frame once the
        // deliveries waiting to be read are all read.
        QObject::connect(connection, &RelayConnection::delivered,
                         [this, &tally, latencies](const proto::relay::Delivery& d) {
                             const std::int64_t now = nowNs();
                             for (const auto& e : d.envelopes()) {
                                 const auto [sent, seq] =
                                     readPayload(e.envelope().data(), e.envelope().size());
                                 if (tally.record(seq) && latencies != nullptr) {
                                     latencies->push_back(now - sent);
                                 }
                                 acks.mutable_ack()->add_ids(e.id());
                             }
                             if (!ackScheduled) {
                                 ackScheduled = true;
                                 QMetaObject::invokeMethod(
                                     connection,
                                     [this] {
                                         ackScheduled = false;
                                         // At most 1000 ids a frame (the relay's limit).
                                         ClientFrame frame;
                                         for (const auto id : acks.ack().ids()) {
                                             frame.mutable_ack()->add_ids(id);
                                             if (frame.ack().ids_size() == 1000) {
                                                 connection->post(frame);
                                                 frame.Clear();
                                             }
                                         }
                                         if (frame.has_ack()) {
                                             connection->post(frame);
                                         }
                                         acks.Clear();
                                     },
                                     Qt::QueuedConnection);
                             }
                         });
        ClientFrame auth;
        auth.mutable_authenticate()->set_phone(phone.toStdString());
        auth.mutable_authenticate()->set_password(password);
        const RelayReply reply = core::awaitFuture(connection->request(auth));
        if (!reply || !reply->has_ok()) {
            qFatal("authentication failed");
        }
    }

    void disconnect() {
        if (connection != nullptr) {
            connection->close();
            connection->deleteLater();
            connection = nullptr;
        }
    }
};

// Sends round-robin over `connections`: the relay holds each connection to 20 000 requests/s
// (abuse control), so the throughput load comes from several senders, as it would.
struct RelaySender {
    std::vector<RelayConnection*> connections;
    std::int64_t accepted = 0;
    std::int64_t failed = 0;
    int inFlight = 0;
    std::size_t next = 0;

    static RelaySender open(const RelayEndpoint& endpoint, QObject* parent, int count) {
        RelaySender s;
        for (int i = 0; i < count; ++i) {
            s.connections.push_back(connectTo(endpoint, parent));
        }
        return s;
    }

    void send(const RelayReceiver& to, std::string payload) {
        ClientFrame f;
        f.mutable_send()->set_recipient(to.phone.toStdString());
        f.mutable_send()->set_access_key(to.accessKey);
        f.mutable_send()->set_envelope(std::move(payload));
        ++inFlight;
        RelayConnection* c = connections[next++ % connections.size()];
        c->request(std::move(f)).then(c, [this](RelayReply r) {
            --inFlight;
            if (r && r->has_accepted()) {
                ++accepted;
            } else {
                ++failed;
            }
        });
    }

    void close() {
        for (RelayConnection* c : connections) {
            c->close();
        }
    }
};

constexpr int kSenderConnections = 4;

struct Result {
    double throughput = 0;  // messages/s
    Percentiles latency;
    std::int64_t lost = 0;
    std::int64_t duplicated = 0;
};

Result relayThroughput(const Options& o, Relayd& relay, int run) {
    QObject scope;
    RelayReceiver bob{QStringLiteral("+1555%1").arg(2000000 + run)};
    bob.registerAt(relay.endpoint(), &scope);
    Tally tally(static_cast<std::size_t>(o.messages));
    bob.connect(relay.endpoint(), &scope, tally, nullptr);
    RelaySender alice = RelaySender::open(relay.endpoint(), &scope, kSenderConnections);

    const std::int64_t start = nowNs();
    std::uint64_t next = 0;
    const auto pump = [&] {
        while (alice.inFlight < o.window && next < static_cast<std::uint64_t>(o.messages)) {
            alice.send(bob, makePayload(o.payload, next++, nowNs()));
        }
    };
    QTimer pumpTimer;
    QObject::connect(&pumpTimer, &QTimer::timeout, pump);
    pumpTimer.start(0);
    core::spinUntil(
        [&] { return alice.accepted + alice.failed == o.messages && tally.unique() == o.messages; },
        300000);
    const std::int64_t elapsed = nowNs() - start;
    pumpTimer.stop();
    Result r;
    r.throughput = static_cast<double>(o.messages) / (static_cast<double>(elapsed) / 1e9);
    r.lost = o.messages - tally.unique();
    r.duplicated = tally.duplicates();
    if (alice.failed > 0) {
        std::fprintf(stderr, "relay: %lld sends failed\n", static_cast<long long>(alice.failed));
    }
    bob.disconnect();
    alice.close();
    return r;
}

// The sender runs on a thread of its own, sending each message at its due time (as the
// mosquitto publisher does); the receiver runs on the main thread (as mosquitto's subscriber
// has its own).
Result relayLatency(const Options& o, Relayd& relay, int run) {
    QObject scope;
    RelayReceiver bob{QStringLiteral("+1555%1").arg(3000000 + run)};
    bob.registerAt(relay.endpoint(), &scope);
    const int total = o.rate * o.latencySeconds;
    Tally tally(static_cast<std::size_t>(total));
    std::vector<std::int64_t> latencies;
    latencies.reserve(static_cast<std::size_t>(total));
    bob.connect(relay.endpoint(), &scope, tally, &latencies);

    std::unique_ptr<QThread> sender(QThread::create([&] {
        QObject senderScope;
        RelaySender alice = RelaySender::open(relay.endpoint(), &senderScope, 1);
        const std::int64_t start = nowNs();
        const double intervalNs = 1e9 / o.rate;
        for (int i = 0; i < total; ++i) {
            const std::int64_t due = start + static_cast<std::int64_t>(i * intervalNs);
            while (nowNs() < due) {
                QCoreApplication::processEvents();
                std::this_thread::sleep_for(std::chrono::microseconds(50));
            }
            alice.send(bob, makePayload(o.payload, static_cast<std::uint64_t>(i), nowNs()));
            QCoreApplication::processEvents();  // writes it now
        }
        core::spinUntil([&] { return alice.accepted + alice.failed == total; }, 60000);
        alice.close();
    }));
    sender->start();
    core::spinUntil([&] { return sender->isFinished() && tally.unique() == total; }, 150000);
    sender->wait();
    Result r;
    r.latency = percentiles(latencies);
    r.lost = total - tally.unique();
    bob.disconnect();
    return r;
}

Result relayDurability(const Options& o, Relayd& relay) {
    QObject scope;
    RelayReceiver bob{QStringLiteral("+15554000000")};
    bob.registerAt(relay.endpoint(), &scope);
    RelaySender alice = RelaySender::open(relay.endpoint(), &scope, kSenderConnections);
    const int n = o.durabilityMessages;
    std::uint64_t next = 0;
    QTimer pumpTimer;
    QObject::connect(&pumpTimer, &QTimer::timeout, [&] {
        while (alice.inFlight < o.window && next < static_cast<std::uint64_t>(n)) {
            alice.send(bob, makePayload(o.payload, next++, nowNs()));
        }
    });
    pumpTimer.start(0);
    core::spinUntil([&] { return alice.accepted + alice.failed == n; }, 120000);
    pumpTimer.stop();
    const std::int64_t accepted = alice.accepted;
    alice.close();
    relay.kill();  // SIGKILL right after the last acceptance
    relay.start();
    Tally tally(static_cast<std::size_t>(n));
    bob.connect(relay.endpoint(), &scope, tally, nullptr);
    std::int64_t last = -1;
    QElapsedTimer quiet;
    quiet.start();
    core::spinUntil(
        [&] {
            if (tally.total() != last) {
                last = tally.total();
                quiet.restart();
            }
            return quiet.elapsed() > 2000;
        },
        120000);
    Result r;
    r.lost = accepted - tally.unique();
    r.duplicated = tally.duplicates();
    bob.disconnect();
    return r;
}

// ---- mosquitto ------------------------------------------------------------------------------

class Mosquitto {
public:
    Mosquitto() {
        port_ = freePort();
        const QString conf = dir_.filePath(QStringLiteral("mosquitto.conf"));
        QFile f(conf);
        f.open(QIODevice::WriteOnly);
        // Persistence on, as a durable deployment would run it; queues large enough that it
        // never drops a message for a slow subscriber (its default of 1000 would).
        f.write(QStringLiteral("listener %1 127.0.0.1\n"
                               "allow_anonymous true\n"
                               "persistence true\n"
                               "persistence_location %2/\n"
                               "max_inflight_messages 1000\n"
                               "max_queued_messages 0\n"
                               "log_dest none\n")
                    .arg(port_)
                    .arg(dir_.path())
                    .toUtf8());
        conf_ = conf;
    }
    ~Mosquitto() { stopChild(process_); }

    void start() {
        process_ = startChild(QStringLiteral("/usr/sbin/mosquitto"), {QStringLiteral("-c"), conf_});
        if (!waitForPort(port_, 10000)) {
            qFatal("mosquitto did not start");
        }
    }
    void kill() { killChild(process_); }
    void stop() { stopChild(process_); }
    [[nodiscard]] int port() const { return port_; }

private:
    QTemporaryDir dir_;
    QString conf_;
    quint16 port_ = 0;
    std::unique_ptr<QProcess> process_;
};

// One libmosquitto client with its network thread.
class MqttClient {
public:
    MqttClient(const char* id, bool cleanSession) {
        mosq_ = mosquitto_new(id, cleanSession, this);
        mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
        mosquitto_connect_callback_set(mosq_, [](mosquitto*, void* self, int rc) {
            auto* c = static_cast<MqttClient*>(self);
            c->connected_.store(rc == 0 ? 1 : -1);
        });
        mosquitto_subscribe_callback_set(mosq_, [](mosquitto*, void* self, int, int, const int*) {
            static_cast<MqttClient*>(self)->subscribed_.store(true);
        });
        mosquitto_publish_callback_set(mosq_, [](mosquitto*, void* self, int) {
            static_cast<MqttClient*>(self)->acked_.fetch_add(1);
        });
        mosquitto_message_callback_set(
            mosq_, [](mosquitto*, void* self, const mosquitto_message* m) {
                auto* c = static_cast<MqttClient*>(self);
                const std::int64_t now = nowNs();
                if (c->onMessage_) {
                    c->onMessage_(static_cast<const char*>(m->payload),
                                  static_cast<std::size_t>(m->payloadlen), now);
                }
            });
    }
    ~MqttClient() {
        disconnect();
        mosquitto_destroy(mosq_);
    }
    MqttClient(const MqttClient&) = delete;
    MqttClient& operator=(const MqttClient&) = delete;

    void setInflight(int n) {
        mosquitto_max_inflight_messages_set(mosq_, static_cast<unsigned>(n));
    }
    void onMessage(std::function<void(const char*, std::size_t, std::int64_t)> f) {
        onMessage_ = std::move(f);
    }

    bool connect(int port) {
        connected_.store(0);
        if (mosquitto_connect(mosq_, "127.0.0.1", port, 60) != MOSQ_ERR_SUCCESS ||
            mosquitto_loop_start(mosq_) != MOSQ_ERR_SUCCESS) {
            return false;
        }
        running_ = true;
        return waitFor([&] { return connected_.load() != 0; }) && connected_.load() == 1;
    }
    bool subscribe(const char* topic) {
        subscribed_.store(false);
        return mosquitto_subscribe(mosq_, nullptr, topic, 1) == MOSQ_ERR_SUCCESS &&
               waitFor([&] { return subscribed_.load(); });
    }
    int publish(const std::string& payload) {
        return mosquitto_publish(mosq_, nullptr, "bench/bob", static_cast<int>(payload.size()),
                                 payload.data(), 1, false);
    }
    void disconnect() {
        if (running_) {
            mosquitto_disconnect(mosq_);
            mosquitto_loop_stop(mosq_, false);
            running_ = false;
        }
    }
    [[nodiscard]] std::int64_t acked() const { return acked_.load(); }

    template <class F>
    static bool waitFor(F done, int timeoutMs = 10000) {
        const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
        while (!done()) {
            if (Clock::now() > deadline) {
                return false;
            }
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
        return true;
    }

private:
    mosquitto* mosq_ = nullptr;
    bool running_ = false;
    std::atomic<int> connected_{0};
    std::atomic<bool> subscribed_{false};
    std::atomic<std::int64_t> acked_{0};
    std::function<void(const char*, std::size_t, std::int64_t)> onMessage_;
};

Result mosquittoThroughput(const Options& o, Mosquitto& broker, int run) {
    Tally tally(static_cast<std::size_t>(o.messages));
    const std::string subId = "bench-sub-t" + std::to_string(run);
    MqttClient sub(subId.c_str(), false);
    sub.onMessage([&](const char* data, std::size_t size, std::int64_t) {
        tally.record(readPayload(data, size).second);
    });
    MqttClient pub(("bench-pub-t" + std::to_string(run)).c_str(), true);
    pub.setInflight(o.window);
    if (!sub.connect(broker.port()) || !sub.subscribe("bench/bob") || !pub.connect(broker.port())) {
        qFatal("mosquitto clients cannot connect");
    }
    const std::int64_t start = nowNs();
    for (int i = 0; i < o.messages; ++i) {
        while (i - pub.acked() >= o.window) {
            std::this_thread::sleep_for(std::chrono::microseconds(20));
        }
        pub.publish(makePayload(o.payload, static_cast<std::uint64_t>(i), nowNs()));
    }
    MqttClient::waitFor([&] { return pub.acked() == o.messages && tally.unique() == o.messages; },
                        300000);
    const std::int64_t elapsed = nowNs() - start;
    Result r;
    r.throughput = static_cast<double>(o.messages) / (static_cast<double>(elapsed) / 1e9);
    r.lost = o.messages - tally.unique();
    r.duplicated = tally.duplicates();
    pub.disconnect();
    sub.disconnect();
    return r;
}

Result mosquittoLatency(const Options& o, Mosquitto& broker, int run) {
    const int total = o.rate * o.latencySeconds;
    Tally tally(static_cast<std::size_t>(total));
    std::vector<std::int64_t> latencies;
    latencies.reserve(static_cast<std::size_t>(total));
    std::mutex m;
    MqttClient sub(("bench-sub-l" + std::to_string(run)).c_str(), false);
    sub.onMessage([&](const char* data, std::size_t size, std::int64_t now) {
        const auto [sent, seq] = readPayload(data, size);
        if (tally.record(seq)) {
            const std::lock_guard lock(m);
            latencies.push_back(now - sent);
        }
    });
    MqttClient pub(("bench-pub-l" + std::to_string(run)).c_str(), true);
    pub.setInflight(o.window);
    if (!sub.connect(broker.port()) || !sub.subscribe("bench/bob") || !pub.connect(broker.port())) {
        qFatal("mosquitto clients cannot connect");
    }
    const std::int64_t start = nowNs();
    const double intervalNs = 1e9 / o.rate;
    for (int i = 0; i < total; ++i) {
        const std::int64_t due = start + static_cast<std::int64_t>(i * intervalNs);
        while (nowNs() < due) {
            std::this_thread::sleep_for(std::chrono::microseconds(50));
        }
        pub.publish(makePayload(o.payload, static_cast<std::uint64_t>(i), nowNs()));
    }
    MqttClient::waitFor([&] { return tally.unique() == total; }, 120000);
    Result r;
    {
        const std::lock_guard lock(m);
        r.latency = percentiles(latencies);
    }
    r.lost = total - tally.unique();
    pub.disconnect();
    sub.disconnect();
    return r;
}

Result mosquittoDurability(const Options& o, Mosquitto& broker) {
    const int n = o.durabilityMessages;
    Tally tally(static_cast<std::size_t>(n));
    {  // the subscriber's persistent session, then it goes offline
        MqttClient sub("bench-sub-d", false);
        if (!sub.connect(broker.port()) || !sub.subscribe("bench/bob")) {
            qFatal("mosquitto subscriber cannot connect");
        }
        sub.disconnect();
    }
    {
        MqttClient pub("bench-pub-d", true);
        pub.setInflight(o.window);
        if (!pub.connect(broker.port())) {
            qFatal("mosquitto publisher cannot connect");
        }
        for (int i = 0; i < n; ++i) {
            while (i - pub.acked() >= o.window) {
                std::this_thread::sleep_for(std::chrono::microseconds(20));
            }
            pub.publish(makePayload(o.payload, static_cast<std::uint64_t>(i), nowNs()));
        }
        MqttClient::waitFor([&] { return pub.acked() == n; }, 120000);
        broker.kill();  // SIGKILL right after the last PUBACK
    }
    broker.start();
    MqttClient sub("bench-sub-d", false);
    sub.onMessage([&](const char* data, std::size_t size, std::int64_t) {
        tally.record(readPayload(data, size).second);
    });
    if (!sub.connect(broker.port())) {
        qFatal("mosquitto subscriber cannot reconnect");
    }
    std::int64_t last = -1;
    auto quietSince = Clock::now();
    MqttClient::waitFor(
        [&] {
            if (tally.total() != last) {
                last = tally.total();
                quietSince = Clock::now();
            }
            return Clock::now() - quietSince > std::chrono::seconds(2);
        },
        120000);
    Result r;
    r.lost = n - tally.unique();
    r.duplicated = tally.duplicates();
    sub.disconnect();
    return r;
}

// ---- end to end through the real core --------------------------------------------------------

struct Profile {
    QTemporaryDir dir;
    storage::Store store;
    std::unique_ptr<core::Messenger> messenger;
    QString phone;
    int received = 0;
    std::int64_t receivedAtNs = 0;  // when the last message was stored and announced
};

Percentiles endToEnd(const Options& o, Relayd& relay) {
    const auto network = core::NetworkConfig::load(relay.writeNetworkJson());
    if (!network) {
        qFatal("bad network file");
    }
    Profile alice;
    Profile bob;
    alice.phone = QStringLiteral("+15556000001");
    bob.phone = QStringLiteral("+15556000002");
    for (Profile* p : {&alice, &bob}) {
        if (!core::awaitFuture(p->store.create(
                p->dir.path(),
                storage::Credentials::withPassphrase(SecretBytes::fromString("bench passphrase")),
                storage::KdfStrength::Interactive))) {
            qFatal("cannot create a profile");
        }
        core::SignalRegistration registration(p->store, *network, p->phone);
        (void)core::awaitFuture(registration.requestCode());
        if (!core::awaitFuture(registration.complete(QString()))) {
            qFatal("cannot register");
        }
        p->messenger = std::make_unique<core::Messenger>(p->store);
        QObject::connect(p->messenger.get(), &core::Messenger::messageReceived,
                         [p](const storage::Message&, const QString&, storage::Mode) {
                             p->receivedAtNs = nowNs();
                             ++p->received;
                         });
        if (!core::awaitFuture(p->messenger->start())) {
            qFatal("cannot start a messenger");
        }
        core::spinUntil([&] { return p->messenger->isConnected(storage::Mode::Signal); }, 10000);
    }
    std::vector<std::int64_t> latencies;
    const int warmup = 30;
    for (int i = 0; i < warmup + o.e2eMessages; ++i) {
        const int before = bob.received;
        const std::int64_t start = nowNs();
        (void)alice.messenger->sendText(storage::Mode::Signal, bob.phone,
                                        QStringLiteral("message %1").arg(i));
        if (!core::spinUntil([&] { return bob.received > before; }, 10000)) {
            qFatal("a message did not arrive");
        }
        if (i >= warmup) {
            latencies.push_back(bob.receivedAtNs - start);
        }
        // Steady, not saturated: the delivery receipt goes back before the next message.
        core::spinUntil([&] { return alice.messenger->isIdle() && bob.messenger->isIdle(); }, 2000);
    }
    return percentiles(latencies);
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (sodium_init() < 0) {
        return 1;
    }
    mosquitto_lib_init();
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("tandem-relayd and mosquitto side by side (see BENCHMARKS.md)."));
    parser.addHelpOption();
    const auto intOption = [&](const char* name, const char* help) {
        parser.addOption(
            {QString::fromLatin1(name), QString::fromLatin1(help), QStringLiteral("N")});
    };
    intOption("messages", "Messages per throughput run (50000).");
    intOption("window", "Messages in flight (1000).");
    intOption("payload", "Payload bytes (400).");
    intOption("rate", "Messages/s in the latency runs (5000).");
    intOption("seconds", "Seconds per latency run (3).");
    intOption("reps", "Repetitions, relay and broker alternating (3).");
    intOption("durability", "Messages in the SIGKILL run (20000).");
    intOption("e2e", "Messages through the real core (400; 0 skips).");
    parser.addOption({QStringLiteral("bin-dir"), QStringLiteral("Where tandem-relayd is."),
                      QStringLiteral("DIR")});
    parser.process(app);
    Options o;
    const auto read = [&](const char* name, int& into) {
        if (parser.isSet(QString::fromLatin1(name))) {
            into = parser.value(QString::fromLatin1(name)).toInt();
        }
    };
    read("messages", o.messages);
    read("window", o.window);
    read("payload", o.payload);
    read("rate", o.rate);
    read("seconds", o.latencySeconds);
    read("reps", o.reps);
    read("durability", o.durabilityMessages);
    read("e2e", o.e2eMessages);
    o.payload = std::max(o.payload, 16);
    o.binDir = parser.isSet(QStringLiteral("bin-dir"))
                   ? parser.value(QStringLiteral("bin-dir"))
                   : QDir(QCoreApplication::applicationDirPath() + QStringLiteral("/../app"))
                         .absolutePath();

    std::vector<double> relayTput, brokerTput, relayP50, relayP99, brokerP50, brokerP99;
    std::int64_t relayLost = 0, relayDup = 0, brokerLost = 0, brokerDup = 0;
    for (int rep = 0; rep < o.reps; ++rep) {
        {
            Relayd relay(o.binDir);
            relay.start();
            const Result t = relayThroughput(o, relay, rep);
            const Result l = relayLatency(o, relay, rep);
            relayTput.push_back(t.throughput);
            relayP50.push_back(l.latency.p50us);
            relayP99.push_back(l.latency.p99us);
            relayLost += t.lost + l.lost;
            relayDup += t.duplicated;
            std::fprintf(stderr, "rep %d relay:     %.0f msg/s, p50 %.1f us, p99 %.1f us\n", rep,
                         t.throughput, l.latency.p50us, l.latency.p99us);
        }
        {
            Mosquitto broker;
            broker.start();
            const Result t = mosquittoThroughput(o, broker, rep);
            const Result l = mosquittoLatency(o, broker, rep);
            brokerTput.push_back(t.throughput);
            brokerP50.push_back(l.latency.p50us);
            brokerP99.push_back(l.latency.p99us);
            brokerLost += t.lost + l.lost;
            brokerDup += t.duplicated;
            std::fprintf(stderr, "rep %d mosquitto: %.0f msg/s, p50 %.1f us, p99 %.1f us\n", rep,
                         t.throughput, l.latency.p50us, l.latency.p99us);
        }
    }

    Result relayCrash;
    Result brokerCrash;
    if (o.durabilityMessages > 0) {
        Relayd relay(o.binDir);
        relay.start();
        relayCrash = relayDurability(o, relay);
        Mosquitto broker;
        broker.start();
        brokerCrash = mosquittoDurability(o, broker);
    }
    Percentiles e2e;
    if (o.e2eMessages > 0) {
        Relayd relay(o.binDir);
        relay.start();
        e2e = endToEnd(o, relay);
    }

    std::printf(
        "relay_bench: %d messages x %d B, %d in flight; latency at %d msg/s for %d s; "
        "%d reps (median (min … max))\n\n",
        o.messages, o.payload, o.window, o.rate, o.latencySeconds, o.reps);
    std::printf("| | tandem-relayd | mosquitto (QoS 1, persistence on) | relayd ÷ mosquitto |\n");
    std::printf("|---|---|---|---|\n");
    std::printf("| throughput, msg/s (persisted, delivered, acknowledged) | %s | %s | %.2f |\n",
                qPrintable(range(relayTput, 0)), qPrintable(range(brokerTput, 0)),
                median(relayTput) / median(brokerTput));
    std::printf("| one-way latency p50, µs | %s | %s | %.2f |\n", qPrintable(range(relayP50, 1)),
                qPrintable(range(brokerP50, 1)), median(relayP50) / median(brokerP50));
    std::printf("| one-way latency p99, µs | %s | %s | %.2f |\n", qPrintable(range(relayP99, 1)),
                qPrintable(range(brokerP99, 1)), median(relayP99) / median(brokerP99));
    std::printf("| lost / duplicated while running | %lld / %lld | %lld / %lld | |\n",
                static_cast<long long>(relayLost), static_cast<long long>(relayDup),
                static_cast<long long>(brokerLost), static_cast<long long>(brokerDup));
    if (o.durabilityMessages > 0) {
        std::printf(
            "| after SIGKILL + restart, of %d persisted: lost / duplicated | %lld / %lld "
            "| %lld / %lld | |\n",
            o.durabilityMessages, static_cast<long long>(relayCrash.lost),
            static_cast<long long>(relayCrash.duplicated), static_cast<long long>(brokerCrash.lost),
            static_cast<long long>(brokerCrash.duplicated));
    }
    if (o.e2eMessages > 0) {
        std::printf(
            "\nEnd to end through the real core (sendText → the recipient's store has it "
            "decrypted), %d messages one at a time: p50 %.1f µs, p99 %.1f µs\n",
            o.e2eMessages, e2e.p50us, e2e.p99us);
    }
    mosquitto_lib_cleanup();
    return 0;
}
