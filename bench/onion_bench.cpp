// onion_bench: Session mode's delivery latency through real tandem-node processes
// (tandem-localnet: nine nodes on 127.0.0.10–18, three swarms), one-way from the sender's
// send() to the recipient's transport handing the message over, on one clock.
//
// One sender writes, at a steady pace, to three recipients in the same run:
//   push      the transport's long-poll (a message is answered to the waiting retrieve as
//             soon as a member of the recipient's swarm has it)
//   poll 1.5s Session's mobile clients (a retrieve every 1.5 s)
//   poll 5s   Session's desktop client (every 5 s)
// With --link-delay D on every node (each link traversal costs D), the floor of a delivery is
// the links it crosses × D: sender → guard → middle → swarm member (3), the member → the
// member the recipient polls (1, unless it is the same one), that member → middle → guard →
// recipient (3): 6 or 7 × D, known per message from the two routes. The table gives p50, p90,
// p99 and the ratio of p50 to the floor.
//
// --breakdown adds, in the same run, what each hop spends besides the link (OnionHopCosts:
// layer crypto, framing, the member's commit, each beside its primitives and an fsync) and
// splits each delay's push p50 into the floor, that work and the rest.
//
//   onion_bench [--delays 0,10,50] [--messages N] [--reps R] [--size BYTES] [--breakdown]
#include <sodium.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTimer>

#include "app/core/Await.h"
#include "app/core/NetworkConfig.h"
#include "bench/BenchSupport.h"
#include "bench/OnionHopCosts.h"
#include "crypto/session/SessionKeys.h"
#include "transport/onion/OnionTransport.h"

using namespace tandem;
using namespace tandem::bench;
using transport::onion::OnionTransport;

namespace {

struct Options {
    std::vector<int> delays{0, 10, 50};
    int messages = 100;
    int reps = 3;
    int size = 400;  // a short text, sealed and padded, is about this size
    QString binDir;
    bool breakdown = false;
    bool pushOnly = false;  // no polling receivers beside the push (their stores' commits
                            // then hold no node's event loop while a push passes)
};

struct Receiver {
    QString name;
    int pollMs = 0;  // 0: long-poll (push)
    crypto::session::SessionIdentity id = crypto::session::SessionIdentity::generate();
    std::unique_ptr<OnionTransport> transport;
    std::vector<std::int64_t> latencyNs;
    std::vector<int> floorLinks;
    std::vector<char> seen;
    int duplicates = 0;
};

struct Localnet {
    QTemporaryDir dir;
    std::unique_ptr<QProcess> process;
    core::NetworkConfig network;
};

std::unique_ptr<Localnet> startLocalnet(const Options& o, int delayMs) {
    auto net = std::make_unique<Localnet>();
    net->process = startChild(o.binDir + QStringLiteral("/tandem-localnet"),
                              {QStringLiteral("--dir"), net->dir.path(),
                               QStringLiteral("--link-delay"), QString::number(delayMs)});
    net->process->setReadChannel(QProcess::StandardOutput);
    QElapsedTimer t;
    t.start();
    QByteArray out;
    while (!out.contains("ready") && t.elapsed() < 30000) {
        net->process->waitForReadyRead(200);
        out += net->process->readAllStandardOutput();
    }
    if (!out.contains("ready")) {
        qFatal("tandem-localnet did not become ready");
    }
    auto config = core::NetworkConfig::load(net->dir.filePath(QStringLiteral("network.json")));
    if (!config || !config->onion) {
        qFatal("tandem-localnet wrote no usable network.json");
    }
    net->network = std::move(config).value();
    return net;
}

std::unique_ptr<OnionTransport> transportFor(const Localnet& net,
                                             const crypto::session::SessionIdentity& who) {
    auto t = std::make_unique<OnionTransport>(
        net.network.onion->directory,
        transport::onion::OnionIdentity{who.sessionId, who.ed25519.clone()});
    t->setNetworkKey(net.network.onion->networkKey);
    return t;
}

bool spin(const std::function<bool()>& done, int timeoutMs) {
    return core::spinUntil(done, timeoutMs);
}

struct RunResult {
    // per receiver: p50 (µs), p90, p99, lost, floor links median
    std::vector<Percentiles> latency;
    std::vector<int> lost;
    std::vector<int> duplicates;
    std::vector<double> floorLinks;  // median links crossed
    std::vector<double> ratioP50;    // median over messages of latency ÷ its own floor
};

RunResult runOnce(const Options& o, const Localnet& net, int delayMs) {
    const auto sender = crypto::session::SessionIdentity::generate();
    auto from = transportFor(net, sender);
    std::vector<std::unique_ptr<Receiver>> receivers;
    for (const auto& [name, pollMs] :
         std::vector<std::pair<QString, int>>{{QStringLiteral("push"), 0},
                                              {QStringLiteral("poll 1.5 s"), 1500},
                                              {QStringLiteral("poll 5 s"), 5000}}) {
        if (o.pushOnly && pollMs != 0) {
            continue;
        }
        auto r = std::make_unique<Receiver>();
        r->name = name;
        r->pollMs = pollMs;
        r->transport = transportFor(net, r->id);
        r->transport->setPollInterval(pollMs);
        r->seen.assign(static_cast<std::size_t>(o.messages), 0);
        Receiver* raw = r.get();
        QObject::connect(
            r->transport.get(), &transport::Transport::received,
            [raw, &from](const transport::IncomingEnvelope& e) {
                const std::int64_t now = nowNs();
                const auto [sent, seq] = readPayload(e.ciphertext.constData(),
                                                     static_cast<std::size_t>(e.ciphertext.size()));
                raw->transport->acknowledge(e.serverId);
                if (seq >= raw->seen.size()) {
                    return;
                }
                if (raw->seen[seq] != 0) {
                    ++raw->duplicates;
                    return;
                }
                raw->seen[seq] = 1;
                raw->latencyNs.push_back(now - sent);
                // The member the sender stored at, and the one we receive from.
                const auto stored = from->routeAddress(raw->id.sessionId);
                const auto polled = raw->transport->pollAddress();
                raw->floorLinks.push_back(stored && polled && *stored == *polled ? 6 : 7);
            });
        receivers.push_back(std::move(r));
    }
    from->start();
    for (auto& r : receivers) {
        r->transport->start();
    }
    if (!spin(
            [&] {
                bool ready = from->isReady();
                for (auto& r : receivers) {
                    ready = ready && r->transport->isReady();
                }
                return ready;
            },
            60000)) {
        qFatal("the onion paths were not ready within 60 s");
    }
    core::spinUntil([] { return false; }, 300 + 8 * delayMs);  // first polls in place
    // Each message's store round trip is about 8 × D: the pace leaves room for it, so what
    // is measured is a delivery, not a queue.
    const int spacingMs = std::max(50, 10 * delayMs + 20);
    for (int i = 0; i < o.messages; ++i) {
        for (auto& r : receivers) {
            transport::OutgoingEnvelope e;
            e.id = QByteArray::number(i);
            e.recipient = r->id.sessionId;
            const std::string payload = makePayload(o.size, static_cast<std::uint64_t>(i), nowNs());
            e.ciphertext = QByteArray(payload.data(), static_cast<qsizetype>(payload.size()));
            from->send(e);
        }
        core::spinUntil([] { return false; }, spacingMs);
    }
    // Everything sent: wait for the slowest poller (bounded).
    spin(
        [&] {
            for (auto& r : receivers) {
                if (static_cast<int>(r->latencyNs.size()) < o.messages) {
                    return false;
                }
            }
            return true;
        },
        20000 + 20 * delayMs);
    RunResult out;
    for (auto& r : receivers) {
        out.latency.push_back(percentiles(r->latencyNs));
        out.lost.push_back(o.messages - static_cast<int>(r->latencyNs.size()));
        out.duplicates.push_back(r->duplicates);
        std::vector<double> links(r->floorLinks.begin(), r->floorLinks.end());
        out.floorLinks.push_back(median(links));
        std::vector<double> ratios;
        for (std::size_t k = 0; k < r->latencyNs.size() && delayMs > 0; ++k) {
            ratios.push_back(static_cast<double>(r->latencyNs[k]) /
                             (1e6 * r->floorLinks[k] * delayMs));
        }
        out.ratioP50.push_back(ratios.empty() ? 0.0 : median(ratios));
        r->transport->stop();
    }
    from->stop();
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (sodium_init() < 0) {
        return 1;
    }
    Options o;
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Session mode's delivery latency: push (long-poll) beside polling clients "
                       "through tandem-localnet's onion nodes, against the physical floor."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("delays"),
                      QStringLiteral("Link delays to run, ms, comma-separated (default 0,10,50)."),
                      QStringLiteral("MS,…")});
    parser.addOption({QStringLiteral("messages"),
                      QStringLiteral("Messages to each recipient per repetition (default 100)."),
                      QStringLiteral("N")});
    parser.addOption(
        {QStringLiteral("reps"), QStringLiteral("Repetitions (default 3)."), QStringLiteral("R")});
    parser.addOption({QStringLiteral("size"), QStringLiteral("Payload bytes (default 400)."),
                      QStringLiteral("B")});
    parser.addOption({QStringLiteral("breakdown"),
                      QStringLiteral("Also measure what each hop spends besides the link.")});
    parser.addOption({QStringLiteral("push-only"),
                      QStringLiteral("Only the push receiver (no polling ones beside it).")});
    parser.process(app);
    o.pushOnly = parser.isSet(QStringLiteral("push-only"));
    o.breakdown = parser.isSet(QStringLiteral("breakdown"));
    o.binDir = QCoreApplication::applicationDirPath() + QStringLiteral("/../app");
    if (parser.isSet(QStringLiteral("delays"))) {
        o.delays.clear();
        for (const QString& d : parser.value(QStringLiteral("delays")).split(u',')) {
            o.delays.push_back(d.toInt());
        }
    }
    if (parser.isSet(QStringLiteral("messages"))) {
        o.messages = std::max(1, parser.value(QStringLiteral("messages")).toInt());
    }
    if (parser.isSet(QStringLiteral("reps"))) {
        o.reps = std::max(1, parser.value(QStringLiteral("reps")).toInt());
    }
    if (parser.isSet(QStringLiteral("size"))) {
        o.size = std::clamp(parser.value(QStringLiteral("size")).toInt(), 16, 64 * 1024);
    }
    std::printf("onion_bench: %d messages × %d reps per link delay, %d-byte payloads\n\n",
                o.messages, o.reps, o.size);
    std::printf("%-8s %-11s %6s %5s %10s %10s %10s %10s %8s %9s %5s\n", "delay", "receiver", "n",
                "lost", "p50 ms", "p90 ms", "p99 ms", "floor ms", "p50/fl", "p50(l/fl)", "dup");
    std::vector<std::pair<int, std::pair<double, double>>> pushes;  // delay → (p50 ms, links)
    const std::size_t kinds = o.pushOnly ? 1 : 3;
    for (const int delay : o.delays) {
        auto net = startLocalnet(o, delay);
        std::vector<std::vector<double>> p50(3);
        std::vector<std::vector<double>> p90(3);
        std::vector<std::vector<double>> p99(3);
        std::vector<std::vector<double>> floors(3);
        std::vector<std::vector<double>> ratios(3);
        std::vector<int> lost(3, 0);
        std::vector<int> dup(3, 0);
        QStringList names{QStringLiteral("push"), QStringLiteral("poll 1.5 s"),
                          QStringLiteral("poll 5 s")};
        for (int rep = 0; rep < o.reps; ++rep) {
            const RunResult r = runOnce(o, *net, delay);
            for (std::size_t i = 0; i < kinds; ++i) {
                p50[i].push_back(r.latency[i].p50us / 1000.0);
                p90[i].push_back(r.latency[i].p90us / 1000.0);
                p99[i].push_back(r.latency[i].p99us / 1000.0);
                floors[i].push_back(r.floorLinks[i] * delay);
                ratios[i].push_back(r.ratioP50[i]);
                lost[i] += r.lost[i];
                dup[i] += r.duplicates[i];
            }
        }
        for (std::size_t i = 0; i < kinds; ++i) {
            const double floor = median(floors[i]);
            const QString ratio =
                floor > 0 ? QString::number(median(p50[i]) / floor, 'f', 3) : QStringLiteral("–");
            const QString own =
                floor > 0 ? QString::number(median(ratios[i]), 'f', 3) : QStringLiteral("–");
            std::printf("%-8s %-11s %6d %5d %10.2f %10.2f %10.2f %10.0f %8s %9s %5d\n",
                        qPrintable(QStringLiteral("%1 ms").arg(delay)), qPrintable(names[i]),
                        o.messages * o.reps, lost[i], median(p50[i]), median(p90[i]),
                        median(p99[i]), floor, qPrintable(ratio), qPrintable(own), dup[i]);
            std::fflush(stdout);
        }
        pushes.push_back({delay, {median(p50[0]), delay > 0 ? median(floors[0]) / delay : 6.0}});
        stopChild(net->process);
    }
    std::printf(
        "\nmedians over repetitions; floor = links crossed × delay (6 when the sender "
        "stored at the member the recipient polls, else 7); p50/fl: the p50 over the median "
        "floor; p50(l/fl): the median over messages of each one's latency over its own floor\n");
    if (o.breakdown) {
        // The same disk as the nodes' data (QTemporaryDir: the system's temp folder).
        QTemporaryDir scratch;
        OnionHopCosts costs(o.size, scratch.path());
        costs.measure();
        costs.printTable();
        for (const auto& [delay, push] : pushes) {
            costs.printPath(push.first, push.second, delay);
        }
    }
    return 0;
}
