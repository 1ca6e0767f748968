#include "app/core/LatencyStats.h"

#include <algorithm>
#include <cmath>

namespace tandem::core {

using namespace tandem::storage;

std::optional<double> percentile(const std::vector<double>& sorted, std::size_t total, double p) {
    if (total == 0) {
        return std::nullopt;
    }
    const auto n = static_cast<double>(total);
    const auto rank = static_cast<std::size_t>(std::max(1.0, std::ceil(p / 100.0 * n)));
    if (rank > sorted.size()) {
        return std::nullopt;
    }
    return sorted[rank - 1];
}

std::vector<double> latencyValuesMs(const std::vector<LatencySample>& samples, Mode transport,
                                    LatencyMetric metric) {
    std::vector<double> out;
    for (const LatencySample& s : samples) {
        if (s.transport != transport || s.lost) {
            continue;
        }
        const auto& us = metric == LatencyMetric::RoundTrip ? s.roundTripUs : s.oneWayUs;
        if (us) {
            out.push_back(static_cast<double>(*us) / 1000.0);
        }
    }
    return out;
}

LatencySummary summarize(const std::vector<LatencySample>& samples, Mode transport,
                         LatencyMetric metric) {
    LatencySummary out;
    for (const LatencySample& s : samples) {
        if (s.transport == transport) {
            ++out.count;
            out.lost += s.lost ? 1 : 0;
        }
    }
    std::vector<double> values = latencyValuesMs(samples, transport, metric);
    std::sort(values.begin(), values.end());
    const auto total = static_cast<std::size_t>(out.count);
    out.p50 = percentile(values, total, 50);
    out.p90 = percentile(values, total, 90);
    out.p99 = percentile(values, total, 99);
    if (!values.empty()) {
        out.max = values.back();
    }
    return out;
}

QString transportName(Mode transport) {
    return modeName(transport).toLower();
}

QByteArray latencyCsv(const std::vector<LatencySample>& samples) {
    QByteArray out = "run,transport,sent_at_ms,one_way_us,round_trip_us,size,path,lost\n";
    const auto optional = [](const std::optional<std::int64_t>& v) {
        return v ? QByteArray::number(*v) : QByteArray();
    };
    for (const LatencySample& s : samples) {
        QByteArray path = s.path.toUtf8();
        path.replace('"', "\"\"");
        out += (s.probeRun ? QByteArray::number(*s.probeRun) : QByteArray()) + ',' +
               transportName(s.transport).toLatin1() + ',' + QByteArray::number(s.sentAt) + ',' +
               optional(s.oneWayUs) + ',' + optional(s.roundTripUs) + ',' +
               QByteArray::number(s.size) + ",\"" + path + "\"," + (s.lost ? "1" : "0") + '\n';
    }
    return out;
}

}  // namespace tandem::core
