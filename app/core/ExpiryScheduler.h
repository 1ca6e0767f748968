// ExpiryScheduler: deletes the messages whose disappearing timer ran out (docs/disappearing.md),
// within a second of their time. One timer, for the soonest expiry the store holds (an indexed
// read after every change); never armed for more than a second, so that a wall clock that
// jumps is noticed at the next tick without touching the store. Deleting is Store::expire:
// one transaction, then a checkpoint, on the storage thread. Used from the thread it lives on
// (the GUI thread in the app, AppCore); tandemctl deletes at open only (Store::open).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include <QObject>
#include <QTimer>

#include "storage/Store.h"

namespace tandem::core {

class ExpiryScheduler : public QObject {
    Q_OBJECT
public:
    explicit ExpiryScheduler(storage::Store& store, QObject* parent = nullptr);
    ~ExpiryScheduler() override;

    // Deletes what is due now, then follows the soonest expiry.
    void start();
    void stop();
    // A message with this expiry was stored, or its countdown started.
    void noteExpiry(std::int64_t expiresAtMs);
    // Reads the soonest expiry again (after many countdowns started at once).
    void refresh();

    [[nodiscard]] std::optional<std::int64_t> next() const { return next_; }
    // The wall clock it reads (ms since the epoch); a test puts its own here to jump it.
    using Clock = std::function<std::int64_t()>;
    void setClock(Clock clock) { clock_ = std::move(clock); }

    static constexpr int kMaxTickMs = 1000;
    static constexpr int kRetryMs = 5000;  // after a delete that failed

signals:
    // Gone from the store: the views drop them (a desktop notification cannot be withdrawn, so
    // none ever held their text).
    void expired(const std::vector<tandem::storage::MessageRef>& messages);

private:
    void tick();
    void sweep();

    [[nodiscard]] std::int64_t now() const { return clock_(); }

    storage::Store& store_;
    Clock clock_;
    QTimer timer_;
    std::optional<std::int64_t> next_;
    bool running_ = false;
    bool sweeping_ = false;
};

}  // namespace tandem::core
