// DelayLine: runs actions a fixed time after they were queued, in order — an emulated link
// delay for tandem-localnet --link-delay (each daemon delays what it receives and what it
// sends, so every link traversal costs the delay once).
//
// Deadlines are kept in nanoseconds on the monotonic clock, and on Linux a timerfd armed at
// the absolute deadline wakes the event loop (a QTimer counts whole milliseconds: re-armed for
// the next queued action it fired up to 1 ms late, and every emulated link cost D + ~0.5 ms;
// over seven links that was 5 % of the floor at 10 ms a link). Elsewhere a precise QTimer is
// armed for the remaining time rounded up to the next millisecond (never early).
#pragma once

#include <chrono>
#include <deque>
#include <functional>

#include <QObject>
#include <QTimer>

class QSocketNotifier;

namespace tandem::transport {

class DelayLine : public QObject {
    Q_OBJECT
public:
    explicit DelayLine(int delayMs, QObject* parent = nullptr);
    ~DelayLine() override;
    DelayLine(const DelayLine&) = delete;
    DelayLine& operator=(const DelayLine&) = delete;
    [[nodiscard]] int delayMs() const { return delayMs_; }
    // With no delay the action runs at once.
    void run(std::function<void()> action);

private:
    using Clock = std::chrono::steady_clock;
    void fire();
    void arm(Clock::time_point deadline);
    int delayMs_;
    int timerFd_ = -1;  // Linux: a timerfd on CLOCK_MONOTONIC (steady_clock's clock)
    QSocketNotifier* notifier_ = nullptr;
    QTimer timer_;  // elsewhere, or when no timerfd could be made
    std::deque<std::pair<Clock::time_point, std::function<void()>>> queue_;
};

}  // namespace tandem::transport
