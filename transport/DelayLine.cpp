#include "transport/DelayLine.h"

namespace tandem::transport {

DelayLine::DelayLine(int delayMs, QObject* parent) : QObject(parent), delayMs_(delayMs) {
    clock_.start();
    timer_.setSingleShot(true);
    timer_.setTimerType(Qt::PreciseTimer);
    connect(&timer_, &QTimer::timeout, this, &DelayLine::fire);
}

void DelayLine::run(std::function<void()> action) {
    if (delayMs_ <= 0) {
        action();
        return;
    }
    queue_.emplace_back(clock_.elapsed() + delayMs_, std::move(action));
    if (!timer_.isActive()) {
        timer_.start(delayMs_);
    }
}

void DelayLine::fire() {
    const qint64 now = clock_.elapsed();
    while (!queue_.empty() && queue_.front().first <= now) {
        auto action = std::move(queue_.front().second);
        queue_.pop_front();
        action();
    }
    if (!queue_.empty()) {
        timer_.start(static_cast<int>(std::max<qint64>(0, queue_.front().first - now)));
    }
}

}  // namespace tandem::transport
