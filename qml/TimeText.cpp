#include "qml/TimeText.h"

namespace tandem::gui {

QString clockTime(const QDateTime& time, const QLocale& locale) {
    QString format = locale.timeFormat(QLocale::ShortFormat);
    // "HH:mm:ss" → "HH:mm" (and "h:mm:ss AP" → "h:mm AP"): the seconds and their separator.
    format.remove(QStringLiteral(":ss")).remove(QStringLiteral(".ss"));
    return locale.toString(time.time(), format);
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

}  // namespace tandem::gui
