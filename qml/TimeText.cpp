#include "qml/TimeText.h"

#include <QRegularExpression>
#include <QTimer>

namespace tandem::gui {

QString withoutSeconds(QString format) {
    // "HH:mm:ss" → "HH:mm", "h:mm:ss AP" → "h:mm AP", "H.mm.ss t" → "H.mm t", "HHmmss" → "HHmm".
    static const QRegularExpression seconds(QStringLiteral("[^A-Za-z']*s+"));
    return format.remove(seconds);
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

qint64 msToNextDay(const QDateTime& now) {
    return now.msecsTo(now.date().addDays(1).startOfDay()) + 1000;
}

void onEachNewDay(QObject* owner, std::function<void()> newDay) {
    auto* timer = new QTimer(owner);
    timer->setSingleShot(true);
    const auto arm = [timer] {
        timer->start(static_cast<int>(msToNextDay(QDateTime::currentDateTime())));
    };
    QObject::connect(timer, &QTimer::timeout, owner, [newDay = std::move(newDay), arm] {
        newDay();
        arm();
    });
    arm();
}

}  // namespace tandem::gui
