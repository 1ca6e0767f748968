// SqliteMailboxStore: mailboxes in DIR/relay.db (RelayStore), committed in groups by
// MailboxWriter's thread (MailboxStore.h). The embedded default: one front-end, ids handed
// out before the commit (a boot epoch in their high bits), quotas counted by RelayMailbox.
#pragma once

#include <memory>

#include "transport/relay/server/MailboxStore.h"
#include "transport/relay/server/MailboxWriter.h"
#include "transport/relay/server/RelayStore.h"

namespace tandem::relay {

class SqliteMailboxStore final : public MailboxStore {
    Q_OBJECT
public:
    explicit SqliteMailboxStore(RelayStore& store) : store_(store) {}
    ~SqliteMailboxStore() override;

    bool start(QString* error) override;
    [[nodiscard]] bool assignsIds() const override { return false; }
    std::optional<std::int64_t> nextMessageId() override { return store_.nextMessageId(); }
    void submit(std::vector<NewEnvelope> sends, Acks acks) override;
    [[nodiscard]] bool busy() const override { return writer_ && writer_->busy(); }
    void storeAtStop(const std::vector<NewEnvelope>& sends, const Acks& acks) override;
    std::optional<std::vector<StoredEnvelope>> queued(std::int64_t account, std::int64_t afterId,
                                                      int limit, qint64 maxBytes) override {
        return store_.queued(account, afterId, limit, maxBytes);
    }
    std::map<std::int64_t, QueueSize> queueCounts() override { return store_.queueCounts(); }
    void purge(std::int64_t now) override;

private:
    RelayStore& store_;
    std::unique_ptr<MailboxWriter> writer_;
    std::vector<std::int64_t> committingIds_;
};

}  // namespace tandem::relay
