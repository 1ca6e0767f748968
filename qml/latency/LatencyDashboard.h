// LatencyDashboard: what the "Compare latency" page shows (docs/latency.md) — the newest
// latency samples of both transports from the store (read on the storage thread), their
// p50/p90/p99/max/lost by the same LatencyStats as tandemctl, and the series for the charts:
// a CDF per transport (lost probes keep it below 1) and latency over time. It follows the core
// live: a probe's sample as it comes, and the store again when samples were written.
#pragma once

#include <vector>

#include <QDateTime>
#include <QObject>
#include <QPointF>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

#include "qml/core/StoreFeed.h"
#include "app/core/LatencyStats.h"
#include "storage/Types.h"

namespace tandem::gui {



class LatencyDashboard : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(tandem::gui::StoreFeed* feed READ feed WRITE setFeed NOTIFY feedChanged)
    // "roundTrip" (on the sender's clock) or "oneWay" (across two clocks; exact to ourselves).
    Q_PROPERTY(QString metric READ metric WRITE setMetric NOTIFY metricChanged)
    // Which samples: "probes" (comparison runs: the transports alone), "messages" (delivery
    // receipts of what was sent in chats: also the outbox and the recipient's presence), or
    // "all". Not mixed by default: the two measure different things.
    Q_PROPERTY(QString source READ source WRITE setSource NOTIFY sourceChanged)
    // One map per transport that has samples: transport ("signal"/"session"), count, lost,
    // p50, p90, p99, max (milliseconds; null where the rank falls on a lost probe).
    Q_PROPERTY(QVariantList summaries READ summaries NOTIFY samplesChanged)
    Q_PROPERTY(int sampleCount READ sampleCount NOTIFY samplesChanged)
    // Axis ranges: the largest answered value (ms), and the first and last send time.
    Q_PROPERTY(double maxMs READ maxMs NOTIFY samplesChanged)
    Q_PROPERTY(QDateTime firstAt READ firstAt NOTIFY samplesChanged)
    Q_PROPERTY(QDateTime lastAt READ lastAt NOTIFY samplesChanged)

public:
    static constexpr int kMaxSamples = 10000;  // the newest, read from the store
    static constexpr int kMaxPoints = 1000;    // per series: more are thinned evenly

    explicit LatencyDashboard(QObject* parent = nullptr);

    [[nodiscard]] StoreFeed* feed() const { return feed_; }
    void setFeed(StoreFeed* feed);
    [[nodiscard]] QString metric() const;
    void setMetric(const QString& metric);
    [[nodiscard]] QVariantList summaries() const;
    [[nodiscard]] int sampleCount() const { return static_cast<int>(shown().size()); }
    [[nodiscard]] double maxMs() const;
    [[nodiscard]] QDateTime firstAt() const;
    [[nodiscard]] QDateTime lastAt() const;

    Q_INVOKABLE void reload();
    // A chart's points for "signal" or "session" (LatencyChart::setSeries): x: ms, y: fraction
    // of all samples; x: send time in ms since the epoch, y: ms.
    Q_INVOKABLE QVariantList cdfPoints(const QString& transport) const;
    Q_INVOKABLE QVariantList timelinePoints(const QString& transport) const;
    // Writes the samples shown as CSV (LatencyStats' columns); empty on success, else why not.
    Q_INVOKABLE QString exportCsv(const QUrl& file) const;

    [[nodiscard]] QString source() const;
    void setSource(const QString& source);
    // The samples shown (of the newest kMaxSamples read, those of the source; oldest first).
    [[nodiscard]] const std::vector<storage::LatencySample>& samples() const { return shown(); }

signals:
    void feedChanged();
    void metricChanged();
    void sourceChanged();
    void samplesChanged();
    void reloaded();

private:
    void addLive(const QString& transport, qint64 sentAt, double roundTripMs, double oneWayMs);
    [[nodiscard]] std::vector<QPointF> cdf(storage::Mode transport) const;
    [[nodiscard]] std::vector<QPointF> timeline(storage::Mode transport) const;

    QPointer<StoreFeed> feed_;
    enum class Source { Probes, Messages, All };
    core::LatencyMetric metric_ = core::LatencyMetric::RoundTrip;
    Source source_ = Source::Probes;
    std::vector<storage::LatencySample> samples_;
    // samples_ of the source, chosen once per change (every figure and series reads it);
    // empty for All, where shown() is samples_ itself.
    std::vector<storage::LatencySample> shown_;
    [[nodiscard]] const std::vector<storage::LatencySample>& shown() const {
        return source_ == Source::All ? samples_ : shown_;
    }
    [[nodiscard]] bool isShown(const storage::LatencySample& s) const;
    void updateShown();
    QTimer reloadSoon_;  // bursts of "samples written" become one read
    bool reading_ = false;
    bool readAgain_ = false;
};

}  // namespace tandem::gui
