// What the benchmarks share: a steady clock, timestamped payloads, percentiles and medians
// over repetitions, and child processes (daemons) that die with the bench.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <QProcess>
#include <QString>
#include <QStringList>

namespace tandem::bench {

using Clock = std::chrono::steady_clock;

std::int64_t nowNs();

// The payload: send time (ns) ‖ sequence number ‖ random filler (size ≥ 16).
std::string makePayload(int size, std::uint64_t seq, std::int64_t sentNs);
std::pair<std::int64_t, std::uint64_t> readPayload(const char* data, std::size_t size);

struct Percentiles {
    double p50us = 0;
    double p90us = 0;
    double p99us = 0;
    double maxUs = 0;
};
Percentiles percentiles(std::vector<std::int64_t> ns);

double median(std::vector<double> v);
// "median (min … max)"
QString range(const std::vector<double>& v, int decimals);

// Started with PR_SET_PDEATHSIG: a bench that dies takes its daemons with it.
std::unique_ptr<QProcess> startChild(const QString& program, const QStringList& args);
void killChild(std::unique_ptr<QProcess>& p);  // SIGKILL
void stopChild(std::unique_ptr<QProcess>& p);  // SIGTERM, then SIGKILL after 10 s

}  // namespace tandem::bench
