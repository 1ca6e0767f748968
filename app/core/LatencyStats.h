// LatencyStats: the figures `tandemctl latency` prints and the app's comparison page shows,
// computed one way for both: percentiles by nearest rank over the answered samples, lost
// samples counted beside them (never dropped from the count), and the CSV both export.
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
    // Milliseconds over the answered samples; nullopt when none was answered.
    std::optional<double> p50, p90, p99, max;
};

// Nearest rank: the smallest value with at least p% of the values at or below it.
double percentile(const std::vector<double>& sorted, double p);

// The samples' values in milliseconds (answered ones, in the order given).
std::vector<double> latencyValuesMs(const std::vector<storage::LatencySample>& samples,
                                    storage::TransportKind transport, LatencyMetric metric);
LatencySummary summarize(const std::vector<storage::LatencySample>& samples,
                         storage::TransportKind transport, LatencyMetric metric);

QString transportName(storage::TransportKind transport);  // "signal" / "session"

// run,transport,sent_at_ms,one_way_us,round_trip_us,size,path,lost — one line per sample,
// with a header line.
QByteArray latencyCsv(const std::vector<storage::LatencySample>& samples);

}  // namespace tandem::core
