#include "bench/BenchSupport.h"

#include <algorithm>
#include <csignal>
#include <cstring>
#include <sodium.h>
#include <sys/prctl.h>

namespace tandem::bench {

std::int64_t nowNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
        .count();
}

// The payload: send time (ns) ‖ sequence number ‖ random filler.
std::string makePayload(int size, std::uint64_t seq, std::int64_t sentNs) {
    std::string p(static_cast<std::size_t>(size), '\0');
    std::memcpy(p.data(), &sentNs, 8);
    std::memcpy(p.data() + 8, &seq, 8);
    randombytes_buf(p.data() + 16, p.size() - 16);
    return p;
}

std::pair<std::int64_t, std::uint64_t> readPayload(const char* data, std::size_t size) {
    std::int64_t sent = 0;
    std::uint64_t seq = 0;
    if (size >= 16) {
        std::memcpy(&sent, data, 8);
        std::memcpy(&seq, data + 8, 8);
    }
    return {sent, seq};
}

Percentiles percentiles(std::vector<std::int64_t> ns) {
    if (ns.empty()) {
        return {};
    }
    std::sort(ns.begin(), ns.end());
    const auto at = [&](double q) {
        return static_cast<double>(
                   ns[static_cast<std::size_t>(q * static_cast<double>(ns.size() - 1))]) /
               1000.0;
    };
    return {at(0.50), at(0.90), at(0.99), at(1.0)};
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

QString range(const std::vector<double>& v, int decimals) {
    if (v.empty()) {
        return QStringLiteral("–");
    }
    const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    return QStringLiteral("%1 (%2 … %3)")
        .arg(median(v), 0, 'f', decimals)
        .arg(*lo, 0, 'f', decimals)
        .arg(*hi, 0, 'f', decimals);
}

std::unique_ptr<QProcess> startChild(const QString& program, const QStringList& args) {
    auto p = std::make_unique<QProcess>();
    p->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    p->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p->start(program, args);
    if (!p->waitForStarted(5000)) {
        qFatal("cannot start %s", qPrintable(program));
    }
    return p;
}

void killChild(std::unique_ptr<QProcess>& p) {
    if (p && p->state() != QProcess::NotRunning) {
        p->kill();
        p->waitForFinished(5000);
    }
    p.reset();
}

void stopChild(std::unique_ptr<QProcess>& p) {
    if (p && p->state() != QProcess::NotRunning) {
        p->terminate();
        if (!p->waitForFinished(10000)) {
            p->kill();
            p->waitForFinished(5000);
        }
    }
    p.reset();
}

}  // namespace tandem::bench
