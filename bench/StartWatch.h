// StartWatch: a program started on an X server's screen (Xvfb, for app_bench), timed from
// just before fork() until what a rule asks for shows on that screen — sampled every 5 ms —
// its memory read 3 s later, then ended as a user's session ends it (SIGTERM, SIGKILL after
// 10 s) and the screen left black for the next run.
#pragma once

#include <memory>
#include <utility>

#include <QProcess>
#include <QString>
#include <QStringList>

#include "bench/ScreenProbe.h"

namespace tandem::bench {

// The screen app_bench's Xvfb makes.
inline constexpr int kScreenWidth = 1280;
inline constexpr int kScreenHeight = 800;

// When a run counts as showing something: at least `minColours` distinct colours on a
// `step`-pixel grid of a rectangle of the screen.
struct ScreenRule {
    int x = 0;
    int y = 0;
    int width = kScreenWidth;
    int height = kScreenHeight;
    int step = 16;
    int minColours = 9;  // more than 8 (the issue 6 rule)
};

// Where a start went, from the StartMarks library (StartMarks.cpp): ms from just before
// fork(), -1 where a mark did not happen.
struct StartMarks {
    double libraries = -1;  // the program's libraries loaded and relocated
    double app = -1;        // QGuiApplication's making begins
    double engine = -1;     // the QML engine made
    double window = -1;     // the first QQuickWindow made
    double frame = -1;      // its first frame swapped
    double objects = -1;    // QObjects made on the GUI thread before that frame
};

struct StartSample {
    double firstContentMs = -1;  // when `first` held; -1: not within 20 s
    double messagesMs = -1;      // with a second rule: when it held
    double rssMiB = 0;           // VmRSS 3 s after
    double pssMiB = 0;           // Pss from smaps_rollup then
    StartMarks marks;            // with a marks library (setMarksLibrary)
};

class StartWatch {
public:
    // `screen` is open on `display`; both outlive this object.
    StartWatch(const ScreenProbe& screen, QString display);

    // Preloads the StartMarks library at `path` into each program run (empty: none).
    void setMarksLibrary(QString path) { marksLibrary_ = std::move(path); }

    // Runs `program` with `args`, HOME (and the XDG folders) under `home`, measures, and ends
    // it and what it started.
    [[nodiscard]] StartSample run(const QString& program, const QStringList& args,
                                  const QString& home, const ScreenRule& first = {},
                                  const ScreenRule* second = nullptr) const;

    // Xvfb at kScreenWidth × kScreenHeight on a display it picks, said once it is ready
    // (-displayfd); `display` is empty if it did not start within 20 s.
    static std::unique_ptr<QProcess> startXvfb(QString* display);

private:
    [[nodiscard]] bool shows(const ScreenRule& rule) const;

    const ScreenProbe& screen_;
    QString display_;
    QString marksLibrary_;
};

}  // namespace tandem::bench
