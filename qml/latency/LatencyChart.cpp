#include "qml/latency/LatencyChart.h"

#include <algorithm>
#include <cmath>

#include <QDateTime>
#include <QFontMetricsF>
#include <QLinearGradient>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>

namespace tandem::gui {

namespace {

constexpr double kCard = 9;      // the card's inset from the item, and its corners' radius
constexpr double kRadius = 5;
constexpr double kMargin = kCard + 10;
constexpr double kTickGap = 6;   // between a label and the plot
constexpr double kMarker = 8;    // the legend's colour square
constexpr double kDot = 6;       // a point's diameter
constexpr double kLineWidth = 2;

}  // namespace

LatencyChart::LatencyChart(QQuickItem* parent) : QQuickPaintedItem(parent) {
    setAntialiasing(true);
    connect(this, &LatencyChart::changed, this, [this] { update(); });
}

void LatencyChart::setSeries(int index, const QString& name, const QColor& color,
                             const QVariantList& points) {
    if (index < 0 || index >= kMaxSeries) {
        qWarning("LatencyChart: series %d is not one of the %d", index, kMaxSeries);
        return;
    }
    Series& s = series_[static_cast<std::size_t>(index)];
    s.name = name;
    s.color = color;
    s.used = true;
    s.points.clear();
    s.points.reserve(static_cast<std::size_t>(points.size()));
    for (const QVariant& p : points) {
        const QPointF point = p.toPointF();
        if (std::isfinite(point.x()) && std::isfinite(point.y())) {
            s.points.push_back(point);
        }
    }
    emit changed();
}

int LatencyChart::pointCount() const {
    std::size_t n = 0;
    for (const Series& s : series_) {
        n += s.points.size();
    }
    return static_cast<int>(n);
}

std::vector<double> LatencyChart::ticks(double min, double max, double step, bool fromMin) {
    std::vector<double> out;
    if (!(max > min) || !(step > 0) || !std::isfinite(min) || !std::isfinite(max)) {
        return out;
    }
    // A step that would give more ticks than the bound is widened by whole multiples.
    const double n = (max - min) / step;
    if (n > kMaxTicks) {
        step *= std::ceil(n / kMaxTicks);
    }
    const double first = fromMin ? min : std::ceil(min / step - 1e-9) * step;
    for (int i = 0; i <= kMaxTicks; ++i) {
        const double v = first + step * i;
        if (v > max + step * 1e-9) {
            break;
        }
        out.push_back(v);
    }
    return out;
}

QString LatencyChart::xLabel(double x) const {
    if (xTime_) {
        return QLocale().toString(QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(x)).time(),
                                  timeFormat_);
    }
    return QLocale().toString(x, 'f', xDecimals_);
}

void LatencyChart::paint(QPainter* painter) {
    const QRectF all = boundingRect();
    if (all.width() < 4 * kMargin || all.height() < 4 * kMargin) {
        return;
    }
    painter->setRenderHint(QPainter::Antialiasing);
    const QRectF card = all.adjusted(kCard, kCard, -kCard, -kCard);
    if (backgroundEnd_.isValid() && backgroundEnd_.alpha() > 0) {
        QLinearGradient gradient(card.topLeft(), card.bottomLeft());
        gradient.setColorAt(0, background_);
        gradient.setColorAt(1, backgroundEnd_);
        painter->setBrush(gradient);
    } else {
        painter->setBrush(background_);
    }
    painter->setPen(Qt::NoPen);
    painter->drawRoundedRect(card, kRadius, kRadius);
    const QFont labelFont = painter->font();
    const QFont titleFont = labelFont;
    QFont axisTitleFont = labelFont;
    axisTitleFont.setBold(true);
    const QFontMetricsF fm(labelFont);
    const QFontMetricsF tfm(titleFont);
    const double line = fm.height();

    // Value axes tick at multiples of the step (0 anchors them); the time axis from its start.
    const std::vector<double> xTicks = ticks(xMin_, xMax_, xStep_, xTime_);
    const std::vector<double> yTicks = ticks(yMin_, yMax_, yStep_, false);
    QStringList yLabels;
    double yLabelWidth = 0;
    for (const double y : yTicks) {
        yLabels << QLocale().toString(y, 'f', yDecimals_);
        yLabelWidth = std::max(yLabelWidth, fm.horizontalAdvance(yLabels.back()));
    }
    const bool hasLegend =
        std::any_of(series_.begin(), series_.end(), [](const Series& s) { return s.used; });

    // The plot's rectangle, inside the title, the axes' labels and titles, and the legend.
    const double top = kMargin + (title_.isEmpty() ? 0 : tfm.height() + kTickGap);
    const double left = kMargin + (yTitle_.isEmpty() ? 0 : line + kTickGap) + yLabelWidth +
                        kTickGap;
    const double bottom = all.height() - kMargin - (hasLegend ? line + kTickGap : 0) -
                          (xTitle_.isEmpty() ? 0 : line + kTickGap / 2) - line - kTickGap;
    const double right =
        all.width() - kMargin - (xTicks.empty() ? 0 : fm.horizontalAdvance(xLabel(xMax_)) / 2);
    const QRectF plot(QPointF(left, top), QPointF(std::max(left + 1, right),
                                                  std::max(top + 1, bottom)));
    const auto mapX = [&](double x) {
        return plot.left() + (x - xMin_) / (xMax_ - xMin_) * plot.width();
    };
    const auto mapY = [&](double y) {
        return plot.bottom() - (y - yMin_) / (yMax_ - yMin_) * plot.height();
    };

    painter->setPen(foreground_);
    if (!title_.isEmpty()) {
        painter->setFont(titleFont);
        painter->drawText(QRectF(0, kMargin, all.width(), tfm.height()), Qt::AlignCenter, title_);
    }
    painter->setFont(labelFont);

    // Grid and tick labels.
    QPen gridPen(grid_, 1);
    gridPen.setCosmetic(true);
    for (std::size_t i = 0; i < yTicks.size(); ++i) {
        const double y = mapY(yTicks[i]);
        painter->setPen(gridPen);
        painter->drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
        painter->setPen(foreground_);
        painter->drawText(QRectF(plot.left() - kTickGap - yLabelWidth, y - line / 2, yLabelWidth,
                                 line),
                          Qt::AlignRight | Qt::AlignVCenter, yLabels[static_cast<qsizetype>(i)]);
    }
    for (const double x : xTicks) {
        const double px = mapX(x);
        painter->setPen(gridPen);
        painter->drawLine(QPointF(px, plot.top()), QPointF(px, plot.bottom()));
        painter->setPen(foreground_);
        const QString label = xLabel(x);
        const double w = fm.horizontalAdvance(label);
        painter->drawText(QRectF(px - w / 2 - 2, plot.bottom() + kTickGap / 2, w + 4, line),
                          Qt::AlignCenter, label);
    }
    // The axes' lines, left and below.
    painter->setPen(QPen(axis_, 1));
    painter->drawLine(plot.bottomLeft(), plot.topLeft());
    painter->drawLine(plot.bottomLeft(), plot.bottomRight());

    // Axis titles.
    painter->setPen(foreground_);
    painter->setFont(axisTitleFont);
    if (!xTitle_.isEmpty()) {
        painter->drawText(QRectF(plot.left(), plot.bottom() + kTickGap + line, plot.width(), line),
                          Qt::AlignCenter, xTitle_);
    }
    if (!yTitle_.isEmpty()) {
        painter->save();
        painter->translate(kMargin, plot.center().y());
        painter->rotate(-90);
        painter->drawText(QRectF(-plot.height() / 2, 0, plot.height(), line), Qt::AlignCenter,
                          yTitle_);
        painter->restore();
    }
    painter->setFont(labelFont);

    // The series, clipped to the plot.
    painter->save();
    painter->setClipRect(plot.adjusted(-kDot, -kDot, kDot, kDot));
    for (const Series& s : series_) {
        if (s.points.empty()) {
            continue;
        }
        if (points_) {
            painter->setPen(Qt::NoPen);
            painter->setBrush(s.color);
            for (const QPointF& p : s.points) {
                painter->drawEllipse(QPointF(mapX(p.x()), mapY(p.y())), kDot / 2, kDot / 2);
            }
        } else {
            QPainterPath path(QPointF(mapX(s.points.front().x()), mapY(s.points.front().y())));
            for (std::size_t i = 1; i < s.points.size(); ++i) {
                path.lineTo(mapX(s.points[i].x()), mapY(s.points[i].y()));
            }
            QPen pen(s.color, kLineWidth);
            pen.setJoinStyle(Qt::RoundJoin);
            painter->setPen(pen);
            painter->setBrush(Qt::NoBrush);
            painter->drawPath(path);
        }
    }
    painter->restore();

    // The legend, centred below.
    if (hasLegend) {
        double width = 0;
        for (const Series& s : series_) {
            if (s.used) {
                width += kMarker + kTickGap + fm.horizontalAdvance(s.name) + 3 * kTickGap;
            }
        }
        double x = std::max(kMargin, (all.width() - width) / 2);
        const double y = all.height() - kMargin - line;
        for (const Series& s : series_) {
            if (!s.used) {
                continue;
            }
            painter->setPen(QPen(foreground_, 1));
            painter->setBrush(s.color);
            painter->drawRect(QRectF(x, y + (line - kMarker) / 2, kMarker, kMarker));
            x += kMarker + kTickGap;
            painter->setPen(foreground_);
            const double w = fm.horizontalAdvance(s.name);
            painter->drawText(QRectF(x, y, w + 2, line), Qt::AlignLeft | Qt::AlignVCenter, s.name);
            x += w + 3 * kTickGap;
        }
    }
}

}  // namespace tandem::gui
