#include "app/core/attachments/AttachmentService.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QPromise>
#include <QStorageInfo>
#include <QThreadPool>
#include <QTimer>
#include <QtConcurrent>

#include "app/core/CoreLog.h"
#include "app/core/attachments/TransferJobs.h"

namespace tandem::core {

using namespace tandem::storage;

namespace {

// The attachment of a message, to be transferred, with the mode it travels in.
struct Claimed {
    std::optional<Attachment> attachment;  // nullopt: nothing to do
    Mode mode = Mode::Signal;
};

}  // namespace

AttachmentService::AttachmentService(Store& store, const Channels& channels, QObject* parent)
    : QObject(parent), store_(store), channels_(channels), requests_(channels) {}

AttachmentService::~AttachmentService() {
    stop();
}

QString AttachmentService::folderOf(const QString& profileDir) {
    return profileDir + QStringLiteral("/attachments");
}

QString AttachmentService::folder() const {
    const QString profile = store_.folder();
    return profile.isEmpty() ? QString() : folderOf(profile);
}

CoreResult<Attachment> AttachmentService::prepare(const QString& folder, const QString& path) {
    return SealedFile::seal(folder, path);
}

QFuture<CoreResult<Attachment>> AttachmentService::prepare(const QString& path) {
    auto promise = std::make_shared<QPromise<CoreResult<Attachment>>>();
    promise->start();
    QFuture<CoreResult<Attachment>> future = promise->future();
    QThreadPool::globalInstance()->start(
        [folder = folder(), path, promise, self = QPointer<AttachmentService>(this)] {
            auto prepared = std::make_shared<CoreResult<Attachment>>(prepare(folder, path));
            auto deliver = [promise, prepared] {
                promise->addResult(std::move(*prepared));
                promise->finish();
            };
            if (self.isNull()) {
                deliver();  // continuations guarded by the service do nothing
            } else {
                QMetaObject::invokeMethod(self.data(), deliver, Qt::QueuedConnection);
            }
        });
    return future;
}

void AttachmentService::upload(std::int64_t messageId) {
    attempts_.erase(messageId);
    start({messageId, true, true});
}

void AttachmentService::download(std::int64_t messageId) {
    attempts_.erase(messageId);
    start({messageId, false, true});
}

void AttachmentService::received(std::int64_t messageId) {
    start({messageId, false, false});
}

void AttachmentService::resume(Mode mode) {
    if (stopped_) {
        return;
    }
    store_.read([mode](Repositories& r) { return r.attachments.unfinished(mode); }, this,
                [this](StoreResult<std::vector<UnfinishedTransfer>> found) {
                    if (!found) {
                        qCWarning(lcCore)
                            << "cannot list unfinished transfers:" << found.error().message;
                        return;
                    }
                    for (const UnfinishedTransfer& t : *found) {
                        start({t.messageId, t.direction == Direction::Outgoing, false});
                    }
                });
}

void AttachmentService::stop() {
    stopped_ = true;
    for (auto& [id, job] : jobs_) {
        if (job) {
            job->deleteLater();
        }
    }
    jobs_.clear();
    waiting_.clear();
}

void AttachmentService::startWaiting() {
    while (!stopped_ && jobs_.size() < kMaxRunning && !waiting_.empty()) {
        const Start next = waiting_.front();
        waiting_.pop_front();
        start(next);
    }
}

void AttachmentService::start(Start what) {
    const std::int64_t messageId = what.messageId;
    const bool outgoing = what.outgoing;
    if (stopped_ || jobs_.count(messageId) != 0) {
        return;
    }
    if (jobs_.size() >= kMaxRunning) {
        // Started when one running ends; asked for again, it keeps its place (and becomes
        // asked for, which may revive a failed one).
        const auto queued = std::find_if(waiting_.begin(), waiting_.end(),
                                         [&](const Start& w) { return w.messageId == messageId; });
        if (queued == waiting_.end()) {
            waiting_.push_back(what);
        } else {
            queued->asked = queued->asked || what.asked;
        }
        return;
    }
    const bool asked = what.asked;
    jobs_.emplace(messageId, nullptr);  // taken: a second call waits for this one
    // An incoming file is marked Downloading and given its local copy's name before the first
    // byte comes, so a restart finds it (and opening the profile keeps its copy).
    store_.write(
        [messageId, outgoing, asked](Repositories& r) -> StoreResult<Claimed> {
            Claimed out;
            TANDEM_TRY_ASSIGN(const auto m, r.messages.findById(messageId));
            if (!m || !m->attachment || !m->attachment->key ||
                (m->direction == Direction::Outgoing) != outgoing) {
                return out;
            }
            TANDEM_TRY_ASSIGN(const Conversation c, r.conversations.get(m->conversationId));
            if (!c.mode) {
                return out;  // Note to Self: nothing travels
            }
            out.mode = *c.mode;
            if (!outgoing && !asked && c.contactId) {
                // Nothing is fetched for a request or from a blocked sender unless asked.
                TANDEM_TRY_ASSIGN(const Contact sender, r.contacts.get(*c.contactId));
                if (!sender.accepted || sender.blocked) {
                    return out;
                }
            }
            Attachment a = *m->attachment;
            // What failed for good is started again only when someone asks (download(),
            // upload(), a retry), never by a timer or a reconnect.
            if (a.state == TransferState::Failed && !asked) {
                return out;
            }
            if (outgoing) {
                if (a.state != TransferState::Uploading) {
                    return out;
                }
            } else {
                if (a.complete) {
                    return out;
                }
                if (a.localFile.isEmpty()) {
                    a.localFile = SealedFile::newName();
                    TANDEM_TRY(r.attachments.setLocalFile(messageId, a.localFile));
                }
                if (a.state != TransferState::Downloading) {
                    a.state = TransferState::Downloading;
                    a.error.clear();
                    TANDEM_TRY(r.attachments.setState(messageId, a.state, {}, false));
                }
            }
            out.attachment = std::move(a);
            return out;
        },
        this,
        [this, messageId, outgoing](StoreResult<Claimed> claimed) {
            TransportRequests* req =
                claimed && claimed->attachment ? requests_(claimed->mode) : nullptr;
            if (req == nullptr || stopped_) {
                if (!claimed) {
                    qCWarning(lcCore) << "cannot start a transfer:" << claimed.error().message;
                }
                jobs_.erase(messageId);  // not now: resume() starts it when the mode can
                startWaiting();
                emit settled();
                return;
            }
            // A download needs the disk it will take (and some to spare): a peer's files
            // cannot fill it.
            if (!outgoing) {
                const Attachment& a = *claimed->attachment;
                const QStorageInfo disk(store_.folder());
                const qint64 needed = a.size - a.transferred + kDiskReserveBytes;
                if (disk.isValid() && disk.bytesAvailable() < needed) {
                    finished(messageId,
                             {TransferJob::End::Failed,
                              QStringLiteral("Not enough free disk space: the file needs %1 MiB "
                                             "more and %2 MiB are free.")
                                  .arg((a.size - a.transferred) / (1024 * 1024))
                                  .arg(disk.bytesAvailable() / (1024 * 1024))},
                             outgoing);
                    return;
                }
            }
            auto done = [this, messageId, outgoing](TransferJob::Outcome outcome) {
                finished(messageId, std::move(outcome), outgoing);
            };
            TransferJob* job = nullptr;
            if (outgoing) {
                job = new UploadJob(store_, *req, messageId, std::move(*claimed->attachment),
                                    folder(), std::move(done), this);
            } else {
                job = new DownloadJob(store_, *req, messageId, std::move(*claimed->attachment),
                                      folder(), std::move(done), this);
                emitUpdated(messageId);  // now Downloading
            }
            connect(job, &TransferJob::progress, this, &AttachmentService::progress);
            jobs_[messageId] = job;
            job->start();
        });
}

void AttachmentService::finished(std::int64_t messageId, TransferJob::Outcome outcome,
                                 bool outgoing) {
    if (auto it = jobs_.find(messageId); it != jobs_.end()) {
        if (it->second) {
            it->second->deleteLater();
        }
        jobs_.erase(it);
    }
    startWaiting();
    switch (outcome.end) {
        case TransferJob::End::Done:
            attempts_.erase(messageId);
            if (outgoing) {
                // Marked Uploaded in the transaction that queues the message (Outbox::release):
                // a crash in between leaves it Uploading, and the next start finds every chunk
                // stored and releases it then.
                emit uploaded(messageId);
                emit settled();
                return;
            }
            store_.write(
                [messageId](Repositories& r) {
                    return r.attachments.setState(messageId, TransferState::Downloaded, {}, true);
                },
                this,
                [this, messageId](StoreResult<bool> there) {
                    if (there && *there) {
                        emitUpdated(messageId);
                    }
                    emit settled();
                });
            return;
        case TransferJob::End::Paused: {
            // The network went away: tried again with backoff, and at once when it is back
            // (resume()).
            const int attempt = ++attempts_[messageId];
            const int delayMs = std::min(kMaxBackoffMs, 1000 << std::min(attempt - 1, 5));
            qCInfo(lcCore) << "a file transfer paused (" << outcome.error << "); again in"
                           << delayMs << "ms";
            if (retrying_.insert(messageId).second) {  // one timer per transfer
                QTimer::singleShot(delayMs, this, [this, messageId, outgoing] {
                    retrying_.erase(messageId);
                    start({messageId, outgoing, false});
                });
            }
            emit settled();
            return;
        }
        case TransferJob::End::Failed:
            attempts_.erase(messageId);
            store_.write(
                [messageId, outgoing, why = outcome.error](Repositories& r) -> StoreResult<bool> {
                    TANDEM_TRY_ASSIGN(
                        const bool there,
                        r.attachments.setState(messageId, TransferState::Failed, why, outgoing));
                    if (there && outgoing) {
                        TANDEM_TRY(r.messages.updateStatus(messageId, MessageStatus::Failed,
                                                           QDateTime::currentMSecsSinceEpoch()));
                    }
                    return there;
                },
                this,
                [this, messageId](StoreResult<bool> there) {
                    if (there && *there) {
                        emitUpdated(messageId);
                    }
                    emit settled();
                });
            return;
        case TransferJob::End::Gone:
            attempts_.erase(messageId);
            emit settled();
            return;
    }
}

void AttachmentService::emitUpdated(std::int64_t messageId) {
    store_.read([messageId](Repositories& r) { return r.messages.findById(messageId); }, this,
                [this](StoreResult<std::optional<Message>> m) {
                    if (m && *m) {
                        emit messageUpdated(**m);
                    }
                });
}

namespace {

CoreResult<Attachment> completeAttachment(StoreResult<std::optional<Attachment>> found,
                                          std::int64_t messageId) {
    if (!found) {
        return unexpected(fromStore(found.error()));
    }
    if (!*found) {
        return coreError(CoreErrorCode::InvalidArgument,
                         QStringLiteral("Message %1 has no file.").arg(messageId));
    }
    if (!(*found)->complete) {
        return coreError(CoreErrorCode::InvalidArgument,
                         QStringLiteral("The file is not downloaded yet."));
    }
    return std::move(**found);
}

}  // namespace

template <class T, class Work>
QFuture<CoreResult<T>> AttachmentService::withCompleteFile(std::int64_t messageId, Work work) {
    // The row is read on the storage thread; the file work runs on a pool thread with copies
    // only (it never touches the store, which may be gone by then).
    auto promise = std::make_shared<QPromise<CoreResult<T>>>();
    promise->start();
    QFuture<CoreResult<T>> future = promise->future();
    store_.read([messageId](Repositories& r) { return r.attachments.get(messageId); }, this,
                [promise, messageId, folder = folder(),
                 work = std::move(work)](StoreResult<std::optional<Attachment>> found) mutable {
                    auto a = completeAttachment(std::move(found), messageId);
                    if (!a) {
                        promise->addResult(unexpected(a.error()));
                        promise->finish();
                        return;
                    }
                    QThreadPool::globalInstance()->start(
                        [promise, file = SealedFile(folder, *a), a = *a, work]() mutable {
                            promise->addResult(work(file, a));
                            promise->finish();
                        });
                });
    return future;
}

QFuture<CoreResult<void>> AttachmentService::save(std::int64_t messageId, const QString& path) {
    return withCompleteFile<void>(
        messageId, [path](const SealedFile& file, const Attachment&) -> CoreResult<void> {
            return file.openInto(path);
        });
}

QFuture<CoreResult<QByteArray>> AttachmentService::readImage(std::int64_t messageId) {
    return withCompleteFile<QByteArray>(
        messageId, [](const SealedFile& file, const Attachment& a) -> CoreResult<QByteArray> {
            if (!a.isImage()) {
                return coreError(CoreErrorCode::InvalidArgument,
                                 QStringLiteral("It is not an image."));
            }
            return file.openAll(kMaxImageBytes);
        });
}

}  // namespace tandem::core
