#include "qml/latency/LatencyDashboard.h"

#include <algorithm>
#include <limits>

#include <QSaveFile>

#include "qml/core/StoreFeed.h"
#include "storage/Limits.h"

namespace tandem::gui {

using namespace tandem::storage;

namespace {

std::optional<Mode> kindOf(const QString& transport) {
    if (transport == QLatin1String("signal")) {
        return Mode::Signal;
    }
    if (transport == QLatin1String("session")) {
        return Mode::Session;
    }
    return std::nullopt;
}

// At most `max` points, evenly chosen, the first and last kept.
std::vector<QPointF> thin(std::vector<QPointF> points, std::size_t max) {
    if (points.size() <= max || max < 2) {
        return points;
    }
    std::vector<QPointF> out;
    out.reserve(max);
    const double step = static_cast<double>(points.size() - 1) / static_cast<double>(max - 1);
    for (std::size_t i = 0; i < max; ++i) {
        out.push_back(points[static_cast<std::size_t>(static_cast<double>(i) * step + 0.5)]);
    }
    return out;
}

QVariantList toVariant(const std::vector<QPointF>& points) {
    QVariantList out;
    out.reserve(static_cast<qsizetype>(points.size()));
    for (const QPointF& p : points) {
        out.push_back(p);
    }
    return out;
}

}  // namespace

LatencyDashboard::LatencyDashboard(QObject* parent) : QObject(parent) {
    reloadSoon_.setSingleShot(true);
    reloadSoon_.setInterval(200);
    connect(&reloadSoon_, &QTimer::timeout, this, &LatencyDashboard::reload);
}

void LatencyDashboard::setFeed(StoreFeed* feed) {
    if (!StoreFeed::rebind(this, feed_, feed, [this](StoreFeed& f) {
        connect(&f, &StoreFeed::latencySamplesChanged, this, [this] { reloadSoon_.start(); });
        connect(&f, &StoreFeed::readyChanged, this, [this] { reloadSoon_.start(); });
        connect(&f, &StoreFeed::latencySampled, this, &LatencyDashboard::addLive);
        })) {
        return;
    }
    emit feedChanged();
    reload();
}

QString LatencyDashboard::metric() const {
    return metric_ == core::LatencyMetric::RoundTrip ? QStringLiteral("roundTrip")
                                                     : QStringLiteral("oneWay");
}

void LatencyDashboard::setMetric(const QString& metric) {
    const auto next = metric == QLatin1String("oneWay") ? core::LatencyMetric::OneWay
                                                        : core::LatencyMetric::RoundTrip;
    if (next != metric_) {
        metric_ = next;
        emit metricChanged();
        emit samplesChanged();
    }
}

QString LatencyDashboard::source() const {
    switch (source_) {
        case Source::Probes:
            return QStringLiteral("probes");
        case Source::Messages:
            return QStringLiteral("messages");
        case Source::All:
            break;
    }
    return QStringLiteral("all");
}

void LatencyDashboard::setSource(const QString& source) {
    const Source next = source == QLatin1String("messages") ? Source::Messages
                        : source == QLatin1String("all")    ? Source::All
                                                            : Source::Probes;
    if (next != source_) {
        source_ = next;
        updateShown();
        emit sourceChanged();
        emit samplesChanged();
    }
}

bool LatencyDashboard::isShown(const LatencySample& s) const {
    return source_ == Source::All || s.probeRun.has_value() == (source_ == Source::Probes);
}

void LatencyDashboard::updateShown() {
    shown_.clear();
    if (source_ == Source::All) {
        return;  // shown() is samples_ itself
    }
    for (const LatencySample& s : samples_) {
        if (isShown(s)) {
            shown_.push_back(s);
        }
    }
}

void LatencyDashboard::reload() {
    if (!feed_ || !feed_->ready()) {
        return;
    }
    if (reading_) {
        readAgain_ = true;
        return;
    }
    reading_ = true;
    feed_->store().read(
        [](Repositories& r) -> StoreResult<std::vector<LatencySample>> {
            std::vector<LatencySample> out;
            std::int64_t before = std::numeric_limits<std::int64_t>::max();
            while (out.size() < static_cast<std::size_t>(kMaxSamples)) {
                TANDEM_TRY_ASSIGN(auto page, r.latency.newest(before, limits::kMaxPageSize));
                if (page.empty()) {
                    break;
                }
                before = page.back().id;
                for (LatencySample& s : page) {
                    out.push_back(std::move(s));
                }
            }
            if (out.size() > static_cast<std::size_t>(kMaxSamples)) {
                out.resize(static_cast<std::size_t>(kMaxSamples));
            }
            std::reverse(out.begin(), out.end());
            return out;
        },
        this,
        [this](StoreResult<std::vector<LatencySample>> read) {
            reading_ = false;
            if (read) {
                samples_ = std::move(read).value();
                updateShown();
                emit samplesChanged();
                emit reloaded();
            }
            if (std::exchange(readAgain_, false)) {
                reload();
            }
        });
}

void LatencyDashboard::addLive(const QString& transport, qint64 sentAt, double roundTripMs,
                               double oneWayMs) {
    const auto kind = kindOf(transport);
    if (!kind) {
        return;
    }
    // Shown now; replaced by the stored sample when the run's samples are written.
    LatencySample s;
    s.transport = *kind;
    s.probeRun = 0;  // only probes are reported live
    s.sentAt = sentAt;
    s.lost = roundTripMs < 0;
    if (!s.lost) {
        s.roundTripUs = static_cast<std::int64_t>(roundTripMs * 1000.0);
        s.oneWayUs = static_cast<std::int64_t>(oneWayMs * 1000.0);
    }
    // Both lists kept as they are, not picked again from up to kMaxSamples for each sample.
    const bool filtered = source_ != Source::All;
    if (samples_.size() >= static_cast<std::size_t>(kMaxSamples)) {
        if (filtered && isShown(samples_.front())) {
            shown_.erase(shown_.begin());  // the oldest shown is the oldest read
        }
        samples_.erase(samples_.begin());
    }
    samples_.push_back(s);
    if (filtered && isShown(s)) {
        shown_.push_back(s);
    }
    emit samplesChanged();
}

QVariantList LatencyDashboard::summaries() const {
    QVariantList out;
    const auto ms = [](const std::optional<double>& v) { return v ? QVariant(*v) : QVariant(); };
    const std::vector<LatencySample>& shown = this->shown();
    for (const Mode t : {Mode::Signal, Mode::Session}) {
        const core::LatencySummary s = core::summarize(shown, t, metric_);
        if (s.count == 0) {
            continue;
        }
        out.push_back(QVariantMap{{QStringLiteral("transport"), core::transportName(t)},
                                  {QStringLiteral("count"), s.count},
                                  {QStringLiteral("lost"), s.lost},
                                  {QStringLiteral("p50"), ms(s.p50)},
                                  {QStringLiteral("p90"), ms(s.p90)},
                                  {QStringLiteral("p99"), ms(s.p99)},
                                  {QStringLiteral("max"), ms(s.max)}});
    }
    return out;
}

double LatencyDashboard::maxMs() const {
    double out = 0;
    const std::vector<LatencySample>& shown = this->shown();
    for (const Mode t : {Mode::Signal, Mode::Session}) {
        for (const double v : core::latencyValuesMs(shown, t, metric_)) {
            out = std::max(out, v);
        }
    }
    return out;
}

QDateTime LatencyDashboard::firstAt() const {
    const std::vector<LatencySample>& shown = this->shown();
    if (shown.empty()) {
        return QDateTime::currentDateTime();
    }
    const auto it = std::min_element(
        shown.begin(), shown.end(),
        [](const LatencySample& a, const LatencySample& b) { return a.sentAt < b.sentAt; });
    return QDateTime::fromMSecsSinceEpoch(it->sentAt);
}

QDateTime LatencyDashboard::lastAt() const {
    const std::vector<LatencySample>& shown = this->shown();
    if (shown.empty()) {
        return QDateTime::currentDateTime();
    }
    const auto it = std::max_element(
        shown.begin(), shown.end(),
        [](const LatencySample& a, const LatencySample& b) { return a.sentAt < b.sentAt; });
    return QDateTime::fromMSecsSinceEpoch(it->sentAt);
}

std::vector<QPointF> LatencyDashboard::cdf(Mode transport) const {
    const std::vector<LatencySample>& shown = this->shown();
    std::vector<double> values = core::latencyValuesMs(shown, transport, metric_);
    std::sort(values.begin(), values.end());
    const core::LatencySummary s = core::summarize(shown, transport, metric_);
    std::vector<QPointF> points;
    points.reserve(values.size());
    // The fraction of every sample (lost ones included) delivered within x ms.
    for (std::size_t i = 0; i < values.size(); ++i) {
        points.emplace_back(values[i], static_cast<double>(i + 1) / static_cast<double>(s.count));
    }
    return thin(std::move(points), kMaxPoints);
}

std::vector<QPointF> LatencyDashboard::timeline(Mode transport) const {
    std::vector<QPointF> points;
    for (const LatencySample& s : shown()) {
        const auto& us = metric_ == core::LatencyMetric::RoundTrip ? s.roundTripUs : s.oneWayUs;
        if (s.transport == transport && !s.lost && us) {
            points.emplace_back(static_cast<double>(s.sentAt), static_cast<double>(*us) / 1000.0);
        }
    }
    std::stable_sort(points.begin(), points.end(),
                     [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); });
    return thin(std::move(points), kMaxPoints);
}

QVariantList LatencyDashboard::cdfPoints(const QString& transport) const {
    const auto kind = kindOf(transport);
    return kind ? toVariant(cdf(*kind)) : QVariantList();
}

QVariantList LatencyDashboard::timelinePoints(const QString& transport) const {
    const auto kind = kindOf(transport);
    return kind ? toVariant(timeline(*kind)) : QVariantList();
}

QString LatencyDashboard::exportCsv(const QUrl& file) const {
    const QString path = file.isLocalFile() ? file.toLocalFile() : file.toString();
    if (path.isEmpty()) {
        return tr("No file was chosen.");
    }
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(core::latencyCsv(shown())) < 0 ||
        !out.commit()) {
        return tr("Cannot write %1: %2").arg(path, out.errorString());
    }
    return {};
}

}  // namespace tandem::gui
