// relay_bench's mosquitto: the broker's configuration and process, a libmosquitto client with
// its network thread, and the runs against them.
#include "bench/Mosquitto.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <mosquitto.h>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <QElapsedTimer>
#include <QFile>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

namespace tandem::bench {

namespace {

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

}  // namespace

Mosquitto::Mosquitto() {
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

void Mosquitto::start() {
    process_ = startChild(QStringLiteral("/usr/sbin/mosquitto"), {QStringLiteral("-c"), conf_});
    if (!waitForPort(port_, 10000)) {
        qFatal("mosquitto did not start");
    }
}

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
    Result r = lossesOf(tally, o.messages);
    r.throughput = static_cast<double>(o.messages) / (static_cast<double>(elapsed) / 1e9);
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
    MqttClient::waitFor(tally.quietFor(std::chrono::seconds(2)), 120000);
    Result r = lossesOf(tally, n);
    sub.disconnect();
    return r;
}

}  // namespace tandem::bench
