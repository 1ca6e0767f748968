// tandemctl latency: a probe run through each mode's transport (docs/latency.md), a table per
// transport, and the samples as CSV.
#include <QFile>
#include <QSaveFile>

#include "app/cli/Commands.h"
#include "app/core/Await.h"
#include "app/core/LatencyStats.h"
#include "app/core/Messenger.h"

namespace tandem::cli {

using namespace tandem::storage;
using core::awaitFuture;

namespace {

std::optional<int> intOption(CommandContext& ctx, const QString& option, int fallback, int min,
                             int max) {
    return cli::intOption(ctx, QStringLiteral("latency"), option, fallback, min, max);
}

// A rank that falls on a lost probe reads "lost" (LatencyStats.h).
QString ms(const std::optional<double>& v) {
    return v ? QString::number(*v, 'f', 2) : QStringLiteral("lost");
}

int runLatency(CommandContext& ctx) {
    using core::Messenger;
    const auto count = intOption(ctx, QStringLiteral("messages"), 20, 1, Messenger::kMaxProbes);
    const auto size = intOption(ctx, QStringLiteral("size"), 0, 0, Messenger::kMaxProbeBytes);
    const auto interval = intOption(ctx, QStringLiteral("interval"), 200, 1, 60000);
    const auto timeout = intOption(ctx, QStringLiteral("timeout"), 15, 1, 600);
    const auto poll = intOption(ctx, QStringLiteral("poll"), 0, 0, 60000);
    const auto connectTimeout = intOption(ctx, QStringLiteral("connect-timeout"), 20, 1, 3600);
    if (!count || !size || !interval || !timeout || !poll || !connectTimeout) {
        return kExitUsage;
    }
    Messenger::ProbeOptions options;
    options.to = ctx.parser.isSet(QStringLiteral("to")) ? ctx.parser.value(QStringLiteral("to"))
                                                        : QStringLiteral("self");
    options.count = *count;
    options.size = *size;
    options.intervalMs = *interval;
    options.timeoutMs = *timeout * 1000;
    if (ctx.parser.isSet(QStringLiteral("modes"))) {
        for (const QString& m :
             ctx.parser.value(QStringLiteral("modes")).split(u',', Qt::SkipEmptyParts)) {
            if (m.trimmed() == QLatin1String("signal")) {
                options.modes.push_back(Mode::Signal);
            } else if (m.trimmed() == QLatin1String("session")) {
                options.modes.push_back(Mode::Session);
            } else {
                return usageError(ctx, QStringLiteral("latency"),
                                  QStringLiteral("--modes takes signal, session or both"));
            }
        }
    }
    const QString csvPath = ctx.parser.value(QStringLiteral("csv"));

    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    Messenger messenger(store);
    messenger.setSessionPollInterval(*poll);
    if (const auto started = awaitFuture(messenger.start()); !started) {
        return fail(ctx, started.error().message);
    }
    std::vector<Mode> wanted = options.modes;
    if (wanted.empty()) {
        const auto mode = options.to == QLatin1String("self")
                              ? std::nullopt
                              : Messenger::modeOf(options.to.trimmed().toLower());
        for (const Mode m : {Mode::Signal, Mode::Session}) {
            if ((mode && *mode == m) || (!mode && messenger.hasAccount(m))) {
                wanted.push_back(m);
            }
        }
    }
    // Connected in every mode asked for, and (Signal mode) holding a sender certificate: the
    // run refuses to start otherwise, so it is retried until then.
    QElapsedTimer waited;
    waited.start();
    core::CoreResult<Messenger::ProbeResult> result =
        core::coreError(core::CoreErrorCode::Network, QStringLiteral("not connected"));
    while (true) {
        core::spinUntil(
            [&] {
                return std::all_of(wanted.begin(), wanted.end(), [&](Mode m) {
                    return !messenger.hasAccount(m) || messenger.isConnected(m);
                });
            },
            static_cast<int>(std::max<qint64>(1, *connectTimeout * 1000 - waited.elapsed())));
        result = awaitFuture(messenger.runProbes(options));
        if (result || result.error().code != core::CoreErrorCode::Network ||
            waited.elapsed() >= *connectTimeout * 1000) {
            break;
        }
        core::spinUntil([] { return false; }, 200);
    }
    messenger.stop();
    if (!result) {
        return fail(ctx, result.error().message);
    }
    const auto& samples = result->samples;
    ctx.out << "probe run " << result->run << ": " << options.count << " per transport to "
            << (options.to == QLatin1String("self") ? QStringLiteral("self")
                                                    : QStringLiteral("a contact"))
            << ", " << options.size << " B padding, every " << options.intervalMs << " ms"
            << (*poll > 0 ? QStringLiteral(", Session mode polling every %1 ms").arg(*poll)
                          : QString())
            << "\n";
    ctx.out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8\n")
                   .arg(QStringLiteral("transport"), -10)
                   .arg(QStringLiteral("latency"), -11)
                   .arg(QStringLiteral("count"), 6)
                   .arg(QStringLiteral("lost"), 5)
                   .arg(QStringLiteral("p50 ms"), 9)
                   .arg(QStringLiteral("p90 ms"), 9)
                   .arg(QStringLiteral("p99 ms"), 9)
                   .arg(QStringLiteral("max ms"), 9);
    for (const Mode t : {Mode::Signal, Mode::Session}) {
        for (const auto metric : {core::LatencyMetric::RoundTrip, core::LatencyMetric::OneWay}) {
            const auto s = core::summarize(samples, t, metric);
            if (s.count == 0) {
                continue;
            }
            ctx.out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8\n")
                           .arg(core::transportName(t), -10)
                           .arg(metric == core::LatencyMetric::RoundTrip
                                    ? QStringLiteral("round trip")
                                    : QStringLiteral("one way"),
                                -11)
                           .arg(s.count, 6)
                           .arg(s.lost, 5)
                           .arg(ms(s.p50), 9)
                           .arg(ms(s.p90), 9)
                           .arg(ms(s.p99), 9)
                           .arg(ms(s.max), 9);
        }
    }
    ctx.out.flush();
    if (!csvPath.isEmpty()) {
        QSaveFile file(csvPath);
        if (!file.open(QIODevice::WriteOnly) || file.write(core::latencyCsv(samples)) < 0 ||
            !file.commit()) {
            return fail(ctx,
                        QStringLiteral("cannot write %1: %2").arg(csvPath, file.errorString()));
        }
    }
    return kExitOk;
}

}  // namespace

std::vector<Command> latencyCommands() {
    return {
        {QStringLiteral("latency"),
         QStringLiteral("Compare the delivery latency of the two transports with probes (never "
                        "shown in a conversation); the samples are kept in the profile."),
         QStringLiteral("[--to self|ID] [--messages N] [--modes signal,session] [--size BYTES] "
                        "[--csv FILE]"),
         [](QCommandLineParser& p) {
             p.addOption({QStringLiteral("to"),
                          QStringLiteral("'self' (default: to your own account in each mode) or "
                                         "a contact's phone number, account id or Session ID "
                                         "(its mode only; they answer each probe)."),
                          QStringLiteral("ID")});
             p.addOption({QStringLiteral("messages"),
                          QStringLiteral("Probes per transport (default 20)."),
                          QStringLiteral("N")});
             p.addOption({QStringLiteral("modes"),
                          QStringLiteral("signal, session or signal,session (default: every "
                                         "mode the profile has)."),
                          QStringLiteral("MODES")});
             p.addOption({QStringLiteral("size"),
                          QStringLiteral("Padding bytes per probe (default 0)."),
                          QStringLiteral("BYTES")});
             p.addOption({QStringLiteral("csv"), QStringLiteral("Write the samples to FILE."),
                          QStringLiteral("FILE")});
             p.addOption({QStringLiteral("interval"),
                          QStringLiteral("Milliseconds between rounds (default 200)."),
                          QStringLiteral("MS")});
             p.addOption({QStringLiteral("timeout"),
                          QStringLiteral("Seconds to wait for answers after the last probe "
                                         "(default 15); later ones count as lost."),
                          QStringLiteral("SECONDS")});
             p.addOption({QStringLiteral("poll"),
                          QStringLiteral("Session mode: poll every MS like Session's clients "
                                         "instead of long-polling (default 0: long-poll)."),
                          QStringLiteral("MS")});
             p.addOption({QStringLiteral("connect-timeout"),
                          QStringLiteral("Give up if the network is not reached in SECONDS "
                                         "(default 20)."),
                          QStringLiteral("SECONDS")});
         },
         runLatency},
    };
}

}  // namespace tandem::cli
