// CoreThread: the Messenger (and with it both transports) on a thread of its own, and what
// crosses to and from it. Calls are queued to the core thread; what the Messenger reports is
// turned into plain values there and queued back as this object's signals, on the thread
// that owns this object (the GUI thread). No storage or transport type crosses, and nothing
// a stopped Messenger reported late is passed on.
#pragma once

#include <functional>

#include <QFuture>
#include <QObject>
#include <QPointer>
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
    // Downloads a received attachment again (after a failure; nothing when it is complete).
    void download(qint64 messageId);
    // Marks the conversation read (a read receipt goes out): conversationChanged if any was.
    void markRead(qint64 conversationId);
    // Sends what waited for a contact to be unblocked or their new key accepted.
    void resumeOutbox();
    // A latency run: probeProgress while it goes, then probeFinished. False when stopped.
    bool runProbes(const core::Messenger::ProbeOptions& options);

    // Runs `work` with the Messenger on the core thread; what its future gives is passed to
    // `done` on this object's thread — unless `receiver` is gone or the core stopped since
    // (then `done` is never called). False when the core is not running (nothing queued).
    template <class T>
    bool call(QObject* receiver, std::function<QFuture<T>(core::Messenger&)> work,
              std::function<void(T)> done);

signals:
    // A message came (the sender's address, the text; `disappearing`: it has a timer).
    void messageReceived(qint64 conversationId, const QString& from, const QString& text,
                         bool disappearing);
    void conversationChanged(qint64 conversationId);
    // Something to tell the user (a send refused, a message that could not be read).
    void problem(const QString& text);
    void identityChanged(const QString& address);
    // Messenger::contactChanged / contactRemoved: profiles, requests, blocks.
    void peopleChanged();
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
    // StickerService::packsChanged and stickerFetched.
    void stickerPacksChanged();
    void stickerFetched(const QByteArray& packId, qint64 stickerId);
    // AttachmentService::progress: bytes of an attachment moved so far, either direction.
    void attachmentProgress(qint64 messageId, qint64 done, qint64 total);

private:
    void wire(core::Messenger* messenger);
    // Runs `fn` on this object's thread if the core that reported is still the current one.
    template <class F>
    void toHome(int generation, F fn) {
        QMetaObject::invokeMethod(this, [this, generation, fn = std::move(fn)]() mutable {
            if (generation == generation_) {  // not a core that was stopped since
                fn();
            }
        });
    }

    storage::Store& store_;
    QThread thread_;
    core::Messenger* messenger_ = nullptr;  // lives on thread_
    int generation_ = 0;                    // each start and stop counts one
};

template <class T>
bool CoreThread::call(QObject* receiver, std::function<QFuture<T>(core::Messenger&)> work,
                      std::function<void(T)> done) {
    if (messenger_ == nullptr) {
        return false;
    }
    const int g = generation_;
    QPointer<QObject> guard(receiver);
    QMetaObject::invokeMethod(messenger_, [this, g, guard, messenger = messenger_,
                                           work = std::move(work), done = std::move(done)] {
        work(*messenger).then([this, g, guard, done](T value) {
            toHome(g, [guard, done, value = std::move(value)] {
                if (guard) {
                    done(value);
                }
            });
        });
    });
    return true;
}

}  // namespace tandem::gui
