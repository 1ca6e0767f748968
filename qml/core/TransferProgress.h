// TransferProgress: an attachment's transfer progress as the views get it. The core reports
// every chunk moved (AttachmentService::progress, bytes done of total); a view needs at most a
// few updates a second. Each message's latest report is kept and passed on at most every
// kIntervalMs — the first at once, the last one always — so a fast transfer over loopback
// does not redraw the chat hundreds of times a second.
#pragma once

#include <map>

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace tandem::gui {

class TransferProgress : public QObject {
    Q_OBJECT

public:
    static constexpr int kIntervalMs = 100;  // at most 10 updates a second per message

    explicit TransferProgress(QObject* parent = nullptr);

    // The core's report (on this object's thread).
    void report(qint64 messageId, qint64 done, qint64 total);
    // What is held back, passed on now (nothing is lost when the core stops).
    void flush();
    [[nodiscard]] std::size_t pending() const { return held_.size(); }

signals:
    void progressed(qint64 messageId, qint64 done, qint64 total);

private:
    struct Held {
        qint64 done = 0;
        qint64 total = 0;
        qint64 dueAt = 0;  // when it may go (clock_ milliseconds)
    };
    void passOn();
    void schedule();

    QElapsedTimer clock_;
    QTimer timer_;
    std::map<qint64, Held> held_;        // reports waiting for their turn
    std::map<qint64, qint64> lastSent_;  // when each message's last update went
};

}  // namespace tandem::gui
