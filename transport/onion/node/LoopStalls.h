// LoopStalls: a debugging aid that reports, once a second, how long the node's event loop
// was busy between two waits at most (the longest stretch in which a frame arriving would
// have waited), its busy share and its wake-ups. Off unless the category
// tandem.transport.node.loop is enabled for debug
// (QT_LOGGING_RULES="tandem.transport.node.loop.debug=true"); then it costs two clock reads
// a wake-up. Seconds without a wake-up are not reported.
#pragma once

#include <cstdint>

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QObject>

namespace tandem::transport::onion {

Q_DECLARE_LOGGING_CATEGORY(lcNodeLoop)

class LoopStalls : public QObject {
public:
    explicit LoopStalls(QObject* parent = nullptr);
    // Watches the current thread's event dispatcher if the category is enabled.
    void startIfEnabled();

private:
    void awake();
    void aboutToBlock();
    void report(std::int64_t now);

    QElapsedTimer clock_;
    std::int64_t awakeAt_ = -1;     // ns on clock_, -1 while waiting
    std::int64_t windowStart_ = 0;  // ns
    std::int64_t longest_ = 0;
    std::int64_t busy_ = 0;
    std::int64_t wakes_ = 0;
};

}  // namespace tandem::transport::onion
