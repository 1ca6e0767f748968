// relay_bench's tandem-relayd and its clients: a receiver that registers, authenticates and
// acknowledges in batches as RelayTransport does, senders spread over several connections.
#include "bench/RelaydUnderTest.h"

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTcpServer>
#include <QThread>
#include <QTimer>

#include "app/core/Await.h"
#include "bench/BenchRedisCluster.h"
#include "crypto/signal/Identity.h"
#include "tandem/relay.pb.h"

namespace tandem::bench {

using proto::relay::ClientFrame;
using transport::RelayConnection;
using transport::RelayEndpoint;
using transport::RelayReply;

RelaydUnderTest::~RelaydUnderTest() {
    stopChild(process_);
    for (auto& p : frontEnds_) {
        stopChild(p);
    }
    stopChild(redisProcess_);
    cluster_.reset();
}

RelayEndpoint RelaydUnderTest::startRelay(std::unique_ptr<QProcess>& process, const QString& data,
                                          QStringList extra) {
    process = startChild(binDir_ + QStringLiteral("/tandem-relayd"),
                         QStringList{QStringLiteral("--data"), data, QStringLiteral("--verify"),
                                     QStringLiteral("none")} +
                             extra);
    process->setReadChannel(QProcess::StandardOutput);
    QElapsedTimer t;
    t.start();
    while (!process->canReadLine() && t.elapsed() < 10000) {
        process->waitForReadyRead(100);
    }
    const QStringList ready = QString::fromUtf8(process->readLine()).trimmed().split(u' ');
    if (ready.size() != 4 || ready[1] != QLatin1String("ready")) {
        qFatal("tandem-relayd did not start");
    }
    RelayEndpoint e;
    e.host = QStringLiteral("127.0.0.1");
    e.port = static_cast<quint16>(ready[2].section(u':', -1).toUInt());
    const QByteArray key = QByteArray::fromHex(ready[3].toLatin1());
    std::copy(key.begin(), key.end(), e.relayKey.begin());
    return e;
}

bool RelaydUnderTest::killPrimaryOf(const QString& phone) {
    return cluster_ && cluster_->killPrimaryOf(phone);
}

bool RelaydUnderTest::waitForClusterOk(int ms) {
    return cluster_ && cluster_->waitUntilOk(ms);
}

void RelaydUnderTest::startRedis() {
    if (redis_.cluster) {
        cluster_ = std::make_unique<BenchRedisCluster>(dir_.path(), redis_.appendfsync);
        const QString url = cluster_->start();
        startFrontEnds({QStringLiteral("--store"), url, QStringLiteral("--redis-wait"),
                        QString::number(redis_.wait)});
        return;
    }
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    const quint16 port = probe.serverPort();
    probe.close();
    redisProcess_ = startChild(
        QStringLiteral("redis-server"),
        {QStringLiteral("--port"), QString::number(port), QStringLiteral("--bind"),
         QStringLiteral("127.0.0.1"), QStringLiteral("--dir"), dir_.path(),
         QStringLiteral("--appendonly"), QStringLiteral("yes"), QStringLiteral("--appendfsync"),
         redis_.appendfsync, QStringLiteral("--save"), QString()});
    redisProcess_->setReadChannel(QProcess::StandardOutput);
    QByteArray out;
    QElapsedTimer t;
    t.start();
    while (!out.contains("Ready to accept connections") && t.elapsed() < 10000) {
        redisProcess_->waitForReadyRead(100);
        out += redisProcess_->readAllStandardOutput();
    }
    startFrontEnds({QStringLiteral("--store"), QStringLiteral("redis://127.0.0.1:%1").arg(port)});
}

void RelaydUnderTest::startFrontEnds(const QStringList& store) {
    for (int i = 0; i < redis_.frontEnds; ++i) {
        const QString data = dir_.filePath(QStringLiteral("relay%1").arg(i));
        if (i > 0) {  // one relay key for all
            QDir().mkpath(data);
            QFile::copy(dir_.filePath(QStringLiteral("relay0/relay.key")),
                        data + QStringLiteral("/relay.key"));
        }
        frontEnds_.emplace_back();
        const RelayEndpoint e = startRelay(
            frontEnds_.back(), data,
            store + QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
        if (i == 0) {
            endpoint_ = e;
        } else if (redis_.cross) {
            senders_.push_back(e);
        }
    }
}

void RelaydUnderTest::start() {
    if (redis_.frontEnds > 0) {
        startRedis();
        return;
    }
    const QString listen =
        QStringLiteral("127.0.0.1:%1").arg(endpoint_.port == 0 ? 0 : endpoint_.port);
    endpoint_ = startRelay(process_, dir_.filePath(QStringLiteral("relay")),
                           {QStringLiteral("--listen"), listen});
}

QString RelaydUnderTest::writeNetworkJson() const {
    const QString path = dir_.filePath(QStringLiteral("network.json"));
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(
        QStringLiteral(R"({"version":1,"relay":{"address":"127.0.0.1:%1","public_key":"%2"}})")
            .arg(endpoint_.port)
            .arg(QString::fromLatin1(
                QByteArray(reinterpret_cast<const char*>(endpoint_.relayKey.data()), 32).toHex()))
            .toUtf8());
    return path;
}

namespace {

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

    static RelaySender open(const RelaydUnderTest& relay, QObject* parent, int count) {
        RelaySender s;
        for (int i = 0; i < count; ++i) {
            s.connections.push_back(
                connectTo(relay.senderEndpoint(static_cast<std::size_t>(i)), parent));
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

}  // namespace

Result relayThroughput(const Options& o, RelaydUnderTest& relay, int run) {
    QObject scope;
    RelayReceiver bob{QStringLiteral("+1555%1").arg(2000000 + run)};
    bob.registerAt(relay.endpoint(), &scope);
    Tally tally(static_cast<std::size_t>(o.messages));
    bob.connect(relay.endpoint(), &scope, tally, nullptr);
    RelaySender alice = RelaySender::open(relay, &scope, kSenderConnections);

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
    Result r = lossesOf(tally, o.messages);
    r.throughput = static_cast<double>(o.messages) / (static_cast<double>(elapsed) / 1e9);
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
Result relayLatency(const Options& o, RelaydUnderTest& relay, int run) {
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
        RelaySender alice = RelaySender::open(relay, &senderScope, 1);
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

struct OneAtATimeHop::Clients {
    QObject scope;
    RelayReceiver bob{QStringLiteral("+15556100000")};
    Tally tally;
    std::vector<std::int64_t> latencies;
    RelaySender alice;
    std::uint64_t next = 0;
    int payload = 0;

    Clients(RelaydUnderTest& relay, int messages, int payloadBytes)
        : tally(static_cast<std::size_t>(messages)), payload(payloadBytes) {
        bob.registerAt(relay.endpoint(), &scope);
        bob.connect(relay.endpoint(), &scope, tally, &latencies);
        alice = RelaySender::open(relay, &scope, 1);
    }
};

OneAtATimeHop::OneAtATimeHop(RelaydUnderTest& relay, int messages, int payloadBytes)
    : clients_(std::make_unique<Clients>(relay, messages, payloadBytes)) {}

OneAtATimeHop::~OneAtATimeHop() {
    clients_->alice.close();
    clients_->bob.disconnect();
}

std::optional<std::int64_t> OneAtATimeHop::once() {
    Clients& c = *clients_;
    const std::size_t before = c.latencies.size();
    c.alice.send(c.bob, makePayload(c.payload, c.next++, nowNs()));
    if (!core::spinUntil([&] { return c.latencies.size() > before; }, 2000)) {
        return std::nullopt;
    }
    return c.latencies.back();
}

Result relayDurability(const Options& o, RelaydUnderTest& relay) {
    QObject scope;
    RelayReceiver bob{QStringLiteral("+15554000000")};
    bob.registerAt(relay.endpoint(), &scope);
    RelaySender alice = RelaySender::open(relay, &scope, kSenderConnections);
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
    core::spinUntil(tally.quietFor(std::chrono::seconds(2)), 120000);
    Result r = lossesOf(tally, accepted);
    bob.disconnect();
    return r;
}

Result relayFailover(const Options& o, RelaydUnderTest& relay, int run) {
    QObject scope;
    RelayReceiver bob{QStringLiteral("+1555%1").arg(5000000 + run)};
    bob.registerAt(relay.endpoint(), &scope);
    RelaySender alice = RelaySender::open(relay, &scope, kSenderConnections);
    const int n = o.durabilityMessages;
    std::vector<char> accepted(static_cast<std::size_t>(n), 0);
    std::int64_t answered = 0;
    int inFlight = 0;
    std::uint64_t next = 0;
    bool killed = false;
    QTimer pumpTimer;
    QObject::connect(&pumpTimer, &QTimer::timeout, [&] {
        // Halfway through the acceptances, with a full window in flight: the kill.
        if (!killed && answered >= n / 2) {
            killed = true;
            pumpTimer.stop();
            if (!relay.killPrimaryOf(bob.phone)) {
                qFatal("no primary holds the receiver's account");
            }
            return;
        }
        while (inFlight < o.window && next < static_cast<std::uint64_t>(n)) {
            const std::uint64_t seq = next++;
            ClientFrame f;
            f.mutable_send()->set_recipient(bob.phone.toStdString());
            f.mutable_send()->set_access_key(bob.accessKey);
            f.mutable_send()->set_envelope(makePayload(o.payload, seq, nowNs()));
            RelayConnection* c = alice.connections[seq % alice.connections.size()];
            ++inFlight;
            c->request(std::move(f)).then(c, [&, seq](RelayReply r) {
                --inFlight;
                ++answered;
                accepted[seq] = r && r->has_accepted() ? 1 : 0;
            });
        }
    });
    pumpTimer.start(0);
    core::spinUntil([&] { return killed && inFlight == 0; }, 120000);
    if (!relay.waitForClusterOk(60000)) {
        qFatal("the cluster did not recover from the kill");
    }
    alice.close();
    // The front-end serves the shard again once it read the new map: sign-ins are retried
    // until then (as RelayTransport does after UNAVAILABLE), 60 s at most.
    RelayConnection* probe = connectTo(relay.endpoint(), &scope);
    ClientFrame auth;
    auth.mutable_authenticate()->set_phone(bob.phone.toStdString());
    auth.mutable_authenticate()->set_password(bob.password);
    const std::int64_t probeStart = nowNs();
    for (;;) {
        const RelayReply reply = core::awaitFuture(probe->request(auth));
        if (reply && reply->has_ok()) {
            break;
        }
        if (nowNs() - probeStart > 60'000'000'000LL) {
            qFatal("the front-end does not serve the receiver's shard after the failover");
        }
        core::spinUntil([] { return false; }, 200);
    }
    probe->close();
    Tally tally(static_cast<std::size_t>(n));
    bob.connect(relay.endpoint(), &scope, tally, nullptr);
    core::spinUntil(tally.quietFor(std::chrono::seconds(3)), 120000);
    Result r;
    for (int i = 0; i < n; ++i) {
        if (accepted[static_cast<std::size_t>(i)] != 0) {
            r.throughput += 1;  // here: how many were accepted
            r.lost += tally.has(static_cast<std::uint64_t>(i)) ? 0 : 1;
        }
    }
    r.duplicated = tally.duplicates();
    bob.disconnect();
    return r;
}

}  // namespace tandem::bench
