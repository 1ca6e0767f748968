// app_bench: the desktop app's cold start and memory, side by side in one run with nheko and
// qTox (Debian's Qt messengers) at their first screens, under one Xvfb server.
//
//   first content  process start → the first frame with content on screen: the X root window
//                  is sampled every 5 ms (a grid of pixels) and counted as content once it
//                  holds more than 8 colours (the empty screen is black; a blank or
//                  single-colour window adds one or two)
//   RSS            the process's resident memory (VmRSS) and proportional share (Pss) 3 s
//                  after first content, idle
//
// Tandem runs three ways: at the unlock screen (a profile that exists), and unlocked with a
// conversation of 100 000 messages open (tandem --passphrase-file … --open …), with the local
// network running so it is connected as a user's would be. nheko and qTox run with an empty
// HOME each time, so they show their first screens (login, profile creation). Runs alternate
// between the programs (--reps), so all see the same machine conditions; medians with
// min … max.
//
//   app_bench [--reps N] [--messages N]
#include <csignal>
#include <cstdio>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcessEnvironment>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>

#include "app/core/Await.h"
#include "app/core/ContentHandler.h"
#include "bench/BenchSupport.h"
#include "bench/ScreenProbe.h"
#include "storage/Store.h"

using namespace tandem;
using namespace tandem::bench;
using namespace tandem::storage;

namespace {

constexpr int kWidth = 1280;
constexpr int kHeight = 800;

struct Sample {
    double firstContentMs = -1;
    double rssMiB = 0;
    double pssMiB = 0;
};

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

// Runs `program`, measures, and kills it (and what it started).
Sample measure(const ScreenProbe& screen, const QString& display, const QString& program,
               const QStringList& args, const QString& home) {
    Sample s;
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
    environment << QStringLiteral("DISPLAY=") + display << QStringLiteral("HOME=") + home
                << QStringLiteral("XDG_CONFIG_HOME=") + home + "/.config"
                << QStringLiteral("XDG_DATA_HOME=") + home + "/.local/share"
                << QStringLiteral("XDG_CACHE_HOME=") + home + "/.cache";
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
        if (screen.colours(kWidth, kHeight) > 8) {
            s.firstContentMs = static_cast<double>(clock.nsecsElapsed()) / 1e6;
            break;
        }
        QThread::msleep(5);
    }
    QThread::sleep(3);
    const QString proc = QStringLiteral("/proc/%1/").arg(pid);
    s.rssMiB = kbField(proc + "status", "VmRSS:") / 1024.0;
    s.pssMiB = kbField(proc + "smaps_rollup", "Pss:") / 1024.0;
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    // The screen is black again before the next run (no window manager, nothing to redraw).
    QElapsedTimer settle;
    settle.start();
    while (screen.colours(kWidth, kHeight) > 2 && settle.elapsed() < 3000) {
        QThread::msleep(20);
    }
    return s;
}

bool runQuietly(const QString& program, const QStringList& args, const QByteArray& input = {}) {
    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p.start(program, args);
    p.write(input);
    p.closeWriteChannel();
    return p.waitForFinished(120000) && p.exitCode() == 0;
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Cold start and memory of the app beside nheko and qTox (see the top of "
                       "app_bench.cpp)."));
    parser.addHelpOption();
    parser.addOption(
        {QStringLiteral("reps"), QStringLiteral("Repetitions (default 5)."), QStringLiteral("N")});
    parser.addOption({QStringLiteral("messages"),
                      QStringLiteral("Messages in the big conversation (default 100000)."),
                      QStringLiteral("N")});
    parser.process(app);
    const int reps = parser.isSet(QStringLiteral("reps"))
                         ? std::max(1, parser.value(QStringLiteral("reps")).toInt())
                         : 5;
    const int messages = parser.isSet(QStringLiteral("messages"))
                             ? std::max(1, parser.value(QStringLiteral("messages")).toInt())
                             : 100000;
    const QString bin = QCoreApplication::applicationDirPath() + QStringLiteral("/../app");

    // The local network and a profile with a registered number and a big conversation.
    QTemporaryDir dir;
    auto net = startChild(bin + QStringLiteral("/tandem-localnet"),
                          {QStringLiteral("--dir"), dir.filePath(QStringLiteral("net"))});
    net->setReadChannel(QProcess::StandardOutput);
    QByteArray ready;
    QElapsedTimer wait;
    wait.start();
    while (!ready.contains("ready") && wait.elapsed() < 30000) {
        net->waitForReadyRead(200);
        ready += net->readAllStandardOutput();
    }
    const QString profile = dir.filePath(QStringLiteral("profile"));
    const QString pass = dir.filePath(QStringLiteral("pass"));
    {
        QFile f(pass);
        f.open(QIODevice::WriteOnly);
        f.write("bench passphrase\n");
    }
    const QString ctl = bin + QStringLiteral("/tandemctl");
    const QStringList base{QStringLiteral("--profile"), profile,
                           QStringLiteral("--passphrase-file"), pass};
    if (!ready.contains("ready") ||
        !runQuietly(ctl, base + QStringList{QStringLiteral("create")}) ||
        !runQuietly(ctl,
                    base + QStringList{QStringLiteral("init"), QStringLiteral("signal"),
                                       QStringLiteral("--phone"), QStringLiteral("+4915100000001"),
                                       QStringLiteral("--network"),
                                       dir.filePath(QStringLiteral("net/network.json"))})) {
        std::fprintf(stderr, "app_bench: cannot set up the profile\n");
        return 1;
    }
    {
        Store store;
        QFile f(pass);
        f.open(QIODevice::ReadOnly);
        if (!core::awaitFuture(store.open(
                profile, Credentials::withPassphrase(
                             SecretBytes::fromString(f.readLine().trimmed().toStdString()))))) {
            std::fprintf(stderr, "app_bench: cannot open the profile\n");
            return 1;
        }
        const std::int64_t start =
            QDateTime::currentMSecsSinceEpoch() - std::int64_t{messages} * 60000;
        for (int done = 0; done < messages; done += 1000) {
            const auto written = core::awaitFuture(
                store.write([done, start, messages](Repositories& r) -> StoreResult<void> {
                    TANDEM_TRY_ASSIGN(
                        const Contact c,
                        core::contactForAddress(r, Mode::Signal, QStringLiteral("+4915100000002"),
                                                start));
                    TANDEM_TRY_ASSIGN(const Conversation conv,
                                      r.conversations.forContact(c.id, start));
                    for (int i = done; i < std::min(messages, done + 1000); ++i) {
                        Message m;
                        m.conversationId = conv.id;
                        m.uid = MessageUid::generate(start + i);
                        m.direction = i % 2 == 0 ? Direction::Incoming : Direction::Outgoing;
                        m.status = i % 2 == 0 ? MessageStatus::Read : MessageStatus::Delivered;
                        m.body = QStringLiteral(
                                     "message %1: the quick brown fox jumps over the lazy dog")
                                     .arg(i);
                        m.sentAt = start + std::int64_t{i} * 60000;
                        m.receivedAt = m.sentAt;
                        TANDEM_TRY(r.messages.insert(m));
                    }
                    return {};
                }));
            if (!written) {
                std::fprintf(stderr, "app_bench: %s\n", qPrintable(written.error().message));
                return 1;
            }
        }
        core::awaitFuture(store.close());
    }

    // Xvfb picks a free display and says which once it is ready (-displayfd).
    auto xvfb =
        startChild(QStringLiteral("Xvfb"),
                   {QStringLiteral("-displayfd"), QStringLiteral("1"), QStringLiteral("-screen"),
                    QStringLiteral("0"), QStringLiteral("%1x%2x24").arg(kWidth).arg(kHeight),
                    QStringLiteral("-nolisten"), QStringLiteral("tcp")});
    xvfb->setReadChannel(QProcess::StandardOutput);
    QByteArray number;
    QElapsedTimer xready;
    xready.start();
    while (!number.contains('\n') && xready.elapsed() < 20000) {
        xvfb->waitForReadyRead(200);
        number += xvfb->readAllStandardOutput();
    }
    const QString display = QStringLiteral(":") + QString::fromLatin1(number.trimmed());
    ScreenProbe screen;
    bool opened = false;
    for (int i = 0; i < 100 && !opened; ++i) {
        QThread::msleep(50);
        opened = screen.open(display.toLocal8Bit().constData());
    }
    if (!opened) {
        std::fprintf(stderr, "app_bench: Xvfb did not start\n");
        return 1;
    }
    struct Program {
        QString name;
        QString path;
        QStringList args;
    };
    const std::vector<Program> programs{
        {QStringLiteral("tandem, unlock screen"),
         bin + QStringLiteral("/tandem"),
         {QStringLiteral("--profile"), profile}},
        {QStringLiteral("nheko 0.11.3, login"), QStringLiteral("nheko"), {}},
        {QStringLiteral("qTox 1.17.6, profile"), QStringLiteral("qtox"), {}},
        {QStringLiteral("tandem, %1 messages open").arg(messages),
         bin + QStringLiteral("/tandem"),
         {QStringLiteral("--profile"), profile, QStringLiteral("--passphrase-file"), pass,
          QStringLiteral("--open"), QStringLiteral("+4915100000002")}},
    };
    std::vector<std::vector<double>> first(programs.size());
    std::vector<std::vector<double>> rss(programs.size());
    std::vector<std::vector<double>> pss(programs.size());
    for (int rep = 0; rep < reps; ++rep) {
        for (std::size_t p = 0; p < programs.size(); ++p) {
            QTemporaryDir home;
            const Sample s =
                measure(screen, display, programs[p].path, programs[p].args, home.path());
            if (s.firstContentMs >= 0) {
                first[p].push_back(s.firstContentMs);
            }
            rss[p].push_back(s.rssMiB);
            pss[p].push_back(s.pssMiB);
        }
    }
    std::printf("app_bench: %d reps, %dx%d Xvfb, first content = more than 8 colours on screen\n\n",
                reps, kWidth, kHeight);
    std::printf("%-34s %28s %28s %28s\n", "program", "first content ms", "RSS MiB", "PSS MiB");
    for (std::size_t p = 0; p < programs.size(); ++p) {
        std::printf("%-34s %28s %28s %28s\n", qPrintable(programs[p].name),
                    qPrintable(range(first[p], 0)), qPrintable(range(rss[p], 1)),
                    qPrintable(range(pss[p], 1)));
    }
    stopChild(xvfb);
    stopChild(net);
    return 0;
}
