// LoopStalls: a debugging aid that reports, once a second, how long the node's event loop
// spent on one event at most (a frame, a timer, a queued call: how long anything arriving
// meanwhile waited for it), its busy share and the events handled. Off unless the category
// tandem.transport.node.loop is enabled for debug
// (QT_LOGGING_RULES="tandem.transport.node.loop.debug=true"); then it costs two clock reads
// an event. Seconds without events are not reported.
//
// The events are timed where every one of them passes: tandem-node's application object is a
// NodeApplication, whose notify() times the outermost delivery of each (the event
// dispatcher's own signals do not bracket socket and timer work).
#pragma once

#include <cstdint>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLoggingCategory>

namespace tandem::transport::onion {

Q_DECLARE_LOGGING_CATEGORY(lcNodeLoop)

class LoopStalls {
public:
    LoopStalls();
    [[nodiscard]] std::int64_t now() const { return clock_.nsecsElapsed(); }
    // One event handled from `start` to `end` (ns on now()'s clock): `type` (QEvent::Type)
    // to `receiver` (a class name).
    // `cpu`: the thread's CPU time in it (the rest is waiting: for a core, or in the kernel).
    void handled(std::int64_t start, std::int64_t end, std::int64_t cpu, int type,
                 const char* receiver);
    // The calling thread's CPU time, ns.
    static std::int64_t threadCpu();

private:
    void report(std::int64_t now);

    QElapsedTimer clock_;
    std::int64_t windowStart_ = 0;
    std::int64_t longest_ = 0;
    std::int64_t busy_ = 0;
    std::int64_t events_ = 0;
    std::int64_t longestCpu_ = 0;
    int longestType_ = 0;
    const char* longestReceiver_ = "";
};

class NodeApplication : public QCoreApplication {
public:
    NodeApplication(int& argc, char** argv) : QCoreApplication(argc, argv) {}
    bool notify(QObject* receiver, QEvent* event) override;

private:
    LoopStalls stalls_;
    int depth_ = 0;
};

}  // namespace tandem::transport::onion
