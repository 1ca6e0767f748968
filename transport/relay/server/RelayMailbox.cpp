#include "transport/relay/server/RelayMailbox.h"

#include <QDateTime>

#include "crypto/QtBytes.h"
#include "crypto/Sodium.h"
#include "transport/Transport.h"
#include "transport/relay/Address.h"

namespace tandem::relay {

using crypto::constantTimeEqual;
using crypto::qbytes;
using crypto::view;
using proto::relay::Error;
using proto::relay::ServerFrame;

namespace {

// A queue that could not be read (the store failed) is read again after this.
constexpr int kDrainRetryMs = 1000;

}  // namespace

RelayMailbox::RelayMailbox(AccountStore& accounts, MailboxStore& store, const RelayLimits& limits,
                           RelayClients& clients)
    : accounts_(accounts),
      store_(store),
      limits_(limits),
      clients_(clients),
      identified_(limits.identifiedSends) {
    retryCommit_.setSingleShot(true);
    retryCommit_.setInterval(1000);
    connect(&retryCommit_, &QTimer::timeout, this, &RelayMailbox::flush);
}

RelayMailbox::~RelayMailbox() {
    // A clean stop stores what was received, including a batch the writer may or may not have
    // reached (committing it twice stores it once).
    std::vector<NewEnvelope> envelopes;
    for (const auto* batch : {&committingSends_, &pendingSends_}) {
        for (const PendingSend& s : *batch) {
            envelopes.push_back(s.envelope);
        }
    }
    auto acks = committingAcks_;
    acks.insert(acks.end(), pendingAcks_.begin(), pendingAcks_.end());
    store_.storeAtStop(envelopes, acks);
}

bool RelayMailbox::start(QString* error) {
    if (!store_.start(error)) {
        return false;
    }
    connect(&store_, &MailboxStore::committed, this, &RelayMailbox::onCommitted);
    connect(&store_, &MailboxStore::purged, this, [this](int count) {
        if (count > 0) {
            reloadQueueCounts();
        }
    });
    connect(&store_, &MailboxStore::arrived, this, &RelayMailbox::onArrived);
    connect(&store_, &MailboxStore::watching, this, &RelayMailbox::onWatching);
    connect(&store_, &MailboxStore::displaced, this, &RelayMailbox::onDisplaced);
    queueCounts_ = store_.queueCounts();
    return true;
}

void RelayMailbox::deliver(RelayClient& c) {
    c.generation = store_.claim(*c.account);
    if (store_.watch(*c.account)) {
        drain(c);
    }  // else onWatching() drains it once the store watches the account
}

void RelayMailbox::signedOut(const RelayClient& c) {
    if (!c.account) {
        return;
    }
    for (const RelayClient* other : clients_.signedIn(*c.account)) {
        if (other != &c) {
            return;  // still watched for the other one
        }
    }
    store_.unwatch(*c.account);
}

void RelayMailbox::onWatching(std::int64_t account) {
    // Subscribed (again): what was stored meanwhile is read now, what comes later arrives.
    for (RelayClient* c : clients_.signedIn(account)) {
        c->caughtUp = false;
        drain(*c);
    }
}

void RelayMailbox::onArrived(std::int64_t account, const StoredEnvelope& envelope) {
    for (RelayClient* c : clients_.signedIn(account)) {
        // One that is still draining reads it from the queue; one that read it already skips.
        if (c->caughtUp && envelope.id > c->lastSentId) {
            push(*c, envelope);
        }
    }
}

void RelayMailbox::onDisplaced(std::int64_t account, std::int64_t generation) {
    for (RelayClient* c : clients_.signedIn(account)) {
        if (c->generation != 0 && c->generation < generation) {
            clients_.drop(*c, Error::UNAVAILABLE,
                          QStringLiteral("the account signed in again on another connection"));
        }
    }
}

void RelayMailbox::purge(std::int64_t now) {
    identified_.forgetExpired(now);
    store_.purge(now);
}

void RelayMailbox::writable(RelayClient& c) {
    if (c.drainPending) {
        drain(c);
    }
}

void RelayMailbox::send(RelayClient& c, std::uint64_t id, const proto::relay::SendSealed& r) {
    if (static_cast<qint64>(r.envelope().size()) > limits_.maxEnvelopeBytes ||
        r.envelope().empty()) {
        return clients_.replyError(c, id, Error::TOO_LARGE,
                                   QStringLiteral("the envelope is empty or too large"));
    }
    const QString address = QString::fromStdString(r.recipient());
    if (!isRelayAddress(address)) {
        return clients_.replyError(c, id, Error::INVALID_NUMBER,
                                   QStringLiteral("not an E.164 phone number or account id"));
    }
    // Without a key on a signed-in connection: an identified send. Anywhere else a key is
    // checked, an empty one too (a sealed sender gets no other answer).
    const auto recipient = r.access_key().empty() && c.account
                               ? identifiedRecipient(c, id, address)
                               : sealedRecipient(c, id, address, r.access_key());
    if (!recipient) {
        return;  // refused, and answered
    }
    // Sealed for a key the account no longer has (it registered again): stored, it could
    // never be opened, and the sender would believe it delivered. Asked only of a sender who
    // knows the access key or is signed in; identity keys are public (every bundle has one).
    if (!r.recipient_identity().empty() &&
        !constantTimeEqual(view(recipient->identityKey), view(r.recipient_identity()))) {
        return clients_.replyError(c, id, Error::STALE_IDENTITY,
                                   QStringLiteral("the recipient has registered again with a new "
                                                  "identity key; fetch their keys"));
    }
    // A store that assigns ids checks the quota itself, atomically with the append.
    const bool countHere = !store_.assignsIds();
    QueueSize unused;
    QueueSize& queued = countHere ? queueCounts_[recipient->id] : unused;
    if (countHere && (queued.count >= limits_.maxQueuedPerAccount ||
                      queued.bytes + static_cast<std::int64_t>(r.envelope().size()) >
                          limits_.maxQueuedBytesPerAccount)) {
        return clients_.replyError(
            c, id, Error::MAILBOX_FULL,
            QStringLiteral("the recipient's mailbox is full; they have not been "
                           "online to receive for a while"));
    }
    const auto messageId = storeFailing_         ? std::nullopt
                           : store_.assignsIds() ? std::optional<std::int64_t>(0)
                                                 : store_.nextMessageId();
    if (!messageId) {
        return clients_.replyError(
            c, id, Error::UNAVAILABLE,
            QStringLiteral("the relay cannot store messages right now; try again"));
    }
    queued.count += 1;  // `unused` when the store counts
    queued.bytes += static_cast<std::int64_t>(r.envelope().size());
    const std::int64_t t = QDateTime::currentMSecsSinceEpoch();
    const qint64 ttl = r.ttl_ms() == 0
                           ? limits_.defaultTtlMs
                           : std::min<qint64>(static_cast<qint64>(r.ttl_ms()), limits_.maxTtlMs);
    NewEnvelope envelope{*messageId, recipient->id, qbytes(r.envelope()), t, t + ttl};
    // Pushed at once, while its commit is still to come: the recipient need not wait for our
    // disk. The sender hears `accepted` only once the commit is durable; if that fails, the
    // sender sends again and the recipient drops the copy by its message uid. (A store that
    // assigns ids publishes the envelope once stored: onArrived() pushes it, on any front-end.)
    for (RelayClient* online : clients_.signedIn(recipient->id)) {
        if (online->caughtUp && !store_.assignsIds()) {
            push(*online, envelope);
        }
    }
    pendingSends_.push_back({c.channel(), id, std::move(envelope)});
    scheduleFlush();
}

std::optional<AccountRow> RelayMailbox::sealedRecipient(RelayClient& c, std::uint64_t id,
                                                        const QString& address,
                                                        const std::string& accessKey) {
    // Abuse control without identity: the sender must know the recipient's access key. An
    // unknown recipient gets the very answer a wrong key gets, after the same comparison
    // (against a key no account has), so a sealed sender cannot tell who is registered.
    static const std::string kNobodysKey(kAccessKeyBytes, '\0');
    auto recipient = accounts_.accountByAddress(address);
    if (!recipient && accounts_.failed()) {  // not "no such account": the store is away
        clients_.replyError(c, id, Error::UNAVAILABLE,
                            QStringLiteral("the relay cannot look up accounts right now; try "
                                           "again"));
        return std::nullopt;
    }
    const bool keyMatches = constantTimeEqual(
        view(recipient ? recipient->accessKey : qbytes(kNobodysKey)), view(accessKey));
    if (!recipient || !keyMatches) {
        clients_.replyError(c, id, Error::UNAUTHORIZED,
                            QStringLiteral("no such recipient, or the wrong access key for them"));
        return std::nullopt;
    }
    return recipient;
}

std::optional<AccountRow> RelayMailbox::identifiedRecipient(RelayClient& c, std::uint64_t id,
                                                            const QString& address) {
    // The relay knows the sender here, so it limits what the account may send this way (a
    // refused send counts too: probing numbers costs a recipient of the day each). An unknown
    // recipient is told as such: the sender is signed in and could ask Lookup.
    auto recipient = accounts_.accountByAddress(address);
    if (!recipient && accounts_.failed()) {  // not "no such account": the store is away
        clients_.replyError(c, id, Error::UNAVAILABLE,
                            QStringLiteral("the relay cannot look up accounts right now; try "
                                           "again"));
        return std::nullopt;
    }
    const QString counted = recipient ? QStringLiteral("#%1").arg(recipient->id) : address;
    auto verdict = identified_.admit(*c.account, counted, QDateTime::currentMSecsSinceEpoch());
    // The hourly sends and the recipients of the day across front-ends too, when they share
    // the store (fixed windows there; the in-memory limits stay exact per front-end).
    bool countFailed = false;  // the shared count failed (Redis away), not the limit
    if (verdict == IdentifiedSendLimiter::Verdict::Allowed &&
        !accounts_.admitShared("identified:" + QByteArray::number(*c.account), 1,
                               limits_.identifiedSends.sendsPerHour, 3600 * 1000)) {
        verdict = IdentifiedSendLimiter::Verdict::TooManySends;
        countFailed = accounts_.failed();
    }
    if (verdict == IdentifiedSendLimiter::Verdict::Allowed &&
        !accounts_.admitSharedDistinct("recipients:" + QByteArray::number(*c.account),
                                       counted.toUtf8(), limits_.identifiedSends.recipientsPerDay,
                                       IdentifiedSendLimiter::kDayMs)) {
        verdict = IdentifiedSendLimiter::Verdict::TooManyRecipients;
        countFailed = accounts_.failed();
    }
    if (countFailed) {
        clients_.replyError(c, id, Error::UNAVAILABLE,
                            QStringLiteral("the relay cannot count sends now; try again"));
        return std::nullopt;
    }
    switch (verdict) {
        case IdentifiedSendLimiter::Verdict::Allowed:
            break;
        case IdentifiedSendLimiter::Verdict::TooManyRecipients:
            clients_.replyError(
                c, id, Error::RATE_LIMITED,
                QStringLiteral("too many new recipients today for messages sent without their "
                               "access key (at most %1 a day); try again tomorrow")
                    .arg(limits_.identifiedSends.recipientsPerDay));
            return std::nullopt;
        case IdentifiedSendLimiter::Verdict::TooManySends:
            clients_.replyError(
                c, id, Error::RATE_LIMITED,
                QStringLiteral("too many messages sent without the recipient's access key "
                               "(at most %1 an hour); try again later")
                    .arg(limits_.identifiedSends.sendsPerHour));
            return std::nullopt;
    }
    if (!recipient) {
        clients_.replyError(c, id, Error::NOT_FOUND, QStringLiteral("no such recipient"));
        return std::nullopt;
    }
    return recipient;
}

void RelayMailbox::push(RelayClient& recipient, const StoredEnvelope& envelope) {
    ServerFrame out;
    auto* e = out.mutable_delivery()->add_envelopes();
    e->set_id(static_cast<std::uint64_t>(envelope.id));
    e->set_envelope(envelope.envelope.data(), static_cast<std::size_t>(envelope.envelope.size()));
    e->set_server_time_ms(static_cast<std::uint64_t>(envelope.serverTime));
    recipient.lastSentId = std::max(recipient.lastSentId, envelope.id);
    clients_.reply(recipient, 0, out, true);
}

void RelayMailbox::acknowledge(RelayClient& c, const proto::relay::Ack& r) {
    if (r.ids_size() > limits_.maxAcksPerFrame) {
        return clients_.drop(c, Error::TOO_LARGE,
                             QStringLiteral("too many acknowledgements in one frame"));
    }
    for (const std::uint64_t messageId : r.ids()) {
        pendingAcks_.emplace_back(*c.account, static_cast<std::int64_t>(messageId));
    }
    scheduleFlush();
}

void RelayMailbox::scheduleFlush() {
    if (!flushScheduled_) {
        flushScheduled_ = true;
        // After the event loop has read everything that is waiting: one commit for all of it.
        QMetaObject::invokeMethod(this, &RelayMailbox::flush, Qt::QueuedConnection);
    }
}

void RelayMailbox::flush() {
    flushScheduled_ = false;
    if (store_.busy() || retryCommit_.isActive()) {
        return;  // onCommitted() or the retry timer calls again
    }
    // While failing, an empty batch probes whether the store works again.
    if (pendingSends_.empty() && pendingAcks_.empty() && !storeFailing_) {
        return;
    }
    committingSends_ = std::move(pendingSends_);
    committingAcks_ = std::move(pendingAcks_);
    pendingSends_.clear();
    pendingAcks_.clear();
    std::vector<NewEnvelope> envelopes;
    envelopes.reserve(committingSends_.size());
    for (const PendingSend& s : committingSends_) {
        envelopes.push_back(s.envelope);
    }
    store_.submit(std::move(envelopes), committingAcks_);
}

void RelayMailbox::onCommitted(bool committed, const std::vector<std::int64_t>& ids,
                               const std::map<std::int64_t, QueueSize>& deleted) {
    const std::vector<PendingSend> sends = std::move(committingSends_);
    const auto acks = std::move(committingAcks_);
    committingSends_.clear();
    committingAcks_.clear();
    if (committed) {
        if (storeFailing_) {
            qCInfo(lcRelay) << "mailbox commits work again";
        }
        storeFailing_ = false;
        for (const auto& [account, gone] : deleted) {
            QueueSize& queued = queueCounts_[account];
            queued.count = std::max<std::int64_t>(0, queued.count - gone.count);
            queued.bytes = std::max<std::int64_t>(0, queued.bytes - gone.bytes);
        }
    } else {
        // Its senders are told to try again; new sends are refused (not pushed) until a
        // commit works; the acknowledgements are kept for that commit. Tried again in 1 s,
        // not at once: a failing disk is not hammered.
        if (!storeFailing_) {
            qCWarning(lcRelay) << "a mailbox commit failed; refusing sends until one works";
        }
        storeFailing_ = true;
        pendingAcks_.insert(pendingAcks_.end(), acks.begin(), acks.end());
        retryCommit_.start();
    }
    for (std::size_t i = 0; i < sends.size(); ++i) {
        const PendingSend& s = sends[i];
        ServerFrame out;
        const bool failed = !committed || (i < ids.size() && ids[i] == MailboxStore::kFailed);
        if (!failed && i < ids.size() && ids[i] == MailboxStore::kFull) {
            out.mutable_error()->set_code(Error::MAILBOX_FULL);
            out.mutable_error()->set_message(
                "the recipient's mailbox is full; they have not been online to receive for a "
                "while");
        } else if (!failed) {
            out.mutable_accepted()->set_server_time_ms(
                static_cast<std::uint64_t>(s.envelope.serverTime));
        } else {
            if (!store_.assignsIds()) {
                QueueSize& queued = queueCounts_[s.envelope.account];
                queued.count = std::max<std::int64_t>(0, queued.count - 1);
                queued.bytes = std::max<std::int64_t>(0, queued.bytes - s.envelope.envelope.size());
            }
            out.mutable_error()->set_code(Error::UNAVAILABLE);
            out.mutable_error()->set_message("the relay could not store the message; try again");
        }
        if (const RelayClient* sender = clients_.find(s.channel)) {
            clients_.reply(*sender, s.requestId, out);
        }
    }
    flush();  // what arrived meanwhile: the next batch
}

void RelayMailbox::drain(RelayClient& c) {
    c.drainPending = false;
    if (!c.account || c.caughtUp) {
        return;
    }
    const auto read =
        store_.queued(*c.account, c.lastSentId, limits_.deliveryBatch, limits_.maxDeliveryBytes);
    if (!read) {
        // The store failed: not caught up (a push now would skip the backlog); read again.
        QTimer::singleShot(kDrainRetryMs, this,
                           [this, channel = QPointer<transport::SecureChannel>(c.channel())] {
                               if (RelayClient* still = clients_.find(channel)) {
                                   drain(*still);
                               }
                           });
        return;
    }
    const std::vector<StoredEnvelope>& queued = *read;
    if (queued.empty()) {
        // Stored mail is all out; what is accepted but not yet committed follows, then pushes.
        // (A store that assigns ids pushes nothing before its commit: it arrives.)
        c.caughtUp = true;
        if (store_.assignsIds()) {
            return;
        }
        for (const auto* batch : {&committingSends_, &pendingSends_}) {
            for (const PendingSend& s : *batch) {
                if (s.envelope.account == *c.account && s.envelope.id > c.lastSentId) {
                    push(c, s.envelope);
                }
            }
        }
        return;
    }
    ServerFrame out;
    for (const StoredEnvelope& s : queued) {
        auto* e = out.mutable_delivery()->add_envelopes();
        e->set_id(static_cast<std::uint64_t>(s.id));
        e->set_envelope(s.envelope.toStdString());
        e->set_server_time_ms(static_cast<std::uint64_t>(s.serverTime));
    }
    c.lastSentId = queued.back().id;
    clients_.reply(c, 0, out);
    // Continue once the socket has room: a large backlog never floods memory.
    if (c.channel()->pendingWriteBytes() < 4 * 1024 * 1024) {
        QMetaObject::invokeMethod(
            this,
            [this, channel = QPointer<transport::SecureChannel>(c.channel())] {
                if (RelayClient* still = clients_.find(channel)) {
                    drain(*still);
                }
            },
            Qt::QueuedConnection);
    } else {
        c.drainPending = true;
    }
}

void RelayMailbox::reloadQueueCounts() {
    queueCounts_ = store_.queueCounts();  // what is stored …
    for (const auto* batch : {&committingSends_, &pendingSends_}) {
        for (const PendingSend& s : *batch) {  // … and what is accepted but not yet committed
            QueueSize& queued = queueCounts_[s.envelope.account];
            queued.count += 1;
            queued.bytes += s.envelope.envelope.size();
        }
    }
}

}  // namespace tandem::relay
