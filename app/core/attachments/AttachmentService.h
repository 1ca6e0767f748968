// AttachmentService: files sent and received with messages (docs/attachments.md), on the core
// thread. A file is sealed chunk by chunk under its own key into an encrypted local copy
// (<profile>/attachments/), uploaded chunk by chunk as blobs through the conversation's mode
// (UploadJob), and named, with its key, by the message that carries it; a received one is
// downloaded the same way (DownloadJob). Both record their progress in the store after every
// chunk, so a transfer cut by a lost connection or a restart goes on where it stopped.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <set>

#include <QFuture>
#include <QObject>
#include <QPointer>

#include "app/core/CoreError.h"
#include "app/core/ModeChannel.h"
#include "app/core/TransportRequests.h"
#include "app/core/attachments/SealedFile.h"
#include "app/core/attachments/TransferJobs.h"
#include "storage/Store.h"

namespace tandem::core {

class AttachmentService : public QObject {
    Q_OBJECT
public:
    // A transfer the network cut is tried again after 1 s, 2 s, 4 s … at most this.
    static constexpr int kMaxBackoffMs = 30 * 1000;
    // Transfers at once (each holds at most TransferJob::kInFlight chunks on the wire and as
    // many fetched ahead); the others wait their turn.
    static constexpr std::size_t kMaxRunning = 3;
    // Free disk a download leaves at least.
    static constexpr qint64 kDiskReserveBytes = 256LL * 1024 * 1024;
    // An upload older than this is done again when its message is retried: the networks keep
    // blobs 30 days.
    static constexpr std::int64_t kReuploadAfterMs = 25LL * 24 * 3600 * 1000;
    // Images up to this size are decoded: thumbnails, readImage().
    static constexpr qint64 kMaxImageBytes = SealedFile::kMaxImageBytes;

    AttachmentService(storage::Store& store, const Channels& channels, QObject* parent = nullptr);
    ~AttachmentService() override;

    // Where the encrypted local copies are: <profile>/attachments (made when missing).
    static QString folderOf(const QString& profileDir);

    // Off the core thread: checks the file at `path` (a readable regular file of 1 byte to
    // crypto::kMaxAttachmentBytes; its size is looked at before a byte is read), seals it into
    // a new local copy under `folder`, and describes it (name, type, image size, thumbnail).
    // The result is ready for the store (state Uploading, nothing transferred).
    static CoreResult<storage::Attachment> prepare(const QString& folder, const QString& path);
    // The same on a worker thread, into the open profile; the future finishes on this
    // service's thread (cancelled if the service is gone by then).
    QFuture<CoreResult<storage::Attachment>> prepare(const QString& path);

    // Uploads the chunks of an outgoing attachment the store holds (from where it stopped);
    // emits uploaded() when every chunk is stored.
    void upload(std::int64_t messageId);
    // Downloads a received attachment (from where it stopped); nothing when it is complete.
    // The user asked: it starts even if the file came with a message request.
    void download(std::int64_t messageId);
    // A file that just arrived: downloaded at once from an accepted contact; one that came
    // with a message request waits until the request is accepted (resume() then takes it), so
    // a stranger cannot make us fetch a file, or learn when we are online, by sending one.
    void received(std::int64_t messageId);
    // Starts every transfer of `mode` left unfinished (at start, when its network is back, when
    // a request is accepted), but no download from a request or a blocked sender.
    void resume(storage::Mode mode);
    void stop();

    // Decrypts the whole file into `path` (written beside it, then renamed).
    QFuture<CoreResult<void>> save(std::int64_t messageId, const QString& path);
    // A complete image's bytes, decrypted (images up to kMaxImageBytes).
    QFuture<CoreResult<QByteArray>> readImage(std::int64_t messageId);

    // No transfer running or waiting its turn.
    [[nodiscard]] bool isIdle() const { return jobs_.empty() && waiting_.empty(); }
    [[nodiscard]] bool isTransferring(std::int64_t messageId) const {
        return jobs_.count(messageId) != 0;
    }

signals:
    // Bytes moved so far, of `total`, in either direction.
    void progress(qint64 messageId, qint64 done, qint64 total);
    // Every chunk of an outgoing attachment is stored: the message can be queued.
    void uploaded(qint64 messageId);
    // A message's attachment changed state (message.attachment holds the new one).
    void messageUpdated(const tandem::storage::Message& message);
    void settled();

private:
    struct Start {
        std::int64_t messageId = 0;
        bool outgoing = false;
        bool asked = false;  // by the user (or the sender), not a timer or a reconnect
    };
    void start(Start what);
    void startWaiting();
    template <class T, class Work>
    QFuture<CoreResult<T>> withCompleteFile(std::int64_t messageId, Work work);
    void finished(std::int64_t messageId, TransferJob::Outcome outcome, bool outgoing);
    void emitUpdated(std::int64_t messageId);
    [[nodiscard]] QString folder() const;

    storage::Store& store_;
    const Channels& channels_;
    ModeRequests requests_;
    std::map<std::int64_t, QPointer<TransferJob>> jobs_;  // null while it is being started
    std::map<std::int64_t, int> attempts_;                // paused transfers: backoff
    std::set<std::int64_t> retrying_;                     // a backoff timer runs for these
    std::deque<Start> waiting_;                           // over kMaxRunning
    bool stopped_ = false;
};

}  // namespace tandem::core
