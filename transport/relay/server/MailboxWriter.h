// MailboxWriter: the relay's group commit, off the event loop. It owns a second connection to
// DIR/relay.db on a thread of its own and commits one batch at a time (one fsync each:
// synchronous=FULL). The event loop never waits for the disk: while a batch commits, it keeps
// reading, pushing and collecting the next batch, which grows with the load — the slower the
// disk, the larger the batch.
#pragma once

#include <map>
#include <memory>
#include <vector>

#include <QObject>
#include <QThread>

#include <tandem/common/Expected.h>

#include "transport/relay/server/RelayStore.h"

namespace tandem::relay {

class MailboxWriter : public QObject {
    Q_OBJECT
public:
    using Acks = std::vector<std::pair<std::int64_t, std::int64_t>>;  // (account, message id)

    static Expected<std::unique_ptr<MailboxWriter>, QString> start(RelayStore& store);
    // Lets the batch in progress finish (its senders were not yet told it is stored, so a
    // batch that never started is safe to drop: they send again).
    ~MailboxWriter() override;

    // Main thread. One batch at a time: call again only after committed().
    void submit(std::vector<NewEnvelope> sends, Acks acks);
    [[nodiscard]] bool busy() const { return busy_; }
    // Deletes expired mail on the writer's thread, between batches (so it never holds the
    // write lock against a batch from the event loop).
    void purge(std::int64_t now);

signals:
    // On the thread that called submit(): the batch is durable (ok) or was rolled back;
    // `deleted`: acknowledged rows actually deleted, per account.
    void committed(bool ok, const std::map<std::int64_t, QueueSize>& deleted);
    void purged(int count);

private:
    explicit MailboxWriter(std::unique_ptr<storage::Database> db);

    std::unique_ptr<storage::Database> db_;  // used only on thread_
    QThread thread_;
    QObject* worker_ = nullptr;  // lives on thread_
    bool busy_ = false;
};

}  // namespace tandem::relay
