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
//
// --limit (issue 20): Tandem against the limit instead — the smallest compiled Qt Quick app
// showing an unlock-like page (bench/limits/minimal-quick, a copy of ../shared/limits) — with
// firstcontent.c's rule: first content = at least 4 colours on a 4-pixel grid of the screen,
// sampled every 5 ms, and VmRSS 3 s later; each run on a fresh Xvfb. The unlocked run also
// times "newest messages visible": the chat's bottom rows (where the newest bubbles are;
// empty on the unlock page) show at least 4 colours. And the unlock itself (the store opened
// with the passphrase: Argon2id, then SQLCipher), timed apart.
//
//   app_bench --limit [--reps N] [--messages N] [--baseline OLD_TANDEM] [--keychain]
//
// --baseline: another build's tandem binary (e.g. main's, copied aside), run at the unlock
// screen and unlocked (with --keychain, the keychain profile too), interleaved with this
// build's: before and after in one run.
// --keychain: also a copy of the profile whose key is in the OS keychain (no passphrase, no
// Argon2id), opened the same way; needs a Secret Service on the session bus — run the bench
// through tests/storage/with-keyring.sh.
// --keychain-only (with --keychain): only the limit and the keychain starts, this build's and
// the baseline's — the figure still open in issue 20, in a third of the time.
// --marks: also where each start went, without an instrumented build — the StartMarks library
// (StartMarks.cpp) preloaded into every program says, through Qt's QObject hooks, when its
// libraries were loaded, its application object and QML engine made, its window made and its
// first frame swapped, and how many objects the GUI thread made before that frame (memory
// then includes the library's table of objects).
// The screen is read through MIT-SHM (≈ 1 ms of the X server for the whole screen); with
// --xgetimage through XGetImage, as ../shared/limits/firstcontent.c reads it (≈ 30 ms each,
// which keeps Xvfb busy most of the time and delays the measured programs' own requests).
#include <cstdio>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QTemporaryDir>
#include <QThread>

#include "app/core/Await.h"
#include "app/core/ContentHandler.h"
#include "bench/BenchSupport.h"
#include "bench/ScreenProbe.h"
#include "bench/StartWatch.h"
#include "storage/Store.h"

using namespace tandem;
using namespace tandem::bench;
using namespace tandem::storage;

namespace {

constexpr int kWidth = kScreenWidth;
constexpr int kHeight = kScreenHeight;

// firstcontent.c's rule (../shared/limits): 4 colours on a 4-pixel grid of the whole screen.
constexpr ScreenRule kFirstContent{0, 0, kWidth, kHeight, 4, 4};
// The newest messages of the open conversation: the chat pane's bottom rows above the composer
// (the window is 1024 × 680 at the top left; the unlock page leaves these rows blank).
constexpr ScreenRule kNewestMessages{420, 470, 560, 120, 4, 4};

bool runQuietly(const QString& program, const QStringList& args, const QByteArray& input = {}) {
    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p.start(program, args);
    p.write(input);
    p.closeWriteChannel();
    return p.waitForFinished(120000) && p.exitCode() == 0;
}

Credentials passphraseIn(const QString& pass) {
    QFile f(pass);
    f.open(QIODevice::ReadOnly);
    return Credentials::withPassphrase(
        SecretBytes::fromString(f.readLine().trimmed().toStdString()));
}

// The unlock alone: the store opened with the passphrase (Argon2id over the key file, then
// SQLCipher), or with the key from the keychain (pass empty), as the app does it on its
// storage thread; ms.
double timeUnlock(const QString& profile, const QString& pass) {
    Credentials credentials = pass.isEmpty() ? Credentials::withKeychain() : passphraseIn(pass);
    Store store;
    QElapsedTimer clock;
    clock.start();
    const bool opened =
        static_cast<bool>(core::awaitFuture(store.open(profile, std::move(credentials))));
    const double ms = static_cast<double>(clock.nsecsElapsed()) / 1e6;
    core::awaitFuture(store.close());
    return opened ? ms : -1;
}

// The StartMarks table: each mark's median over the runs where it happened, ms from exec.
template <typename Programs>
void printMarks(const Programs& programs, const std::vector<std::vector<StartMarks>>& marks) {
    std::printf(
        "\nwhere the starts went (StartMarks preloaded; medians, ms from just before fork):\n");
    std::printf("%-34s %10s %10s %10s %10s %12s %10s\n", "program", "libraries", "app object",
                "QML engine", "window", "first frame", "objects");
    const auto column = [](const std::vector<StartMarks>& runs, double StartMarks::*field) {
        std::vector<double> values;
        for (const StartMarks& m : runs) {
            if (m.*field >= 0) {
                values.push_back(m.*field);
            }
        }
        return values.empty() ? QStringLiteral("-") : QString::number(median(values), 'f', 1);
    };
    for (std::size_t p = 0; p < programs.size(); ++p) {
        std::printf("%-34s %10s %10s %10s %10s %12s %10s\n", qPrintable(programs[p].name),
                    qPrintable(column(marks[p], &StartMarks::libraries)),
                    qPrintable(column(marks[p], &StartMarks::app)),
                    qPrintable(column(marks[p], &StartMarks::engine)),
                    qPrintable(column(marks[p], &StartMarks::window)),
                    qPrintable(column(marks[p], &StartMarks::frame)),
                    qPrintable(column(marks[p], &StartMarks::objects)));
    }
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
    parser.addOption({QStringLiteral("limit"),
                      QStringLiteral("Against the minimal Qt Quick app, firstcontent's rule, a "
                                     "fresh Xvfb each run (issue 20).")});
    parser.addOption({QStringLiteral("baseline"),
                      QStringLiteral("With --limit: also this (older) tandem binary, "
                                     "interleaved."),
                      QStringLiteral("TANDEM")});
    parser.addOption({QStringLiteral("xgetimage"),
                      QStringLiteral("Read the screen with XGetImage, as firstcontent.c does, "
                                     "instead of MIT-SHM (slower: it keeps the X server busy).")});
    parser.addOption({QStringLiteral("unlock-only"),
                      QStringLiteral("With --limit: only the unlock screens (the limit, this "
                                     "build, the baseline), for more repetitions.")});
    parser.addOption({QStringLiteral("keychain-only"),
                      QStringLiteral("With --limit --keychain: only the limit and the keychain "
                                     "starts (this build, the baseline), for more repetitions.")});
    parser.addOption({QStringLiteral("prepare"),
                      QStringLiteral("Only make the profiles, in DIR, and keep them."),
                      QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("keychain"),
                      QStringLiteral("With --limit: also the profile with its key in the OS "
                                     "keychain (run through tests/storage/with-keyring.sh).")});
    parser.addOption({QStringLiteral("marks"),
                      QStringLiteral("Also where each start went (libraries, application object, "
                                     "QML engine, window, first frame): the StartMarks library "
                                     "preloaded into every program (memory then includes it).")});
    parser.process(app);
    const QString baseline = parser.value(QStringLiteral("baseline"));
    const bool keychain = parser.isSet(QStringLiteral("keychain"));
    const bool limit = parser.isSet(QStringLiteral("limit"));
    const int reps = parser.isSet(QStringLiteral("reps"))
                         ? std::max(1, parser.value(QStringLiteral("reps")).toInt())
                         : 5;
    const int messages = parser.isSet(QStringLiteral("messages"))
                             ? std::max(1, parser.value(QStringLiteral("messages")).toInt())
                             : 100000;
    const QString bin = QCoreApplication::applicationDirPath() + QStringLiteral("/../app");

    // The local network and a profile with a registered number and a big conversation.
    // --prepare DIR: the profiles are made in DIR and kept, and nothing is measured (to
    // profile the app by hand on the same data, in the same keyring session).
    const QString prepare = parser.value(QStringLiteral("prepare"));
    QTemporaryDir temporary;
    const QDir dir(prepare.isEmpty() ? temporary.path() : prepare);
    if (!prepare.isEmpty()) {
        QDir().mkpath(prepare);
    }
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
    // The same profile with its key moved into the keychain (the database is not touched).
    const QString keychainProfile = dir.filePath(QStringLiteral("profile-keychain"));
    if (keychain) {
        QDir().mkpath(keychainProfile);
        for (const QFileInfo& f : QDir(profile).entryInfoList(QDir::Files | QDir::Hidden)) {
            if (f.fileName() != QLatin1String("tandem.lock") &&
                !QFile::copy(f.filePath(), keychainProfile + "/" + f.fileName())) {
                std::fprintf(stderr, "app_bench: cannot copy %s\n", qPrintable(f.fileName()));
                return 1;
            }
        }
        Store store;
        const bool moved = core::awaitFuture(store.open(keychainProfile, passphraseIn(pass))) &&
                           core::awaitFuture(store.changeCredentials(passphraseIn(pass),
                                                                     Credentials::withKeychain()));
        core::awaitFuture(store.close());
        if (!moved) {
            std::fprintf(stderr,
                         "app_bench: cannot move the key into the keychain (is a Secret Service "
                         "running? see tests/storage/with-keyring.sh)\n");
            return 1;
        }
    }

    if (!prepare.isEmpty()) {
        std::printf("app_bench: profiles ready in %s\n", qPrintable(prepare));
        stopChild(net);
        return 0;
    }

    struct Program {
        QString name;
        QString path;
        QStringList args;
        bool messages = false;  // also time the newest messages (--limit)
    };
    const QStringList unlocked{QStringLiteral("--profile"),
                               profile,
                               QStringLiteral("--passphrase-file"),
                               pass,
                               QStringLiteral("--open"),
                               QStringLiteral("+4915100000002")};
    std::vector<Program> programs;
    if (limit) {
        // The limit first, then this build's unlock screen and its unlocked run (the
        // ratios below read programs 0, 1 and 2).
        programs = {
            {QStringLiteral("minimal Qt Quick app (limit)"),
             QCoreApplication::applicationDirPath() +
                 QStringLiteral("/limits/minimal-quick/minimal"),
             {}},
            {QStringLiteral("tandem, unlock screen"),
             bin + QStringLiteral("/tandem"),
             {QStringLiteral("--profile"), profile}},
            {QStringLiteral("tandem, %1 messages open").arg(messages),
             bin + QStringLiteral("/tandem"), unlocked, true},
        };
        const bool unlockOnly = parser.isSet(QStringLiteral("unlock-only"));
        if (unlockOnly) {
            programs.pop_back();  // the unlocked run
        }
        if (keychain && !unlockOnly) {
            programs.push_back({QStringLiteral("tandem, keychain, %1 open").arg(messages),
                                bin + QStringLiteral("/tandem"),
                                {QStringLiteral("--profile"), keychainProfile,
                                 QStringLiteral("--open"), QStringLiteral("+4915100000002")},
                                true});
        }
        if (!baseline.isEmpty()) {
            programs.push_back({QStringLiteral("baseline, unlock screen"),
                                baseline,
                                {QStringLiteral("--profile"), profile}});
            if (!unlockOnly) {
                programs.push_back({QStringLiteral("baseline, %1 messages open").arg(messages),
                                    baseline, unlocked, true});
            }
            if (keychain && !unlockOnly) {
                programs.push_back({QStringLiteral("baseline, keychain, %1 open").arg(messages),
                                    baseline,
                                    {QStringLiteral("--profile"), keychainProfile,
                                     QStringLiteral("--open"), QStringLiteral("+4915100000002")},
                                    true});
            }
        }
    } else {
        programs = {
            {QStringLiteral("tandem, unlock screen"),
             bin + QStringLiteral("/tandem"),
             {QStringLiteral("--profile"), profile}},
            {QStringLiteral("nheko 0.11.3, login"), QStringLiteral("nheko"), {}},
            {QStringLiteral("qTox 1.17.6, profile"), QStringLiteral("qtox"), {}},
            {QStringLiteral("tandem, %1 messages open").arg(messages),
             bin + QStringLiteral("/tandem"), unlocked},
        };
    }
    const bool keychainOnly = limit && keychain && parser.isSet(QStringLiteral("keychain-only"));
    if (keychainOnly) {
        std::erase_if(programs, [&](const Program& p) {
            return &p != programs.data() && !p.name.contains(QStringLiteral("keychain"));
        });
    }
    // One Xvfb for all runs; with --limit a fresh one for each run.
    QString display;
    std::unique_ptr<QProcess> xvfb;
    const bool shm = !parser.isSet(QStringLiteral("xgetimage"));
    auto screen = std::make_unique<ScreenProbe>();
    const auto freshScreen = [&]() -> bool {
        screen = std::make_unique<ScreenProbe>();
        if (xvfb) {
            stopChild(xvfb);
        }
        xvfb = StartWatch::startXvfb(&display);
        bool opened = false;
        for (int i = 0; i < 100 && !opened && !display.isEmpty(); ++i) {
            opened = screen->open(display.toLocal8Bit().constData(), shm);
            if (!opened) {
                QThread::msleep(50);
            }
        }
        if (!opened) {
            std::fprintf(stderr, "app_bench: Xvfb did not start\n");
        }
        return opened;
    };
    if (!freshScreen()) {
        return 1;
    }
    std::vector<std::vector<double>> first(programs.size());
    std::vector<std::vector<double>> shown(programs.size());
    std::vector<std::vector<double>> rss(programs.size());
    std::vector<std::vector<double>> pss(programs.size());
    std::vector<std::vector<StartMarks>> marks(programs.size());
    const QString marksLibrary =
        parser.isSet(QStringLiteral("marks"))
            ? QCoreApplication::applicationDirPath() + QStringLiteral("/libtandem_start_marks.so")
            : QString();
    std::vector<double> unlockMs;
    std::vector<double> keychainUnlockMs;
    for (int rep = 0; rep < reps; ++rep) {
        for (std::size_t p = 0; p < programs.size(); ++p) {
            if (limit && (rep > 0 || p > 0) && !freshScreen()) {
                return 1;
            }
            // Every start is one after a clean shutdown (StartWatch::run ends Tandem with SIGTERM):
            // a WAL left behind would make it check the database as after a crash.
            const int profileArg =
                static_cast<int>(programs[p].args.indexOf(QStringLiteral("--profile")));
            if (profileArg >= 0 && QFileInfo::exists(programs[p].args.value(profileArg + 1) +
                                                     QStringLiteral("/tandem.db-wal"))) {
                std::fprintf(stderr,
                             "app_bench: %s starts after an unclean shutdown (a WAL is left)\n",
                             qPrintable(programs[p].name));
            }
            QTemporaryDir home;
            StartWatch watch(*screen, display);
            watch.setMarksLibrary(marksLibrary);
            const StartSample s = watch.run(programs[p].path, programs[p].args, home.path(),
                                            limit ? kFirstContent : ScreenRule{},
                                            programs[p].messages ? &kNewestMessages : nullptr);
            marks[p].push_back(s.marks);
            if (s.firstContentMs >= 0) {
                first[p].push_back(s.firstContentMs);
            }
            if (s.messagesMs >= 0) {
                shown[p].push_back(s.messagesMs);
            }
            rss[p].push_back(s.rssMiB);
            pss[p].push_back(s.pssMiB);
        }
        if (limit) {
            if (!keychainOnly) {
                unlockMs.push_back(timeUnlock(profile, pass));
            }
            if (keychain) {
                keychainUnlockMs.push_back(timeUnlock(keychainProfile, {}));
            }
        }
    }
    if (limit) {
        std::printf(
            "app_bench --limit: %d reps, a fresh %dx%d Xvfb each run, first content = at "
            "least 4 colours on a 4-px grid (firstcontent.c)\n\n",
            reps, kWidth, kHeight);
    } else {
        std::printf(
            "app_bench: %d reps, %dx%d Xvfb, first content = more than 8 colours on screen\n\n",
            reps, kWidth, kHeight);
    }
    std::printf("%-34s %24s %24s %24s %24s\n", "program", "first content ms", "newest messages ms",
                "RSS MiB", "PSS MiB");
    for (std::size_t p = 0; p < programs.size(); ++p) {
        std::printf("%-34s %24s %24s %24s %24s\n", qPrintable(programs[p].name),
                    qPrintable(range(first[p], 0)),
                    programs[p].messages ? qPrintable(range(shown[p], 0)) : "-",
                    qPrintable(range(rss[p], 1)), qPrintable(range(pss[p], 1)));
    }
    if (!marksLibrary.isEmpty()) {
        printMarks(programs, marks);
    }
    if (limit && !first[0].empty()) {
        // Each program's medians against the limit's (program 0): first content and memory
        // for an unlock screen, the newest messages for a conversation opened at start.
        const double limitMs = median(first[0]);
        std::printf("\nagainst the limit (medians):\n");
        for (std::size_t p = 1; p < programs.size(); ++p) {
            if (programs[p].messages) {
                if (!shown[p].empty()) {
                    std::printf("  %-34s newest messages %.2fx\n", qPrintable(programs[p].name),
                                median(shown[p]) / limitMs);
                }
            } else if (!first[p].empty()) {
                std::printf("  %-34s first content %.2fx, RSS %.2fx\n",
                            qPrintable(programs[p].name), median(first[p]) / limitMs,
                            median(rss[p]) / median(rss[0]));
            }
        }
        if (!unlockMs.empty()) {
            std::printf(
                "\nthe unlock alone (the store opened with the passphrase, in this process): "
                "%s ms\n",
                qPrintable(range(unlockMs, 0)));
        }
        if (keychain) {
            std::printf("the unlock alone with the keychain: %s ms\n",
                        qPrintable(range(keychainUnlockMs, 0)));
        }
    }
    screen.reset();  // closed before its server goes: Xlib would exit(1) on the broken link
    stopChild(xvfb);
    stopChild(net);
    return 0;
}
