#include "app/core/attachments/TransferJobs.h"

#include <unistd.h>

#include "app/core/CoreLog.h"
#include "app/core/attachments/AttachmentPointer.h"
#include "crypto/Attachments.h"

namespace tandem::core {

using storage::Repositories;
using storage::StoreResult;
using transport::TransportError;

TransferJob::TransferJob(storage::Store& store, TransportRequests& requests, std::int64_t messageId,
                         storage::Attachment attachment, QString folder, Done done, QObject* parent)
    : QObject(parent),
      store_(store),
      requests_(&requests),
      messageId_(messageId),
      attachment_(std::move(attachment)),
      folder_(std::move(folder)),
      count_(crypto::attachmentChunkCount(attachment_.size)),
      done_(std::move(done)) {}

void TransferJob::end(Outcome outcome) {
    // The first end holds, but a Done is not one until what is still under way has come back
    // well: a store write that failed after it makes it Paused (or Gone).
    if (!outcome_ || (outcome_->end == End::Done && outcome.end != End::Done)) {
        outcome_ = std::move(outcome);
    }
    settle();
}

void TransferJob::endWith(const TransportError& error, const QString& what) {
    if (error.retryable) {
        end({End::Paused, error.message});
    } else if (error.code == TransportError::Code::NotFound) {
        end({End::Failed, QStringLiteral("The file is no longer on the network (%1).").arg(what)});
    } else {
        end({End::Failed, QStringLiteral("%1: %2").arg(what, error.message)});
    }
}

void TransferJob::settle() {
    if (outcome_ && inFlight_ == 0 && writing_ == 0 && !called_) {
        called_ = true;
        if (outcome_->end == End::Gone) {
            discard();
        }
        Done done = std::move(done_);
        done(*outcome_);
    }
}

void TransferJob::record(std::int64_t transferred, std::optional<QByteArray> chunks) {
    ++writing_;
    store_.write(
        [id = messageId_, transferred, chunks = std::move(chunks)](Repositories& r) {
            return r.attachments.setProgress(id, transferred, chunks);
        },
        this,
        [this, transferred](StoreResult<bool> there) {
            --writing_;
            if (!there) {
                end({End::Paused, there.error().message});
            } else if (!*there) {
                end({End::Gone, {}});
            } else if (!ending()) {
                emit progress(messageId_, transferred, attachment_.size);
            }
            settle();
        });
}

// ---- upload ---------------------------------------------------------------------------------

void UploadJob::start() {
    auto stored = decodeChunks(attachment_.chunks);
    if (!stored) {
        end({End::Failed, stored.error()});
        return;
    }
    stored_ = std::move(stored).value();
    if (static_cast<qint64>(stored_.size()) > count_) {
        stored_.clear();  // not this file's: uploaded again
    }
    next_ = static_cast<qint64>(stored_.size());
    emit progress(messageId_,
                  std::min<qint64>(next_ * crypto::kAttachmentChunkBytes, attachment_.size),
                  attachment_.size);
    pump();
}

void UploadJob::pump() {
    const SealedFile file(folder_, attachment_);
    while (!ending() && inFlight_ < kInFlight && next_ < count_ && requests_) {
        const qint64 index = next_++;
        auto sealed = file.readChunk(index);
        if (!sealed) {
            end({End::Failed, sealed.error().message});
            return;
        }
        ++inFlight_;
        requests_->putBlob(
            *sealed, [this, self = QPointer<TransferJob>(this), index,
                      size = sealed->size()](TransportRequests::Result<transport::BlobRef> ref) {
                if (!self) {
                    return;  // stopped: the service went, or the profile closed
                }
                --inFlight_;
                if (!ref) {
                    endWith(ref.error(), QStringLiteral("Uploading the file failed"));
                    return;
                }
                if (ref->size != size || ref->id.isEmpty() || ref->id.size() > kMaxBlobIdBytes) {
                    end({End::Failed, QStringLiteral("The network stored another file than the one "
                                                     "sent.")});
                    return;
                }
                proto::AttachmentChunk chunk;
                chunk.set_blob_id(ref->id.toStdString());
                chunk.set_size(static_cast<std::uint64_t>(ref->size));
                ahead_.emplace(index, std::move(chunk));
                const std::size_t before = stored_.size();
                for (auto it = ahead_.find(static_cast<qint64>(stored_.size())); it != ahead_.end();
                     it = ahead_.find(static_cast<qint64>(stored_.size()))) {
                    stored_.push_back(std::move(it->second));
                    ahead_.erase(it);
                }
                if (stored_.size() != before && !ending()) {
                    const auto done = static_cast<qint64>(stored_.size());
                    record(std::min<qint64>(done * crypto::kAttachmentChunkBytes, attachment_.size),
                           encodeChunks(stored_));
                }
                if (static_cast<qint64>(stored_.size()) == count_) {
                    end({End::Done, {}});
                    return;
                }
                pump();
                settle();
            });
    }
    if (!requests_ && !ending()) {
        end({End::Paused, QStringLiteral("the network is gone")});
    }
}

// ---- download -------------------------------------------------------------------------------

void DownloadJob::start() {
    auto chunks = decodeChunks(attachment_.chunks);
    if (!chunks || static_cast<qint64>(chunks->size()) != count_) {
        end({End::Failed, QStringLiteral("The message names the file's chunks wrongly.")});
        return;
    }
    chunks_ = std::move(chunks).value();
    if (attachment_.localFile.isEmpty()) {
        end({End::Failed, QStringLiteral("The file has no local copy to download into.")});
        return;
    }
    if (auto made = SealedFile::makeFolder(folder_); !made) {
        end({End::Failed, made.error().message});
        return;
    }
    file_ = std::make_unique<QFile>(SealedFile(folder_, attachment_).path());
    if (!file_->open(QIODevice::ReadWrite) ||
        !file_->setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        end({End::Failed, QStringLiteral("The file's local copy cannot be written: %1")
                              .arg(file_->errorString())});
        return;
    }
    // What the store says is in, but never more than the copy holds: whole chunks only.
    const qint64 recorded = attachment_.transferred / crypto::kAttachmentChunkBytes;
    written_ = std::min(recorded, file_->size() / crypto::kSealedChunkBytes);
    if (attachment_.transferred == attachment_.size &&
        file_->size() == crypto::sealedChunkOffset(count_ - 1) +
                             crypto::attachmentChunkSealedBytes(attachment_.size, count_ - 1)) {
        written_ = count_;
    }
    written_ = std::min(written_, count_);
    const qint64 keep = written_ == count_ ? file_->size() : crypto::sealedChunkOffset(written_);
    if (!file_->resize(keep) || !file_->seek(keep)) {
        end({End::Failed, QStringLiteral("The file's local copy cannot be written: %1")
                              .arg(file_->errorString())});
        return;
    }
    if (written_ > 0) {
        qCInfo(lcCore) << "an attachment download goes on from chunk" << written_ + 1 << "of"
                       << count_;
    }
    next_ = written_;
    emit progress(messageId_,
                  std::min<qint64>(written_ * crypto::kAttachmentChunkBytes, attachment_.size),
                  attachment_.size);
    if (written_ == count_) {
        end({End::Done, {}});
        return;
    }
    pump();
}

void DownloadJob::pump() {
    while (!ending() && inFlight_ < kInFlight && next_ < count_ &&
           static_cast<qint64>(fetched_.size()) < kInFlight * 2 && requests_) {
        const qint64 index = next_++;
        const auto& chunk = chunks_[static_cast<std::size_t>(index)];
        ++inFlight_;
        requests_->getBlob(
            {QByteArray::fromStdString(chunk.blob_id()), static_cast<std::int64_t>(chunk.size())},
            [this, self = QPointer<TransferJob>(this),
             index](TransportRequests::Result<QByteArray> data) {
                if (!self) {
                    return;
                }
                --inFlight_;
                if (!data) {
                    endWith(data.error(), QStringLiteral("Downloading the file failed"));
                    return;
                }
                if (!ending()) {
                    fetched_.emplace(index, std::move(data).value());
                    write();
                }
                pump();
                settle();
            });
    }
    if (!requests_ && !ending()) {
        end({End::Paused, QStringLiteral("the network is gone")});
    }
}

void DownloadJob::discard() {
    if (file_) {
        file_->remove();
    }
}

void DownloadJob::write() {
    const qint64 before = written_;
    for (auto it = fetched_.find(written_); it != fetched_.end() && !ending();
         it = fetched_.find(written_)) {
        const QByteArray sealed = std::move(it->second);
        fetched_.erase(it);
        if (sealed.size() != crypto::attachmentChunkSealedBytes(attachment_.size, written_)) {
            end({End::Failed,
                 QStringLiteral("Chunk %1 of the file came with a wrong size.").arg(written_ + 1)});
            return;
        }
        // Checked before it is kept: a chunk that does not open is never written.
        if (auto plain = crypto::openAttachmentChunk(*attachment_.key, written_, count_, sealed);
            !plain) {
            end({End::Failed, plain.error().message});
            return;
        }
        if (file_->write(sealed) != sealed.size() || !file_->flush()) {
            end({End::Failed, QStringLiteral("The file's local copy cannot be written: %1")
                                  .arg(file_->errorString())});
            return;
        }
        ++written_;
    }
    if (written_ != before) {
        // On the disk before the store says it is: after a power cut, what is recorded is there.
        if (::fdatasync(file_->handle()) != 0) {
            end({End::Failed, QStringLiteral("The file's local copy cannot be written to the "
                                             "disk.")});
            return;
        }
        record(std::min<qint64>(written_ * crypto::kAttachmentChunkBytes, attachment_.size),
               std::nullopt);
    }
    if (written_ == count_) {
        file_->close();
        end({End::Done, {}});
    }
}

}  // namespace tandem::core
