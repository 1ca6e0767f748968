#include "transport/DelayLine.h"

#include <algorithm>
#include <cstdint>

#include <QSocketNotifier>

#ifdef Q_OS_LINUX
#include <cerrno>
#include <sys/timerfd.h>
#include <unistd.h>
#endif

namespace tandem::transport {

DelayLine::DelayLine(int delayMs, QObject* parent) : QObject(parent), delayMs_(delayMs) {
    timer_.setSingleShot(true);
    timer_.setTimerType(Qt::PreciseTimer);
    connect(&timer_, &QTimer::timeout, this, &DelayLine::fire);
#ifdef Q_OS_LINUX
    if (delayMs_ > 0) {
        timerFd_ = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        if (timerFd_ >= 0) {
            notifier_ = new QSocketNotifier(timerFd_, QSocketNotifier::Read, this);
            connect(notifier_, &QSocketNotifier::activated, this, [this] {
                std::uint64_t expirations = 0;
                while (::read(timerFd_, &expirations, sizeof expirations) < 0 && errno == EINTR) {
                }
                fire();
            });
        }
    }
#endif
}

DelayLine::~DelayLine() {
#ifdef Q_OS_LINUX
    if (timerFd_ >= 0) {
        delete notifier_;
        ::close(timerFd_);
    }
#endif
}

void DelayLine::run(std::function<void()> action) {
    if (delayMs_ <= 0) {
        action();
        return;
    }
    const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(delayMs_);
    queue_.emplace_back(deadline, std::move(action));
    if (queue_.size() == 1) {
        arm(deadline);
    }
}

void DelayLine::arm(Clock::time_point deadline) {
#ifdef Q_OS_LINUX
    if (timerFd_ >= 0) {
        const auto ns =
            std::chrono::duration_cast<std::chrono::nanoseconds>(deadline.time_since_epoch())
                .count();
        itimerspec at{};
        at.it_value.tv_sec = static_cast<time_t>(ns / 1000000000);
        at.it_value.tv_nsec = static_cast<long>(ns % 1000000000);
        if (at.it_value.tv_sec == 0 && at.it_value.tv_nsec == 0) {
            at.it_value.tv_nsec = 1;  // all zero would disarm it
        }
        if (::timerfd_settime(timerFd_, TFD_TIMER_ABSTIME, &at, nullptr) == 0) {
            return;
        }
    }
#endif
    // Whole milliseconds, rounded up: never before the deadline.
    const auto left = deadline - Clock::now();
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    timer_.start(static_cast<int>(std::max<std::int64_t>(0, ms)));
}

void DelayLine::fire() {
    const Clock::time_point now = Clock::now();
    while (!queue_.empty() && queue_.front().first <= now) {
        auto action = std::move(queue_.front().second);
        queue_.pop_front();
        action();
    }
    if (!queue_.empty()) {
        arm(queue_.front().first);
    }
}

}  // namespace tandem::transport
