#include "qml/core/TransferProgress.h"

#include <algorithm>

namespace tandem::gui {

TransferProgress::TransferProgress(QObject* parent) : QObject(parent) {
    clock_.start();
    timer_.setSingleShot(true);
    connect(&timer_, &QTimer::timeout, this, &TransferProgress::passOn);
}

void TransferProgress::report(qint64 messageId, qint64 done, qint64 total) {
    const qint64 now = clock_.elapsed();
    const auto last = lastSent_.find(messageId);
    const bool finished = total > 0 && done >= total;
    if (finished || last == lastSent_.end() || now - last->second >= kIntervalMs) {
        // The first report, the last, or one after a pause: at once.
        held_.erase(messageId);
        if (finished) {
            lastSent_.erase(messageId);  // a later transfer of it starts afresh
        } else {
            lastSent_[messageId] = now;
        }
        emit progressed(messageId, done, total);
        return;
    }
    held_[messageId] = {done, total, last->second + kIntervalMs};
    schedule();
}

void TransferProgress::passOn() {
    const qint64 now = clock_.elapsed();
    for (auto it = held_.begin(); it != held_.end();) {
        if (it->second.dueAt > now) {
            ++it;
            continue;
        }
        const qint64 id = it->first;
        const Held held = it->second;
        it = held_.erase(it);
        lastSent_[id] = now;
        emit progressed(id, held.done, held.total);
    }
    schedule();
}

void TransferProgress::schedule() {
    if (held_.empty()) {
        timer_.stop();
        return;
    }
    const qint64 due =
        std::min_element(held_.begin(), held_.end(), [](const auto& a, const auto& b) {
            return a.second.dueAt < b.second.dueAt;
        })->second.dueAt;
    const qint64 wait = std::max<qint64>(0, due - clock_.elapsed());
    if (!timer_.isActive() || timer_.remainingTime() > wait) {
        timer_.start(static_cast<int>(wait));
    }
}

void TransferProgress::flush() {
    const std::map<qint64, Held> held = std::exchange(held_, {});
    timer_.stop();
    for (const auto& [id, h] : held) {
        emit progressed(id, h.done, h.total);
    }
    lastSent_.clear();
}

}  // namespace tandem::gui
