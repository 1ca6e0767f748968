// The network half of attachments (docs/attachments.md), one job per file:
//   UploadJob   — uploads the sealed chunks of a local copy as blobs, kInFlight at once, and
//                 records in the store, after every chunk, the blobs stored so far (in order),
//                 so a job started again goes on from there;
//   DownloadJob — downloads the chunks a received pointer names, kInFlight at once, opens each
//                 to check it, appends it to the local copy in order and records how much is
//                 in; started again, it cuts the copy back to what is recorded and goes on.
// Both run on the core thread and end once: Done, Paused (the network went away: started
// again later), Failed (for good, with why) or Gone (the message was deleted meanwhile).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <vector>

#include <QFile>
#include <QObject>
#include <QPointer>

#include "app/core/TransportRequests.h"
#include "app/core/attachments/SealedFile.h"
#include "storage/Store.h"
#include "tandem/content.pb.h"

namespace tandem::core {

class TransferJob : public QObject {
    Q_OBJECT
public:
    static constexpr int kInFlight = 4;

    enum class End { Done, Paused, Failed, Gone };
    struct Outcome {
        End end = End::Done;
        QString error;  // Paused, Failed: why
    };
    using Done = std::function<void(Outcome)>;

    TransferJob(storage::Store& store, TransportRequests& requests, std::int64_t messageId,
                storage::Attachment attachment, QString folder, Done done,
                QObject* parent = nullptr);
    virtual void start() = 0;
    [[nodiscard]] std::int64_t messageId() const { return messageId_; }

signals:
    void progress(qint64 messageId, qint64 done, qint64 total);

protected:
    // Ends the job: waits for the requests on the wire and the store writes under way first,
    // so that nothing answers after the end.
    void end(Outcome outcome);
    // A transport error: the network went away (Paused) or refused for good (Failed).
    void endWith(const transport::TransportError& error, const QString& what);
    // Records progress; Gone when the message is not there any more.
    void record(std::int64_t transferred, std::optional<QByteArray> chunks);
    // Called when a request or a store write came back; ends the job when it is ending.
    void settle();
    [[nodiscard]] bool ending() const { return outcome_.has_value(); }
    // The message went (its timer ran out) while this job ran: what the job wrote goes too.
    virtual void discard() {}
    [[nodiscard]] qint64 chunkCount() const { return count_; }

    storage::Store& store_;
    QPointer<TransportRequests> requests_;
    const std::int64_t messageId_;
    const storage::Attachment attachment_;
    const QString folder_;
    const qint64 count_;
    int inFlight_ = 0;
    int writing_ = 0;

private:
    Done done_;
    std::optional<Outcome> outcome_;
    bool called_ = false;
};

class UploadJob : public TransferJob {
    Q_OBJECT
public:
    using TransferJob::TransferJob;
    void start() override;

private:
    void pump();

    std::vector<proto::AttachmentChunk> stored_;      // in order, from the first
    std::map<qint64, proto::AttachmentChunk> ahead_;  // stored out of order
    qint64 next_ = 0;                                 // the next chunk to send
};

class DownloadJob : public TransferJob {
    Q_OBJECT
public:
    using TransferJob::TransferJob;
    void start() override;

private:
    void pump();
    void write();
    void discard() override;

    std::vector<proto::AttachmentChunk> chunks_;
    std::map<qint64, QByteArray> fetched_;  // downloaded, not yet written
    std::unique_ptr<QFile> file_;
    qint64 written_ = 0;  // chunks in the local copy
    qint64 next_ = 0;     // the next chunk to ask for
};

}  // namespace tandem::core
