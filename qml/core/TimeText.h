// How times read in the app, as in other messengers: a clock time without seconds; in the
// conversation list, today's clock time, a weekday within the week, a date before that.
#pragma once

#include <functional>

#include <QDateTime>
#include <QLocale>
#include <QString>

class QObject;

namespace tandem::gui {

// The locale's short time without seconds ("21:26", "9:26 PM"); the C locale's short format
// has seconds, which no one wants on a message.
QString clockTime(const QDateTime& time, const QLocale& locale = QLocale());

// A QLocale time format without its seconds and the separator before them.
QString withoutSeconds(const QString& format);

// A conversation's last message time: its clock time if on `now`'s day, its weekday if within
// the six days before, else its short date. Empty for an invalid time.
QString listTime(const QDateTime& time, const QDateTime& now, const QLocale& locale = QLocale());

// Calls `newDay` once the local date has changed, looking every `checkEveryMs` (a minute),
// while `owner` lives: a model whose texts say "Today" or show today's clock times tells its
// views then. `today` is for tests.
void onEachNewDay(QObject* owner, std::function<void()> newDay, int checkEveryMs = 60 * 1000,
                  std::function<QDate()> today = &QDate::currentDate);

}  // namespace tandem::gui
