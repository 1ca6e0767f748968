#include "qml/core/CoreThread.h"

#include <QLoggingCategory>
#include <QPointer>

#include <tandem/common/Redact.h>

#include "app/core/LatencyStats.h"

Q_DECLARE_LOGGING_CATEGORY(lcApp)

namespace tandem::gui {

using namespace tandem::storage;

CoreThread::CoreThread(Store& store, QObject* parent) : QObject(parent), store_(store) {
    thread_.setObjectName(QStringLiteral("tandem-core"));
}

CoreThread::~CoreThread() {
    stop();
}

void CoreThread::start() {
    if (messenger_ != nullptr) {
        return;
    }
    ++generation_;
    thread_.start();
    // Made on the core thread, so its timers and everything it creates belong there.
    auto* anchor = new QObject;
    anchor->moveToThread(&thread_);
    core::Messenger* messenger = nullptr;
    QMetaObject::invokeMethod(
        anchor,
        [this, anchor, &messenger] {
            messenger = new core::Messenger(store_);
            delete anchor;  // on its own thread
        },
        Qt::BlockingQueuedConnection);
    messenger_ = messenger;
    wire(messenger);
    QMetaObject::invokeMethod(messenger, [messenger] {
        messenger->start().then([](core::CoreResult<void> started) {
            if (!started) {
                qCWarning(lcApp) << "the core did not start:" << started.error().message;
            }
        });
    });
}

// Everything the Messenger reports runs on the core thread first and comes here as values.
void CoreThread::wire(core::Messenger* messenger) {
    const int g = generation_;
    connect(messenger, &core::Messenger::messageReceived, messenger,
            [this, g](const Message& m, const QString& from, Mode) {
                const bool notice = m.kind == MessageKind::Notice;
                // A sticker is told as one, with its emoji (what the notification can show);
                // a file by its caption, else its name.
                const QString body = m.kind == MessageKind::Sticker ? tr("Sticker %1").arg(m.body)
                                     : m.attachment
                                         ? QStringLiteral("📎 %1").arg(
                                               m.body.isEmpty() ? m.attachment->fileName : m.body)
                                         : m.body;
                toHome(g, [this, id = m.conversationId, from, body, notice,
                           disappearing = m.expireTimer > 0] {
                    emit conversationChanged(id);
                    if (!notice) {  // a setting line is no message to be told about
                        emit messageReceived(id, from, body, disappearing);
                    }
                });
            });
    connect(messenger, &core::Messenger::messageUpdated, messenger, [this, g](const Message& m) {
        toHome(g, [this, id = m.conversationId] { emit conversationChanged(id); });
    });
    connect(&messenger->stickers(), &core::StickerService::packsChanged, messenger,
            [this, g] { toHome(g, [this] { emit stickerPacksChanged(); }); });
    connect(&messenger->stickers(), &core::StickerService::stickerFetched, messenger,
            [this, g](const QByteArray& packId, qint64 stickerId) {
                toHome(g, [this, packId, stickerId] { emit stickerFetched(packId, stickerId); });
            });
    connect(&messenger->attachments(), &core::AttachmentService::progress, messenger,
            [this, g](qint64 id, qint64 done, qint64 total) {
                toHome(g, [this, id, done, total] { emit attachmentProgress(id, done, total); });
            });
    connect(messenger, &core::Messenger::contactChanged, messenger,
            [this, g](const Contact&) { toHome(g, [this] { emit peopleChanged(); }); });
    connect(messenger, &core::Messenger::contactRemoved, messenger,
            [this, g](qint64) { toHome(g, [this] { emit peopleChanged(); }); });
    connect(messenger, &core::Messenger::problem, messenger,
            [this, g](const QString& p) { toHome(g, [this, p] { emit problem(p); }); });
    // A message that could not be read is acknowledged (the network would bring it again and
    // again): the user is told, not left to wonder.
    connect(messenger, &core::Messenger::receiveFailed, messenger,
            [this, g](Mode, const QString& from, const QString& why) {
                toHome(g, [this, from, why] {
                    emit problem(
                        from.isEmpty()
                            ? tr("A message could not be read: %1").arg(why)
                            : tr("A message from %1 could not be read: %2").arg(redact(from), why));
                });
            });
    connect(messenger, &core::Messenger::identityChanged, messenger,
            [this, g](Mode, const QString& address) {
                toHome(g, [this, address] { emit identityChanged(address); });
            });
    connect(messenger, &core::Messenger::connectionChanged, messenger,
            [this, g, messenger](Mode mode, const transport::TransportStatus& s) {
                const bool up = messenger->isConnected(mode);
                toHome(g, [this, mode, up, detail = s.detail, path = s.path] {
                    emit connectionChanged(mode, up, detail, path);
                });
            });
    connect(messenger, &core::Messenger::latencySamplesChanged, messenger,
            [this, g] { toHome(g, [this] { emit latencySamplesChanged(); }); });
    connect(messenger, &core::Messenger::probeProgress, messenger,
            [this, g](qint64, int done, int total) {
                toHome(g, [this, done, total] { emit probeProgress(done, total); });
            });
    connect(messenger, &core::Messenger::latencySampled, messenger,
            [this, g](const LatencySample& sample) {
                const auto ms = [](const std::optional<std::int64_t>& us) {
                    return us ? static_cast<double>(*us) / 1000.0 : -1.0;
                };
                toHome(g, [this, transport = core::transportName(sample.transport),
                           sentAt = sample.sentAt, rt = sample.lost ? -1.0 : ms(sample.roundTripUs),
                           ow = sample.lost ? -1.0 : ms(sample.oneWayUs)] {
                    emit latencySampled(transport, sentAt, rt, ow);
                });
            });
}

void CoreThread::stop() {
    if (messenger_ == nullptr) {
        return;
    }
    core::Messenger* messenger = std::exchange(messenger_, nullptr);
    ++generation_;  // what the stopped core reported late is not passed on
    // Destroyed on its own thread (its transports' sockets belong to it), before the store.
    QMetaObject::invokeMethod(
        messenger, [messenger] { delete messenger; }, Qt::BlockingQueuedConnection);
    thread_.quit();
    thread_.wait();
}

bool CoreThread::queueText(Send send) {
    if (messenger_ == nullptr) {
        return false;
    }
    core::Messenger* messenger = messenger_;
    const int g = generation_;
    QMetaObject::invokeMethod(messenger, [this, g, messenger, send = std::move(send)] {
        send(*messenger).then([this, g](core::CoreResult<Message> queued) {
            if (!queued) {
                toHome(g, [this, why = queued.error().message] { emit problem(why); });
                return;
            }
            toHome(g, [this, id = queued->conversationId] { emit conversationChanged(id); });
        });
    });
    return true;
}

void CoreThread::retry(qint64 messageId) {
    if (messenger_ == nullptr) {
        return;
    }
    QMetaObject::invokeMethod(messenger_, [messenger = messenger_, messageId] {
        messenger->retry(messageId).then([](core::CoreResult<bool> done) {
            if (!done) {
                qCWarning(lcApp) << "cannot retry a message:" << done.error().message;
            }
        });
    });
}

void CoreThread::download(qint64 messageId) {
    if (messenger_ != nullptr) {
        QMetaObject::invokeMethod(messenger_, [messenger = messenger_, messageId] {
            messenger->attachments().download(messageId);
        });
    }
}

void CoreThread::markRead(qint64 conversationId) {
    if (messenger_ == nullptr || conversationId <= 0) {
        return;
    }
    const int g = generation_;
    QMetaObject::invokeMethod(messenger_, [this, g, messenger = messenger_, conversationId] {
        messenger->markRead(conversationId)
            .then([this, g, conversationId](core::CoreResult<int> marked) {
                if (marked && *marked > 0) {
                    toHome(g, [this, conversationId] { emit conversationChanged(conversationId); });
                }
            });
    });
}

void CoreThread::resumeOutbox() {
    if (messenger_ != nullptr) {
        QMetaObject::invokeMethod(messenger_, &core::Messenger::resumeOutbox);
    }
}

bool CoreThread::runProbes(const core::Messenger::ProbeOptions& options) {
    if (messenger_ == nullptr) {
        return false;
    }
    QPointer<CoreThread> self(this);
    QMetaObject::invokeMethod(messenger_, [messenger = messenger_, options, self] {
        messenger->runProbes(options)
            .then([self](core::CoreResult<core::Messenger::ProbeResult> result) {
                const bool ok = result.has_value();
                QString message;
                if (ok) {
                    const auto lost = std::count_if(result->samples.begin(), result->samples.end(),
                                                    [](const LatencySample& s) { return s.lost; });
                    message = tr("probes %1, lost %2").arg(result->samples.size()).arg(lost);
                } else {
                    message = result.error().message;
                }
                QMetaObject::invokeMethod(self, [self, ok, message] {
                    if (self) {
                        emit self->probeFinished(ok, message);
                    }
                });
            })
            .onCanceled([self] {  // the core went (its promise was dropped unfinished)
                QMetaObject::invokeMethod(self, [self] {
                    if (self) {
                        emit self->probeAbandoned();
                    }
                });
            });
    });
    return true;
}

}  // namespace tandem::gui
