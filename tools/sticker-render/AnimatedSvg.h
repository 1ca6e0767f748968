// An SVG sticker with SMIL animation, evaluated by us: frameAt(ms) returns a static SVG in
// which every <animateTransform>, <animateColor> and <animate> has been replaced by its
// value at that time, for QSvgRenderer to draw.
//
// Why not QSvgRenderer's own animation (Qt 6.4, also 6.6): its clock is the wall clock, and
// setCurrentFrame() moves it the wrong way (m_time += instead of -=), so a frame cannot be
// chosen; and a values list with more than two entries is interpolated with the fraction of
// the whole animation instead of the fraction of the segment, so a 0;20;0 swing peaks at 10
// and jumps. Evaluating the subset below ourselves gives exact, repeatable frames that look
// as they do in a browser.
//
// The subset (anything else is an error with a sentence saying what):
// - <animateTransform type="translate|scale|rotate|skewX|skewY">, <animateColor> and
//   <animate> (any numeric or colour attribute, e.g. opacity, fill, r), each the child of the
//   element it animates;
// - values="a;b;…" or from/to; keyTimes; calcMode linear (default), discrete or spline with
//   keySplines; additive="sum" (after the element's own transform) or replace;
// - repeatCount="indefinite" and begin="0s" or negative (a phase offset), because a sticker
//   loops: every dur must divide the longest one, which is the loop's length.
#pragma once

#include <QByteArray>
#include <QDomDocument>
#include <QString>

#include <tandem/common/Expected.h>

namespace tandem::stickers {

class AnimatedSvg {
public:
    static Expected<AnimatedSvg, QString> parse(const QByteArray& svg);

    bool animated() const { return loopMs_ > 0; }
    int loopMs() const { return loopMs_; }  // 0 for a static SVG
    // The document at timeMs (taken modulo the loop), with no animation elements left.
    QByteArray frameAt(int timeMs) const;

private:
    QDomDocument doc_;
    int loopMs_ = 0;
};

}  // namespace tandem::stickers
