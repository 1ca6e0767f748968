// UnixSignals: turns SIGINT, SIGTERM and SIGHUP into a Qt signal on the thread that owns
// the watcher, so a process can shut down cleanly (close the store, checkpoint the WAL,
// stop its children) instead of dying mid-write. A daemon can take SIGHUP as "read your
// configuration again" instead (systemd's ExecReload=/bin/kill -HUP $MAINPID). Uses the self-pipe
// pattern: the handler only writes a byte; everything else happens in the event loop.
#pragma once

#include <functional>
#include <memory>

#include <QObject>
#include <QSocketNotifier>

namespace tandem {

class UnixSignals : public QObject {
    Q_OBJECT
public:
    // Installs the handlers; at most one watcher per process.
    explicit UnixSignals(QObject* parent = nullptr);
    ~UnixSignals() override;

    // Convenience: quit the application's event loop on any of the signals.
    static void quitOnTermination(QObject* parent);
    // The same for SIGINT and SIGTERM; SIGHUP calls `reload` (on the event loop) instead.
    static void quitOnTermination(QObject* parent, std::function<void()> reload);

    // SIGHUP emits reloadRequested() instead of terminationRequested().
    void setHangupReloads(bool on) { hangupReloads_ = on; }

signals:
    void terminationRequested(int signalNumber);
    void reloadRequested();

private:
    std::unique_ptr<QSocketNotifier> notifier_;
    bool hangupReloads_ = false;
};

}  // namespace tandem
