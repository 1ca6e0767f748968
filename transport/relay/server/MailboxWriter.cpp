#include "transport/relay/server/MailboxWriter.h"

namespace tandem::relay {

Expected<std::unique_ptr<MailboxWriter>, QString> MailboxWriter::start(RelayStore& store) {
    auto db = store.openWriterConnection();
    if (!db) {
        return unexpected(db.error());
    }
    return std::unique_ptr<MailboxWriter>(new MailboxWriter(std::move(db).value()));
}

MailboxWriter::MailboxWriter(std::unique_ptr<storage::Database> db) : db_(std::move(db)) {
    thread_.setObjectName(QStringLiteral("relay-mailbox-writer"));
    worker_ = new QObject;
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    thread_.start();
}

MailboxWriter::~MailboxWriter() {
    thread_.quit();  // after the batch it is committing, if any
    thread_.wait();
}

void MailboxWriter::submit(std::vector<NewEnvelope> sends, Acks acks) {
    busy_ = true;
    QMetaObject::invokeMethod(
        worker_,
        [this, sends = std::move(sends), acks = std::move(acks)] {
            std::map<std::int64_t, QueueSize> deleted;
            const bool ok = RelayStore::commitBatch(*db_, sends, acks, &deleted);
            QMetaObject::invokeMethod(
                this,
                [this, ok, deleted = std::move(deleted)] {
                    busy_ = false;
                    emit committed(ok, deleted);
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void MailboxWriter::purge(std::int64_t now) {
    QMetaObject::invokeMethod(
        worker_,
        [this, now] {
            const int count = RelayStore::purgeExpired(*db_, now);
            QMetaObject::invokeMethod(
                this, [this, count] { emit purged(count); }, Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

}  // namespace tandem::relay
