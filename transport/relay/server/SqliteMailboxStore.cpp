#include "transport/relay/server/SqliteMailboxStore.h"

namespace tandem::relay {

SqliteMailboxStore::~SqliteMailboxStore() = default;

bool SqliteMailboxStore::start(QString* error) {
    auto writer = MailboxWriter::start(store_);
    if (!writer) {
        *error = writer.error();
        return false;
    }
    writer_ = std::move(writer).value();
    connect(writer_.get(), &MailboxWriter::committed, this,
            [this](bool ok, const std::map<std::int64_t, QueueSize>& deleted) {
                const std::vector<std::int64_t> ids = std::move(committingIds_);
                committingIds_.clear();
                emit committed(ok, ids, deleted);
            });
    connect(writer_.get(), &MailboxWriter::purged, this, &MailboxStore::purged);
    return true;
}

void SqliteMailboxStore::submit(std::vector<NewEnvelope> sends, Acks acks) {
    committingIds_.clear();
    for (const NewEnvelope& e : sends) {
        committingIds_.push_back(e.id);
    }
    writer_->submit(std::move(sends), std::move(acks));
}

void SqliteMailboxStore::storeAtStop(const std::vector<NewEnvelope>& sends, const Acks& acks) {
    // The batch the writer may or may not have reached is in `sends` too: the writer finishes
    // first, then committing it again stores it once.
    writer_.reset();
    if (!sends.empty() || !acks.empty()) {
        (void)store_.commitBatch(sends, acks, /*replay=*/true);
    }
}

void SqliteMailboxStore::purge(std::int64_t now) {
    if (writer_) {
        writer_->purge(now);
    }
}

}  // namespace tandem::relay
