#include "AnimatedSvg.h"

#include <array>
#include <cmath>
#include <numeric>
#include <variant>
#include <vector>

#include <QColor>
#include <QDomElement>
#include <QDomNodeList>
#include <QRegularExpression>

namespace tandem::stickers {
namespace {

const QStringList kAnimationTags{QStringLiteral("animateTransform"), QStringLiteral("animateColor"),
                                 QStringLiteral("animate")};

using Value = std::variant<QColor, std::vector<double>>;

struct Animation {
    bool transform = false;
    QString attribute;  // the attribute set on the parent (transform for animateTransform)
    QString type;       // animateTransform's type
    bool additive = false;
    int beginMs = 0;
    int durMs = 0;
    enum class Mode { Linear, Discrete, Spline } mode = Mode::Linear;
    std::vector<Value> values;
    std::vector<double> keyTimes;
    std::vector<std::array<double, 4>> splines;
};

// Elements in document order, so a clone of the document lines up with what parse() read.
QList<QDomElement> animationElements(const QDomDocument& doc) {
    QList<QDomElement> out;
    QList<QDomElement> stack{doc.documentElement()};
    while (!stack.isEmpty()) {
        const QDomElement e = stack.takeFirst();
        if (kAnimationTags.contains(e.tagName())) {
            out.append(e);
            continue;
        }
        QList<QDomElement> children;
        for (QDomElement c = e.firstChildElement(); !c.isNull(); c = c.nextSiblingElement())
            children.append(c);
        stack = children + stack;
    }
    return out;
}

std::optional<int> clockMs(QString s) {
    s = s.trimmed();
    double scale = 1000;
    if (s.endsWith(QLatin1String("ms"))) {
        s.chop(2);
        scale = 1;
    } else if (s.endsWith(QLatin1Char('s'))) {
        s.chop(1);
    }
    bool ok = false;
    const double v = s.toDouble(&ok);
    if (!ok || std::abs(v * scale) > 600'000)
        return std::nullopt;
    return static_cast<int>(std::lround(v * scale));
}

std::optional<std::vector<double>> numbers(const QString& s) {
    static const QRegularExpression sep(QStringLiteral("[\\s,]+"));
    std::vector<double> out;
    for (const QString& part : s.split(sep, Qt::SkipEmptyParts)) {
        bool ok = false;
        out.push_back(part.toDouble(&ok));
        if (!ok)
            return std::nullopt;
    }
    if (out.empty())
        return std::nullopt;
    return out;
}

std::optional<Value> parseValue(const QString& text, bool colour) {
    if (colour) {
        const QColor c = QColor::fromString(text.trimmed());
        if (!c.isValid())
            return std::nullopt;
        return Value{c};
    }
    auto n = numbers(text);
    if (!n)
        return std::nullopt;
    return Value{std::move(*n)};
}

// SMIL keySplines: x(s), y(s) of a cubic Bézier from (0,0) to (1,1); find s for x by
// bisection (x is monotonic for control points in [0,1]).
double ease(const std::array<double, 4>& c, double x) {
    auto bez = [](double p1, double p2, double s) {
        const double r = 1 - s;
        return 3 * r * r * s * p1 + 3 * r * s * s * p2 + s * s * s;
    };
    double lo = 0, hi = 1;
    for (int i = 0; i < 40; ++i) {
        const double mid = (lo + hi) / 2;
        (bez(c[0], c[2], mid) < x ? lo : hi) = mid;
    }
    return bez(c[1], c[3], (lo + hi) / 2);
}

QString num(double v) {
    QString s = QString::number(v, 'f', 3);
    while (s.contains(QLatin1Char('.')) &&
           (s.endsWith(QLatin1Char('0')) || s.endsWith(QLatin1Char('.'))))
        s.chop(1);
    return s == QLatin1String("-0") ? QStringLiteral("0") : s;
}

Value interpolate(const Value& a, const Value& b, double u) {
    if (const auto* ca = std::get_if<QColor>(&a)) {
        const QColor& cb = std::get<QColor>(b);
        auto mix = [u](float x, float y) { return x + (y - x) * static_cast<float>(u); };
        return QColor::fromRgbF(mix(ca->redF(), cb.redF()), mix(ca->greenF(), cb.greenF()),
                                mix(ca->blueF(), cb.blueF()), mix(ca->alphaF(), cb.alphaF()));
    }
    const auto& na = std::get<std::vector<double>>(a);
    const auto& nb = std::get<std::vector<double>>(b);
    std::vector<double> out(na.size());
    for (std::size_t i = 0; i < na.size(); ++i)
        out[i] = na[i] + (nb[i] - na[i]) * u;
    return out;
}

Value valueAt(const Animation& a, int timeMs) {
    const int phase = ((timeMs - a.beginMs) % a.durMs + a.durMs) % a.durMs;
    const double f = static_cast<double>(phase) / a.durMs;
    const auto n = a.values.size();
    if (a.mode == Animation::Mode::Discrete) {
        std::size_t i = 0;
        while (i + 1 < n && a.keyTimes[i + 1] <= f)
            ++i;
        return a.values[i];
    }
    std::size_t i = 0;
    while (i + 2 < n && a.keyTimes[i + 1] <= f)
        ++i;
    const double span = a.keyTimes[i + 1] - a.keyTimes[i];
    double u = span > 0 ? (f - a.keyTimes[i]) / span : 1.0;
    u = std::clamp(u, 0.0, 1.0);
    if (a.mode == Animation::Mode::Spline)
        u = ease(a.splines[i], u);
    return interpolate(a.values[i], a.values[i + 1], u);
}

QString render(const Animation& a, const Value& v) {
    if (const auto* c = std::get_if<QColor>(&v))
        return c->name(QColor::HexRgb);
    std::vector<double> n = std::get<std::vector<double>>(v);
    if (!a.transform)
        return num(n.front());
    if (a.type == QLatin1String("rotate"))
        n.resize(3, 0.0);
    if (a.type == QLatin1String("translate"))
        n.resize(2, 0.0);
    QStringList parts;
    for (double x : n)
        parts << num(x);
    return a.type + QLatin1Char('(') + parts.join(QLatin1Char(' ')) + QLatin1Char(')');
}

Expected<Animation, QString> parseAnimation(const QDomElement& e) {
    auto fail = [&e](const QString& why) {
        return unexpected(
            QStringLiteral("line %1: <%2>: %3").arg(e.lineNumber()).arg(e.tagName(), why));
    };
    Animation a;
    a.transform = e.tagName() == QLatin1String("animateTransform");
    a.attribute =
        a.transform ? QStringLiteral("transform") : e.attribute(QStringLiteral("attributeName"));
    if (a.attribute.isEmpty())
        return fail(QStringLiteral("attributeName is missing"));
    a.type = e.attribute(QStringLiteral("type"), QStringLiteral("translate"));
    if (a.transform &&
        !QStringList{QStringLiteral("translate"), QStringLiteral("scale"), QStringLiteral("rotate"),
                     QStringLiteral("skewX"), QStringLiteral("skewY")}
             .contains(a.type))
        return fail(QStringLiteral("type \"%1\" is not a transform").arg(a.type));
    a.additive = e.attribute(QStringLiteral("additive")) == QLatin1String("sum");
    if (e.attribute(QStringLiteral("repeatCount")) != QLatin1String("indefinite"))
        return fail(QStringLiteral("a sticker loops: repeatCount must be \"indefinite\""));
    const auto dur = clockMs(e.attribute(QStringLiteral("dur")));
    if (!dur || *dur <= 0)
        return fail(QStringLiteral("dur must be a positive clock value (\"1.2s\", \"600ms\")"));
    a.durMs = *dur;
    const auto begin = clockMs(e.attribute(QStringLiteral("begin"), QStringLiteral("0s")));
    if (!begin || *begin > 0)
        return fail(QStringLiteral("begin must be 0 or negative (a phase offset)"));
    a.beginMs = *begin;

    const bool colour =
        e.tagName() == QLatin1String("animateColor") || a.attribute == QLatin1String("fill") ||
        a.attribute == QLatin1String("stroke") || a.attribute == QLatin1String("stop-color");
    QStringList texts;
    if (e.hasAttribute(QStringLiteral("values")))
        texts = e.attribute(QStringLiteral("values")).split(QLatin1Char(';'), Qt::SkipEmptyParts);
    else
        texts = {e.attribute(QStringLiteral("from")), e.attribute(QStringLiteral("to"))};
    for (const QString& t : texts) {
        auto v = parseValue(t, colour);
        if (!v)
            return fail(QStringLiteral("\"%1\" is not a %2")
                            .arg(t.trimmed(), colour ? u"colour" : u"number list"));
        a.values.push_back(std::move(*v));
    }
    if (a.values.size() < 2)
        return fail(QStringLiteral("needs at least two values"));
    if (!colour) {
        const auto size = std::get<std::vector<double>>(a.values.front()).size();
        for (const Value& v : a.values)
            if (std::get<std::vector<double>>(v).size() != size)
                return fail(QStringLiteral("every value must have the same number of numbers"));
    }

    const QString mode = e.attribute(QStringLiteral("calcMode"), QStringLiteral("linear"));
    if (mode == QLatin1String("discrete"))
        a.mode = Animation::Mode::Discrete;
    else if (mode == QLatin1String("spline"))
        a.mode = Animation::Mode::Spline;
    else if (mode != QLatin1String("linear"))
        return fail(QStringLiteral("calcMode \"%1\" is not supported (linear, discrete, spline)")
                        .arg(mode));

    const auto n = a.values.size();
    if (e.hasAttribute(QStringLiteral("keyTimes"))) {
        for (const QString& t :
             e.attribute(QStringLiteral("keyTimes")).split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
            bool ok = false;
            a.keyTimes.push_back(t.trimmed().toDouble(&ok));
            if (!ok)
                return fail(QStringLiteral("keyTimes must be numbers"));
        }
        if (a.keyTimes.size() != n || a.keyTimes.front() != 0.0 ||
            (a.mode != Animation::Mode::Discrete && a.keyTimes.back() != 1.0) ||
            !std::is_sorted(a.keyTimes.begin(), a.keyTimes.end()))
            return fail(QStringLiteral("keyTimes must match values, rise from 0 and end at 1"));
    } else {
        const auto steps = static_cast<double>(a.mode == Animation::Mode::Discrete ? n : n - 1);
        for (std::size_t i = 0; i < n; ++i)
            a.keyTimes.push_back(static_cast<double>(i) / steps);
    }
    if (a.mode == Animation::Mode::Spline) {
        const QStringList specs =
            e.attribute(QStringLiteral("keySplines")).split(QLatin1Char(';'), Qt::SkipEmptyParts);
        for (const QString& s : specs) {
            const auto c = numbers(s);
            if (!c || c->size() != 4)
                return fail(QStringLiteral("each keySpline is four numbers"));
            a.splines.push_back({(*c)[0], (*c)[1], (*c)[2], (*c)[3]});
        }
        if (a.splines.size() != n - 1)
            return fail(QStringLiteral("keySplines needs one spline per interval (%1)").arg(n - 1));
    }
    return a;
}

}  // namespace

Expected<AnimatedSvg, QString> AnimatedSvg::parse(const QByteArray& svg) {
    AnimatedSvg out;
    const auto result = out.doc_.setContent(svg);
    if (!result)
        return unexpected(QStringLiteral("not well-formed XML"));
    for (const QDomElement& e : animationElements(out.doc_)) {
        auto a = parseAnimation(e);
        if (!a)
            return unexpected(a.error());
        out.loopMs_ = std::max(out.loopMs_, a->durMs);
    }
    for (const QDomElement& e : animationElements(out.doc_)) {
        const int dur = parseAnimation(e)->durMs;
        if (out.loopMs_ % dur != 0)
            return unexpected(
                QStringLiteral(
                    "line %1: dur %2 ms does not divide the loop (%3 ms, the longest dur), "
                    "so the sticker would not loop seamlessly")
                    .arg(e.lineNumber())
                    .arg(dur)
                    .arg(out.loopMs_));
    }
    return out;
}

QByteArray AnimatedSvg::frameAt(int timeMs) const {
    if (!animated())
        return doc_.toByteArray(-1);
    QDomDocument frame = doc_.cloneNode(true).toDocument();
    const QList<QDomElement> elements = animationElements(frame);
    for (QDomElement e : elements) {
        // Parsing again is cheap, and parse() has already refused what would fail here.
        const Animation a = *parseAnimation(e);
        QDomElement target = e.parentNode().toElement();
        const QString v = render(a, valueAt(a, timeMs));
        if (a.transform && a.additive) {
            const QString current = target.attribute(QStringLiteral("transform"));
            target.setAttribute(QStringLiteral("transform"),
                                current.isEmpty() ? v : current + QLatin1Char(' ') + v);
        } else {
            target.setAttribute(a.attribute, v);
        }
        target.removeChild(e);
    }
    return frame.toByteArray(-1);
}

}  // namespace tandem::stickers
