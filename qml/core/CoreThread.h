// CoreThread: the Messenger (and with it both transports) on a thread of its own, and what
// crosses to and from it. Calls are queued to the core thread; what the Messenger reports is
// turned into plain values there and queued back as this object's signals, on the thread
// that owns this object (the GUI thread). No storage or transport type crosses, and nothing
// a stopped Messenger reported late is passed on.
#pragma once

#include <functional>

#include <QFuture>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThread>

#include "app/core/CoreError.h"
#include "app/core/Messenger.h"
#include "storage/Store.h"
#include "storage/Types.h"

namespace tandem::gui {

class CoreThread : public QObject {
    Q_OBJECT

public:
    explicit CoreThread(storage::Store& store, QObject* parent = nullptr);
    ~CoreThread() override;

    // Makes the Messenger on the core thread and starts it (the store must be open).
    void start();
    // Stops and destroys the Messenger on its thread, then the thread.
    void stop();
    [[nodiscard]] bool running() const { return messenger_ != nullptr; }
    // The Messenger, for what must run on its thread itself (account set-up); nullptr when
    // stopped. Use it only through queued calls.
    [[nodiscard]] core::Messenger* messenger() const { return messenger_; }

    // Queues what `send` queues on the core thread: conversationChanged, or problem.
    // False when the core is not running (nothing was queued).
    using Send = std::function<QFuture<core::CoreResult<storage::Message>>(core::Messenger&)>;
    bool queueText(Send send);
    void retry(qint64 messageId);
    // Marks the conversation read (a read receipt goes out): conversationChanged if any was.
    void markRead(qint64 conversationId);
    // Sends what waited for a contact to be unblocked or their new key accepted.
    void resumeOutbox();
    // A latency run: probeProgress while it goes, then probeFinished. False when stopped.
    bool runProbes(const core::Messenger::ProbeOptions& options);

signals:
    // A message came (the sender's address, the text; `disappearing`: it has a timer).
    void messageReceived(qint64 conversationId, const QString& from, const QString& text,
                         bool disappearing);
    void conversationChanged(qint64 conversationId);
    // Something to tell the user (a send refused, a message that could not be read).
    void problem(const QString& text);
    void identityChanged(const QString& address);
    void connectionChanged(storage::Mode mode, bool connected, const QString& detail,
                           const QStringList& path);
    void latencySamplesChanged();
    void latencySampled(const QString& transport, qint64 sentAt, double roundTripMs,
                        double oneWayMs);
    void probeProgress(int done, int total);
    // `ok` false with the reason.
    void probeFinished(bool ok, const QString& message);
    // The core stopped under a run.
    void probeAbandoned();

private:
    void wire(core::Messenger* messenger);
    // Runs `fn` on this object's thread if the core that reported is still the current one.
    template <class F>
    void toHome(int generation, F fn);

    storage::Store& store_;
    QThread thread_;
    core::Messenger* messenger_ = nullptr;  // lives on thread_
    int generation_ = 0;                    // each start and stop counts one
};

}  // namespace tandem::gui
