// DelayLine: runs actions a fixed time after they were queued, in order — an emulated link
// delay for tandem-localnet --link-delay (each daemon delays what it receives and what it
// sends, so every link traversal costs the delay once).
#pragma once

#include <deque>
#include <functional>

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace tandem::transport {

class DelayLine : public QObject {
    Q_OBJECT
public:
    explicit DelayLine(int delayMs, QObject* parent = nullptr);
    [[nodiscard]] int delayMs() const { return delayMs_; }
    // With no delay the action runs at once.
    void run(std::function<void()> action);

private:
    void fire();
    int delayMs_;
    QElapsedTimer clock_;
    QTimer timer_;
    std::deque<std::pair<qint64, std::function<void()>>> queue_;
};

}  // namespace tandem::transport
