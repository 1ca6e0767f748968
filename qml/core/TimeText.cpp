#include "qml/core/TimeText.h"

#include <QTimer>

namespace tandem::gui {

QString withoutSeconds(const QString& format) {
    // "HH:mm:ss" → "HH:mm", "h:mm:ss AP" → "h:mm AP", "H.mm.ss t" → "H.mm t", "HHmmss" → "HHmm";
    // quoted text is text, kept as it is.
    QString out;
    bool quoted = false;
    for (qsizetype i = 0; i < format.size(); ++i) {
        const QChar c = format[i];
        if (c == u'\'') {
            quoted = !quoted;
        } else if (!quoted && c == u's') {
            while (!out.isEmpty() && !out.back().isLetterOrNumber() && out.back() != u'\'') {
                out.chop(1);  // the separator before the seconds
            }
            while (i + 1 < format.size() && format[i + 1] == u's') {
                ++i;
            }
            continue;
        }
        out += c;
    }
    return out;
}

QString clockTime(const QDateTime& time, const QLocale& locale) {
    return locale.toString(time.time(), withoutSeconds(locale.timeFormat(QLocale::ShortFormat)));
}

QString listTime(const QDateTime& time, const QDateTime& now, const QLocale& locale) {
    if (!time.isValid()) {
        return {};
    }
    const QDate day = time.date();
    const QDate today = now.date();
    if (day == today) {
        return clockTime(time, locale);
    }
    if (day < today && day >= today.addDays(-6)) {
        return locale.dayName(day.dayOfWeek(), QLocale::ShortFormat);
    }
    return locale.toString(day, QLocale::ShortFormat);
}

void onEachNewDay(QObject* owner, std::function<void()> newDay, int checkEveryMs,
                  std::function<QDate()> today) {
    // A look every minute rather than one timer to midnight: timers stop while the machine
    // sleeps, and the clock or the time zone may be changed.
    auto* timer = new QTimer(owner);
    QObject::connect(timer, &QTimer::timeout, owner,
                     [newDay = std::move(newDay), today, seen = today()]() mutable {
                         const QDate now = today();
                         if (now != seen) {
                             seen = now;
                             newDay();
                         }
                     });
    timer->start(checkEveryMs);
}

}  // namespace tandem::gui
