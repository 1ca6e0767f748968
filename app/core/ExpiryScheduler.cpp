#include "app/core/ExpiryScheduler.h"

#include <algorithm>

#include <QDateTime>
#include <QPointer>

#include "app/core/CoreLog.h"
#include "tandem/common/Clock.h"

namespace tandem::core {

using namespace tandem::storage;

ExpiryScheduler::ExpiryScheduler(Store& store, QObject* parent)
    : QObject(parent), store_(store), clock_(nowMs) {
    timer_.setSingleShot(true);
    timer_.setTimerType(Qt::PreciseTimer);
    connect(&timer_, &QTimer::timeout, this, &ExpiryScheduler::tick);
}

ExpiryScheduler::~ExpiryScheduler() {
    store_.post([] {}).waitForFinished();  // no continuation of ours is left to run
}

void ExpiryScheduler::start() {
    running_ = true;
    sweep();
}

void ExpiryScheduler::stop() {
    running_ = false;
    timer_.stop();
}

void ExpiryScheduler::noteExpiry(std::int64_t expiresAtMs) {
    if (!next_ || expiresAtMs < *next_) {
        next_ = expiresAtMs;
        tick();
    }
}

void ExpiryScheduler::refresh() {
    if (!running_) {
        return;
    }
    if (sweeping_) {
        return;  // the sweep reads the next expiry when it ends
    }
    store_.read([](Repositories& r) { return r.messages.nextExpiry(); }, this,
                [this](StoreResult<std::optional<std::int64_t>> next) {
                    if (!next) {
                        qCWarning(lcCore) << "cannot read the next expiry:" << next.error().message;
                        return;
                    }
                    // A countdown noted meanwhile may be sooner than what this read saw; one
                    // noted for a message deleted since only costs a sweep that finds nothing.
                    if (*next) {
                        next_ = next_ ? std::min(*next_, **next) : **next;
                    }
                    tick();
                });
}

void ExpiryScheduler::tick() {
    if (!running_ || sweeping_) {
        return;
    }
    if (!next_) {
        timer_.stop();
        return;
    }
    const std::int64_t wait = *next_ - now();
    if (wait <= 0) {
        sweep();
        return;
    }
    timer_.start(static_cast<int>(std::min<std::int64_t>(wait, kMaxTickMs)));
}

void ExpiryScheduler::sweep() {
    if (!running_ || sweeping_) {
        return;
    }
    sweeping_ = true;
    timer_.stop();
    store_.expire(now()).then([self = QPointer<ExpiryScheduler>(this)](
                                  StoreResult<std::vector<MessageRef>> gone) {
        // The store's thread: back to ours.
        if (!self) {
            return;
        }
        QMetaObject::invokeMethod(
            self.data(),
            [self, gone = std::move(gone)] {
                if (!self) {
                    return;
                }
                self->sweeping_ = false;
                self->next_.reset();
                if (!gone) {
                    // Tried again in a while, not at once (a store that refuses writes would
                    // otherwise be asked in a loop).
                    qCWarning(lcCore) << "cannot delete expired messages:" << gone.error().message;
                    self->next_ = self->now() + kRetryMs;
                    self->tick();
                    return;
                }
                if (!gone->empty()) {
                    qCInfo(lcCore) << gone->size() << "expired messages deleted";
                    emit self->expired(*gone);
                }
                self->refresh();
            },
            Qt::QueuedConnection);
    });
}

}  // namespace tandem::core
