#include "tandem/common/UnixSignals.h"

#include <array>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QCoreApplication>

namespace tandem {

namespace {

int g_pipe[2] = {-1, -1};  // written by the handler, read in the event loop
constexpr std::array kSignals = {SIGINT, SIGTERM, SIGHUP};

void handler(int signalNumber) {
    const int savedErrno = errno;  // the interrupted code may be about to read it
    const auto byte = static_cast<unsigned char>(signalNumber);
    // async-signal-safe; if the pipe is full a signal is already pending anyway.
    [[maybe_unused]] const auto n = ::write(g_pipe[0], &byte, 1);
    errno = savedErrno;
}

}  // namespace

UnixSignals::UnixSignals(QObject* parent) : QObject(parent) {
    Q_ASSERT_X(g_pipe[0] < 0, "UnixSignals", "only one watcher per process");
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, g_pipe) != 0) {
        qFatal("UnixSignals: socketpair failed");
    }
    ::fcntl(g_pipe[0], F_SETFL, O_NONBLOCK);
    notifier_ = std::make_unique<QSocketNotifier>(g_pipe[1], QSocketNotifier::Read);
    connect(notifier_.get(), &QSocketNotifier::activated, this, [this] {
        unsigned char byte = 0;
        if (::read(g_pipe[1], &byte, 1) != 1) {
            return;
        }
        if (byte == SIGHUP && hangupReloads_) {
            emit reloadRequested();
        } else {
            emit terminationRequested(byte);
        }
    });
    struct sigaction action {};
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    for (const int sig : kSignals) {
        ::sigaction(sig, &action, nullptr);
    }
}

UnixSignals::~UnixSignals() {
    struct sigaction action {};
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    for (const int sig : kSignals) {
        ::sigaction(sig, &action, nullptr);
    }
    notifier_.reset();
    ::close(g_pipe[0]);
    ::close(g_pipe[1]);
    g_pipe[0] = g_pipe[1] = -1;
}

void UnixSignals::quitOnTermination(QObject* parent) {
    auto* watcher = new UnixSignals(parent);
    connect(watcher, &UnixSignals::terminationRequested, QCoreApplication::instance(),
            [](int) { QCoreApplication::quit(); });
}

void UnixSignals::quitOnTermination(QObject* parent, std::function<void()> reload) {
    auto* watcher = new UnixSignals(parent);
    watcher->setHangupReloads(true);
    connect(watcher, &UnixSignals::terminationRequested, QCoreApplication::instance(),
            [](int) { QCoreApplication::quit(); });
    connect(watcher, &UnixSignals::reloadRequested, watcher, std::move(reload));
}

}  // namespace tandem
