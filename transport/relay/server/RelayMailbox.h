// RelayMailbox: store-and-forward. A sealed send (by access key, no identity) or an identified
// one (no key, from a signed-in account, limited per account: IdentifiedSendLimiter) is
// queued for its recipient, pushed at once to their connections that are caught up, and
// acknowledged to the sender once committed; a client that signs in is delivered its queue in
// batches as its socket has room, then pushed what comes; an acknowledged envelope is deleted.
//
// Durability: a send is acknowledged only after it is committed (synchronous=FULL, or Redis'
// appendfsync always). Sends and acknowledgements that arrive in one turn of the event loop are
// committed together (group commit: MailboxStore.h), so the relay is both durable and fast. A
// queued envelope is deleted only when its recipient acknowledges it; delivery is at least once. If
// a commit fails, its senders hear UNAVAILABLE, new sends are refused until one works, and an empty
// commit is tried every second.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <tandem/common/Expected.h>

#include "tandem/relay.pb.h"
#include "transport/relay/server/AccountStore.h"
#include "transport/relay/server/IdentifiedSendLimiter.h"
#include "transport/relay/server/MailboxStore.h"
#include "transport/relay/server/RelayClients.h"
#include "transport/relay/server/RelayLimits.h"

namespace tandem::relay {

class RelayMailbox : public QObject {
    Q_OBJECT
public:
    RelayMailbox(AccountStore& accounts, MailboxStore& store, const RelayLimits& limits,
                 RelayClients& clients);
    // Stores what was received and not yet committed (a clean stop loses nothing).
    ~RelayMailbox() override;

    // Starts the writer and counts what each mailbox holds.
    bool start(QString* error);

    void send(RelayClient& c, std::uint64_t id, const proto::relay::SendSealed& r);
    void acknowledge(RelayClient& c, const proto::relay::Ack& r);
    // `c` signed in: older connections of its account end (on any front-end), and its queue
    // is delivered once the store watches the account.
    void deliver(RelayClient& c);
    // `c` is gone (before RelayClients forgets it).
    void signedOut(const RelayClient& c);
    // `c`'s socket wrote: a delivery waiting for room goes on.
    void writable(RelayClient& c);
    // Deletes expired mail (on the writer's thread).
    void purge(std::int64_t now);

private:
    struct PendingSend {
        QPointer<transport::SecureChannel> channel;  // the sender's
        std::uint64_t requestId = 0;
        NewEnvelope envelope;
    };
    using Acks = MailboxStore::Acks;

    // The recipient a send may reach, or nullopt when it was refused (and answered).
    std::optional<AccountRow> sealedRecipient(RelayClient& c, std::uint64_t id,
                                              const QString& address, const std::string& accessKey);
    std::optional<AccountRow> identifiedRecipient(RelayClient& c, std::uint64_t id,
                                                  const QString& address);
    void push(RelayClient& recipient, const StoredEnvelope& envelope);
    void push(RelayClient& recipient, const NewEnvelope& envelope) {
        push(recipient, StoredEnvelope{envelope.id, envelope.envelope, envelope.serverTime});
    }
    void onArrived(std::int64_t account, const StoredEnvelope& envelope);
    void onWatching(std::int64_t account);
    void onDisplaced(std::int64_t account, std::int64_t generation);
    void scheduleFlush();
    void flush();
    void onCommitted(bool ok, const std::vector<std::int64_t>& ids,
                     const std::map<std::int64_t, QueueSize>& deleted);
    void reloadQueueCounts();
    void drain(RelayClient& c);

    AccountStore& accounts_;
    MailboxStore& store_;
    const RelayLimits& limits_;
    RelayClients& clients_;
    std::map<std::int64_t, QueueSize> queueCounts_;  // a store that assigns ids keeps its own
    IdentifiedSendLimiter identified_;
    std::vector<PendingSend> pendingSends_;  // the next batch
    Acks pendingAcks_;
    std::vector<PendingSend> committingSends_;  // the batch the writer is committing
    Acks committingAcks_;
    bool flushScheduled_ = false;
    bool storeFailing_ = false;  // the last commit failed: sends are refused until one works
    QTimer retryCommit_;
};

}  // namespace tandem::relay
