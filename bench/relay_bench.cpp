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
//
// This file: the options and the report. The runs: RelaydUnderTest.cpp (tandem-relayd and its
// clients), Mosquitto.cpp (the broker and libmosquitto clients), EndToEnd.cpp (the real core).
#include <algorithm>
#include <cstdio>
#include <mosquitto.h>
#include <sodium.h>
#include <vector>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>

#include "bench/BenchSupport.h"
#include "bench/EndToEnd.h"
#include "bench/Mosquitto.h"
#include "bench/RelayBench.h"
#include "bench/RelaydUnderTest.h"

using namespace tandem::bench;

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
    intOption("failover", "With --redis-cluster: sends in the primary-SIGKILL runs (0 skips).");
    parser.addOption({QStringLiteral("redis"),
                      QStringLiteral("Also tandem-relayd over redis-server: 1, 2 and 3 front-ends "
                                     "and appendfsync everysec, in the same reps.")});
    parser.addOption({QStringLiteral("trace"),
                      QStringLiteral("With --e2e: each message's path through both stores "
                                     "(SQLite's own hooks), medians per step, pages per commit.")});
    parser.addOption({QStringLiteral("redis-cluster"),
                      QStringLiteral("Also tandem-relayd over a six-node Redis Cluster: 1 and 3 "
                                     "front-ends, with and without --redis-wait 1.")});
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
    o.trace = parser.isSet(QStringLiteral("trace"));
    int failoverMessages = 0;
    read("failover", failoverMessages);
    o.payload = std::max(o.payload, 16);
    o.binDir = parser.isSet(QStringLiteral("bin-dir"))
                   ? parser.value(QStringLiteral("bin-dir"))
                   : QDir(QCoreApplication::applicationDirPath() + QStringLiteral("/../app"))
                         .absolutePath();

    struct RedisRow {
        const char* name;
        RedisSetup setup;
        std::vector<double> tput, p50, p99;
        std::int64_t lost = 0;
    };
    std::vector<RedisRow> redisRows;
    const auto row = [](const char* name, int frontEnds, bool cross, const char* fsync,
                        bool cluster = false, int wait = 0) {
        RedisRow r{name, {frontEnds, cross, QString::fromLatin1(fsync), cluster, wait}, {}, {}, {},
                   0};
        return r;
    };
    if (parser.isSet(QStringLiteral("redis"))) {
        redisRows = {
            row("Redis, 1 front-end (same-front-end hop)", 1, false, "always"),
            row("Redis, 2 front-ends (cross-front-end hop)", 2, true, "always"),
            row("Redis, 3 front-ends (senders on 2, receiver on 1)", 3, true, "always"),
            row("Redis, 1 front-end, appendfsync everysec (not durable)", 1, false, "everysec"),
        };
    }
    if (parser.isSet(QStringLiteral("redis-cluster"))) {
        for (RedisRow r : {
                 row("Redis Cluster 3+3, 1 front-end", 1, false, "always", true, 0),
                 row("Redis Cluster 3+3, 1 front-end, --redis-wait 1", 1, false, "always", true, 1),
                 row("Redis Cluster 3+3, 3 front-ends (senders on 2)", 3, true, "always", true, 0),
                 row("Redis Cluster 3+3, 3 front-ends, --redis-wait 1", 3, true, "always", true, 1),
             }) {
            redisRows.push_back(r);
        }
    }
    std::vector<double> relayTput, brokerTput, relayP50, relayP99, brokerP50, brokerP99;
    std::int64_t relayLost = 0, relayDup = 0, brokerLost = 0, brokerDup = 0;
    for (int rep = 0; rep < o.reps; ++rep) {
        {
            RelaydUnderTest relay(o.binDir);
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
        for (RedisRow& row : redisRows) {
            RelaydUnderTest relay(o.binDir, row.setup);
            relay.start();
            const Result t = relayThroughput(o, relay, rep);
            const Result l = relayLatency(o, relay, rep);
            row.tput.push_back(t.throughput);
            row.p50.push_back(l.latency.p50us);
            row.p99.push_back(l.latency.p99us);
            row.lost += t.lost + l.lost;
            std::fprintf(stderr, "rep %d %s: %.0f msg/s, p50 %.1f us, p99 %.1f us\n", rep, row.name,
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
        RelaydUnderTest relay(o.binDir);
        relay.start();
        relayCrash = relayDurability(o, relay);
        Mosquitto broker;
        broker.start();
        brokerCrash = mosquittoDurability(o, broker);
    }
    // The receiver's primary SIGKILLed while sends flow, without and with WAIT: what
    // `accepted` was worth.
    struct FailoverRow {
        const char* name;
        int wait;
        std::int64_t accepted = 0, lost = 0, duplicated = 0;
    };
    std::vector<FailoverRow> failovers;
    if (parser.isSet(QStringLiteral("redis-cluster")) && failoverMessages > 0) {
        Options fo = o;
        fo.durabilityMessages = failoverMessages;
        failovers = {{"Redis Cluster 3+3, 1 front-end", 0},
                     {"Redis Cluster 3+3, 1 front-end, --redis-wait 1", 1}};
        for (int rep = 0; rep < o.reps; ++rep) {
            for (FailoverRow& row : failovers) {
                RelaydUnderTest relay(o.binDir,
                                      {1, false, QStringLiteral("always"), true, row.wait});
                relay.start();
                const Result f = relayFailover(fo, relay, rep);
                row.accepted += static_cast<std::int64_t>(f.throughput);
                row.lost += f.lost;
                row.duplicated += f.duplicated;
                std::fprintf(stderr, "rep %d failover %s: %.0f accepted, %lld lost\n", rep,
                             row.name, f.throughput, static_cast<long long>(f.lost));
            }
        }
    }
    EndToEndResult e2e;
    if (o.e2eMessages > 0) {
        RelaydUnderTest relay(o.binDir);
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
    if (!redisRows.empty()) {
        std::printf(
            "\n| tandem-relayd over Redis (the same reps) | throughput, msg/s | p50, µs | "
            "p99, µs | lost |\n|---|---|---|---|---|\n");
        std::printf("| (the SQLite relay above) | %s | %s | %s | |\n",
                    qPrintable(range(relayTput, 0)), qPrintable(range(relayP50, 1)),
                    qPrintable(range(relayP99, 1)));
        for (const RedisRow& row : redisRows) {
            std::printf("| %s | %s | %s | %s | %lld |\n", row.name, qPrintable(range(row.tput, 0)),
                        qPrintable(range(row.p50, 1)), qPrintable(range(row.p99, 1)),
                        static_cast<long long>(row.lost));
        }
    }
    if (!failovers.empty()) {
        std::printf(
            "\n| the receiver's primary SIGKILLed halfway through %d sends (%d reps in all) | "
            "accepted | accepted, never delivered | delivered twice |\n|---|---|---|---|\n",
            failoverMessages, o.reps);
        for (const FailoverRow& row : failovers) {
            std::printf("| %s | %lld | %lld | %lld |\n", row.name,
                        static_cast<long long>(row.accepted), static_cast<long long>(row.lost),
                        static_cast<long long>(row.duplicated));
        }
    }
    if (o.e2eMessages > 0) {
        std::printf(
            "\nEnd to end through the real core (sendText → the recipient's store has it "
            "decrypted), %d messages one at a time: p50 %.1f µs, p99 %.1f µs\n",
            o.e2eMessages, e2e.toStore.p50us, e2e.toStore.p99us);
        std::printf(
            "  … and on to messageReceived on the recipient's core thread: p50 %.1f µs, "
            "p99 %.1f µs\n",
            e2e.toCore.p50us, e2e.toCore.p99us);
        if (!relayP50.empty()) {
            const double hop = median(relayP50);
            std::printf(
                "  end to end p50 ÷ the relay hop p50 at %d msg/s (%.1f µs, this run): "
                "%.2f to the store, %.2f to messageReceived\n",
                o.rate, hop, e2e.toStore.p50us / hop, e2e.toCore.p50us / hop);
        }
        std::printf(
            "  the relay hop one message at a time, at their pace, after them: p50 %.1f µs, "
            "p99 %.1f µs; end to end p50 ÷ it: %.2f to the store, %.2f to "
            "messageReceived\n",
            e2e.hop.p50us, e2e.hop.p99us, e2e.toStore.p50us / e2e.hop.p50us,
            e2e.toCore.p50us / e2e.hop.p50us);
    }
    mosquitto_lib_cleanup();
    return 0;
}
