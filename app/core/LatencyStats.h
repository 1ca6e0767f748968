// LatencyStats: the figures `tandemctl latency` prints and the app's comparison page shows,
// computed one way for both: percentiles by nearest rank over every sample, a lost one counting
// as slower than any answered one (so losses are never dropped from the statistics: with 2 %
// lost, p99 is "lost"), and the CSV both export.
#pragma once

#include <optional>
#include <vector>

#include <QString>

#include "storage/Types.h"

namespace tandem::core {

enum class LatencyMetric { RoundTrip, OneWay };

struct LatencySummary {
    int count = 0;  // samples, lost ones included
    int lost = 0;
    // Milliseconds; nullopt when the rank falls on a lost sample (max: none was answered).
    std::optional<double> p50, p90, p99, max;
};

// Nearest rank over `total` values of which `sorted` are the answered ones (the rest lost,
// slower than all): nullopt when the rank lands on a lost one.
std::optional<double> percentile(const std::vector<double>& sorted, std::size_t total, double p);

// The samples' values in milliseconds (answered ones, in the order given).
std::vector<double> latencyValuesMs(const std::vector<storage::LatencySample>& samples,
                                    storage::Mode transport, LatencyMetric metric);
LatencySummary summarize(const std::vector<storage::LatencySample>& samples,
                         storage::Mode transport, LatencyMetric metric);

QString transportName(storage::Mode transport);  // "signal" / "session"

// run,transport,sent_at_ms,one_way_us,round_trip_us,size,path,lost — one line per sample,
// with a header line.
QByteArray latencyCsv(const std::vector<storage::LatencySample>& samples);

}  // namespace tandem::core
