#include "bench/StartWatch.h"

#include <csignal>
#include <cstdio>
#include <ctime>
#include <optional>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QElapsedTimer>
#include <QFile>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>

#include "bench/BenchSupport.h"

namespace tandem::bench {

namespace {

double kbField(const QString& file, const char* field) {
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        return 0;
    }
    for (const QByteArray& line : f.readAll().split('\n')) {
        if (line.startsWith(field)) {
            return line.mid(static_cast<int>(qstrlen(field)))
                .trimmed()
                .split(' ')
                .first()
                .toDouble();
        }
    }
    return 0;
}

// "libraries L app A engine E window W frame F objects N", as StartMarks.cpp writes it.
StartMarks readMarks(const QString& file) {
    StartMarks m;
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        return m;
    }
    const QList<QByteArray> words = f.readAll().simplified().split(' ');
    for (qsizetype i = 0; i + 1 < words.size(); i += 2) {
        const QByteArray& name = words[i];
        const double value = words[i + 1].toDouble();
        if (name == "libraries") {
            m.libraries = value;
        } else if (name == "app") {
            m.app = value;
        } else if (name == "engine") {
            m.engine = value;
        } else if (name == "window") {
            m.window = value;
        } else if (name == "frame") {
            m.frame = value;
        } else if (name == "objects") {
            m.objects = value;
        }
    }
    return m;
}

}  // namespace

StartWatch::StartWatch(const ScreenProbe& screen, QString display)
    : screen_(screen), display_(std::move(display)) {}

bool StartWatch::shows(const ScreenRule& r) const {
    return screen_.colours(r.x, r.y, r.width, r.height, r.step, r.minColours) >= r.minColours;
}

StartSample StartWatch::run(const QString& program, const QStringList& args, const QString& home,
                            const ScreenRule& first, const ScreenRule* second) const {
    StartSample s;
    QElapsedTimer clock;
    clock.start();
    // Everything the child needs is made before fork(): after it, in a process with threads,
    // only async-signal-safe calls (setpgid, prctl, execve, _exit).
    QStringList environment = QProcessEnvironment::systemEnvironment().toStringList();
    environment.removeIf([](const QString& v) {
        return v.startsWith(QLatin1String("DISPLAY=")) || v.startsWith(QLatin1String("HOME=")) ||
               v.startsWith(QLatin1String("XDG_")) ||
               v.startsWith(QLatin1String("QT_QPA_PLATFORM="));
    });
    environment << QStringLiteral("DISPLAY=") + display_ << QStringLiteral("HOME=") + home
                << QStringLiteral("XDG_CONFIG_HOME=") + home + "/.config"
                << QStringLiteral("XDG_DATA_HOME=") + home + "/.local/share"
                << QStringLiteral("XDG_CACHE_HOME=") + home + "/.cache";
    // With the marks library: preloaded, told where to write and when the clock started.
    std::optional<QTemporaryDir> marksDir;
    QString marksFile;
    if (!marksLibrary_.isEmpty()) {
        marksDir.emplace();
        marksFile = marksDir->filePath(QStringLiteral("marks"));
        timespec started{};
        clock_gettime(CLOCK_MONOTONIC, &started);
        const qint64 t0 = static_cast<qint64>(started.tv_sec) * 1000000000 + started.tv_nsec -
                          clock.nsecsElapsed();
        environment << QStringLiteral("LD_PRELOAD=") + marksLibrary_
                    << QStringLiteral("TANDEM_START_MARKS_FILE=") + marksFile
                    << QStringLiteral("TANDEM_START_MARKS_T0_NS=%1").arg(t0);
    }
    const QString resolved = QStandardPaths::findExecutable(program);
    std::vector<QByteArray> owned{(resolved.isEmpty() ? program : resolved).toLocal8Bit()};
    for (const QString& a : args) {
        owned.push_back(a.toLocal8Bit());
    }
    std::vector<char*> argv;
    for (QByteArray& a : owned) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    std::vector<QByteArray> ownedEnv;
    for (const QString& v : environment) {
        ownedEnv.push_back(v.toLocal8Bit());
    }
    std::vector<char*> envp;
    for (QByteArray& v : ownedEnv) {
        envp.push_back(v.data());
    }
    envp.push_back(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    while (clock.elapsed() < 20000) {
        const double now = static_cast<double>(clock.nsecsElapsed()) / 1e6;
        if (s.firstContentMs < 0 && shows(first)) {
            s.firstContentMs = now;
        }
        if (second != nullptr && s.messagesMs < 0 && shows(*second)) {
            s.messagesMs = now;
        }
        if (s.firstContentMs >= 0 && (second == nullptr || s.messagesMs >= 0)) {
            break;
        }
        QThread::msleep(5);
    }
    QThread::sleep(3);
    const QString proc = QStringLiteral("/proc/%1/").arg(pid);
    s.rssMiB = kbField(proc + "status", "VmRSS:") / 1024.0;
    s.pssMiB = kbField(proc + "smaps_rollup", "Pss:") / 1024.0;
    if (!marksLibrary_.isEmpty()) {
        s.marks = readMarks(marksFile);
    }
    // Ended as a user's session ends it (SIGTERM: logout, the window closed), so the next run
    // starts after a clean shutdown. SIGKILL here left Tandem's WAL behind, and every next
    // start checked the database as after a crash (a quick_check, ≈ 60 ms with 100 000
    // messages): not the start a user has. Killed only if it does not end within 10 s.
    ::kill(-pid, SIGTERM);
    QElapsedTimer ending;
    ending.start();
    while (::waitpid(pid, nullptr, WNOHANG) == 0) {
        if (ending.elapsed() > 10000) {
            std::fprintf(stderr, "app_bench: %s did not end on SIGTERM within 10 s: killed\n",
                         qPrintable(program));
            ::kill(-pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
            break;
        }
        QThread::msleep(10);
    }
    ::kill(-pid, SIGKILL);  // anything it started and left behind
    // The screen is black again before the next run (no window manager, nothing to redraw).
    QElapsedTimer settle;
    settle.start();
    while (screen_.colours(kScreenWidth, kScreenHeight) > 2 && settle.elapsed() < 3000) {
        QThread::msleep(20);
    }
    return s;
}

std::unique_ptr<QProcess> StartWatch::startXvfb(QString* display) {
    auto xvfb = startChild(
        QStringLiteral("Xvfb"),
        {QStringLiteral("-displayfd"), QStringLiteral("1"), QStringLiteral("-screen"),
         QStringLiteral("0"), QStringLiteral("%1x%2x24").arg(kScreenWidth).arg(kScreenHeight),
         QStringLiteral("-nolisten"), QStringLiteral("tcp")});
    xvfb->setReadChannel(QProcess::StandardOutput);
    QByteArray number;
    QElapsedTimer ready;
    ready.start();
    while (!number.contains('\n') && ready.elapsed() < 20000) {
        xvfb->waitForReadyRead(200);
        number += xvfb->readAllStandardOutput();
    }
    *display = number.contains('\n') ? QStringLiteral(":") + QString::fromLatin1(number.trimmed())
                                     : QString();
    return xvfb;
}

}  // namespace tandem::bench
