// Waiting for a QFuture from event-driven code that must keep the event loop turning
// (tandemctl, tests): the network and the store's continuations keep running meanwhile.
#pragma once

#include <QEventLoop>
#include <QFuture>
#include <QFutureWatcher>
#include <QTimer>

namespace tandem::core {

template <class T>
T awaitFuture(QFuture<T> future) {
    if (!future.isFinished()) {
        QEventLoop loop;
        QFutureWatcher<T> watcher;
        QObject::connect(&watcher, &QFutureWatcher<T>::finished, &loop, &QEventLoop::quit);
        watcher.setFuture(future);
        if (!future.isFinished()) {
            loop.exec();
        }
    }
    if constexpr (!std::is_void_v<T>) {
        return future.result();
    }
}

// Runs the event loop until `done()` holds or `timeoutMs` passes; returns done().
template <class F>
bool spinUntil(F done, int timeoutMs) {
    QEventLoop loop;
    QTimer poll;
    QTimer deadline;
    bool timedOut = false;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done()) {
            loop.quit();
        }
    });
    QObject::connect(&deadline, &QTimer::timeout, &loop, [&] {
        timedOut = true;
        loop.quit();
    });
    if (done()) {
        return true;
    }
    poll.start(5);
    deadline.setSingleShot(true);
    deadline.start(timeoutMs);
    loop.exec();
    (void)timedOut;
    return done();
}

}  // namespace tandem::core
