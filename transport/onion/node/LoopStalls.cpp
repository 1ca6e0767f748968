#include "transport/onion/node/LoopStalls.h"

#include <algorithm>

#include <QAbstractEventDispatcher>
#include <QThread>

namespace tandem::transport::onion {

Q_LOGGING_CATEGORY(lcNodeLoop, "tandem.transport.node.loop", QtWarningMsg)

namespace {
constexpr std::int64_t kWindowNs = 1'000'000'000;
}

LoopStalls::LoopStalls(QObject* parent) : QObject(parent) {}

void LoopStalls::startIfEnabled() {
    auto* dispatcher = QAbstractEventDispatcher::instance(QThread::currentThread());
    if (!lcNodeLoop().isDebugEnabled() || dispatcher == nullptr) {
        return;
    }
    clock_.start();
    windowStart_ = 0;
    awakeAt_ = 0;
    connect(dispatcher, &QAbstractEventDispatcher::awake, this, &LoopStalls::awake);
    connect(dispatcher, &QAbstractEventDispatcher::aboutToBlock, this, &LoopStalls::aboutToBlock);
}

void LoopStalls::awake() {
    if (awakeAt_ < 0) {
        awakeAt_ = clock_.nsecsElapsed();
        ++wakes_;
    }
}

void LoopStalls::aboutToBlock() {
    const std::int64_t now = clock_.nsecsElapsed();
    if (awakeAt_ >= 0) {
        const std::int64_t stretch = now - awakeAt_;
        busy_ += stretch;
        longest_ = std::max(longest_, stretch);
        awakeAt_ = -1;
    }
    if (now - windowStart_ >= kWindowNs) {
        report(now);
    }
}

void LoopStalls::report(std::int64_t now) {
    if (wakes_ > 0) {
        qCDebug(lcNodeLoop, "event loop: longest busy %.3f ms, busy %.1f %%, %lld wake-ups in "
                            "%.2f s",
                static_cast<double>(longest_) / 1e6,
                100.0 * static_cast<double>(busy_) / static_cast<double>(now - windowStart_),
                static_cast<long long>(wakes_), static_cast<double>(now - windowStart_) / 1e9);
    }
    windowStart_ = now;
    longest_ = 0;
    busy_ = 0;
    wakes_ = 0;
}

}  // namespace tandem::transport::onion
