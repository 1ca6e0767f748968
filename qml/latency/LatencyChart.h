// LatencyChart: one chart of the "Compare latency" page (docs/latency.md) drawn in Qt Quick —
// a title, two value axes with ticks, grid and titles (x may be wall-clock time), up to
// kMaxSeries series as lines (the CDF) or points (over time), and a legend below.
//
// It replaces Qt Charts' ChartView, which is built on QGraphicsView and so needs QtWidgets and
// a QApplication: the app runs on a QGuiApplication and loads no widgets (docs/app.md,
// "Start"). The axes' ranges and steps are the page's (it rounds them); numbers and times are
// written in the default locale (the language chosen, docs/translations.md).
#pragma once

#include <array>
#include <vector>

#include <QColor>
#include <QPointF>
#include <QQuickPaintedItem>
#include <QString>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

namespace tandem::gui {

class LatencyChart : public QQuickPaintedItem {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString title MEMBER title_ NOTIFY changed)
    // Lines: each series joined in x order; Points: a dot per sample.
    Q_PROPERTY(bool points MEMBER points_ NOTIFY changed)
    Q_PROPERTY(QString xTitle MEMBER xTitle_ NOTIFY changed)
    Q_PROPERTY(QString yTitle MEMBER yTitle_ NOTIFY changed)
    Q_PROPERTY(double xMin MEMBER xMin_ NOTIFY changed)
    Q_PROPERTY(double xMax MEMBER xMax_ NOTIFY changed)
    // Between ticks; a time axis (xTime) is in milliseconds since the epoch.
    Q_PROPERTY(double xStep MEMBER xStep_ NOTIFY changed)
    Q_PROPERTY(bool xTime MEMBER xTime_ NOTIFY changed)
    // A time axis' label format (QLocale's, e.g. "h:mm:ss AP").
    Q_PROPERTY(QString timeFormat MEMBER timeFormat_ NOTIFY changed)
    Q_PROPERTY(int xDecimals MEMBER xDecimals_ NOTIFY changed)
    Q_PROPERTY(double yMin MEMBER yMin_ NOTIFY changed)
    Q_PROPERTY(double yMax MEMBER yMax_ NOTIFY changed)
    Q_PROPERTY(double yStep MEMBER yStep_ NOTIFY changed)
    Q_PROPERTY(int yDecimals MEMBER yDecimals_ NOTIFY changed)
    // The chart's card: `background`, or a vertical gradient to `backgroundEnd` when that is
    // set and not transparent (the dark look); the page shows through around it.
    Q_PROPERTY(QColor background MEMBER background_ NOTIFY changed)
    Q_PROPERTY(QColor backgroundEnd MEMBER backgroundEnd_ NOTIFY changed)
    Q_PROPERTY(QColor axis MEMBER axis_ NOTIFY changed)
    Q_PROPERTY(QColor foreground MEMBER foreground_ NOTIFY changed)
    Q_PROPERTY(QColor grid MEMBER grid_ NOTIFY changed)
    // How many points the series hold in all (what the tests read).
    Q_PROPERTY(int pointCount READ pointCount NOTIFY changed)

public:
    static constexpr int kMaxSeries = 4;
    static constexpr int kMaxTicks = 50;  // per axis: a step too small for the range is widened

    explicit LatencyChart(QQuickItem* parent = nullptr);

    // Series `index` (0 … kMaxSeries-1): its name in the legend, its colour, and its points
    // ({x, y} as the dashboard's cdfPoints / timelinePoints give them). Empty points: no
    // line, but still in the legend.
    Q_INVOKABLE void setSeries(int index, const QString& name, const QColor& color,
                               const QVariantList& points);
    [[nodiscard]] int pointCount() const;

    void paint(QPainter* painter) override;

signals:
    void changed();

private:
    struct Series {
        QString name;
        QColor color;
        std::vector<QPointF> points;
        bool used = false;
    };
    // Tick values from min to max, `step` apart (at most kMaxTicks): at multiples of the step,
    // or from min itself.
    [[nodiscard]] static std::vector<double> ticks(double min, double max, double step,
                                                   bool fromMin);
    [[nodiscard]] QString xLabel(double x) const;

    QString title_;
    bool points_ = false;
    QString xTitle_;
    QString yTitle_;
    double xMin_ = 0;
    double xMax_ = 1;
    double xStep_ = 0.2;
    bool xTime_ = false;
    QString timeFormat_ = QStringLiteral("hh:mm:ss");
    int xDecimals_ = 0;
    double yMin_ = 0;
    double yMax_ = 1;
    double yStep_ = 0.2;
    int yDecimals_ = 2;
    QColor background_ = Qt::white;
    QColor backgroundEnd_;
    QColor axis_ = QColor(0x8c, 0x8c, 0x8c);
    QColor foreground_ = Qt::black;
    QColor grid_ = QColor(0xd0, 0xd0, 0xd0);
    std::array<Series, kMaxSeries> series_;
};

}  // namespace tandem::gui
