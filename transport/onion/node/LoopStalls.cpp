#include "transport/onion/node/LoopStalls.h"

#include <algorithm>
#include <ctime>

namespace tandem::transport::onion {

Q_LOGGING_CATEGORY(lcNodeLoop, "tandem.transport.node.loop", QtWarningMsg)

namespace {
constexpr std::int64_t kWindowNs = 1'000'000'000;
}

LoopStalls::LoopStalls() {
    clock_.start();
}

std::int64_t LoopStalls::threadCpu() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

void LoopStalls::handled(std::int64_t start, std::int64_t end, std::int64_t cpu, int type,
                         const char* receiver) {
    const std::int64_t took = end - start;
    busy_ += took;
    if (took > longest_) {
        longest_ = took;
        longestCpu_ = cpu;
        longestType_ = type;
        longestReceiver_ = receiver;
    }
    ++events_;
    if (end - windowStart_ >= kWindowNs) {
        report(end);
    }
}

void LoopStalls::report(std::int64_t now) {
    qCDebug(lcNodeLoop,
            "event loop: longest event %.3f ms (%.3f ms on the CPU), busy %.2f %%, %lld events "
            "in %.2f s; the longest: type %d to a %s",
            static_cast<double>(longest_) / 1e6, static_cast<double>(longestCpu_) / 1e6,
            100.0 * static_cast<double>(busy_) / static_cast<double>(now - windowStart_),
            static_cast<long long>(events_), static_cast<double>(now - windowStart_) / 1e9,
            longestType_, longestReceiver_);
    windowStart_ = now;
    longest_ = 0;
    longestCpu_ = 0;
    busy_ = 0;
    events_ = 0;
}

bool NodeApplication::notify(QObject* receiver, QEvent* event) {
    // Checked here, not at construction: the logging rules are read with the application.
    // The main thread's events only (Qt 6 calls notify() for no other, but say so).
    if (depth_ > 0 || !lcNodeLoop().isDebugEnabled() || receiver->thread() != thread()) {
        return QCoreApplication::notify(receiver, event);
    }
    ++depth_;
    const std::int64_t start = stalls_.now();
    const std::int64_t cpu = LoopStalls::threadCpu();
    const int type = event->type();
    // The class name is static data: it outlives the receiver, which the event may delete.
    const char* name = receiver->metaObject()->className();
    const bool done = QCoreApplication::notify(receiver, event);
    const std::int64_t cpuAfter = LoopStalls::threadCpu();
    stalls_.handled(start, stalls_.now(), cpuAfter - cpu, type, name);
    --depth_;
    return done;
}

}  // namespace tandem::transport::onion
