#include "app/core/Outbox.h"

#include <limits>

#include <QDateTime>

#include <tandem/common/Redact.h>

#include "app/core/Addressee.h"
#include "app/core/ContentHandler.h"
#include "app/core/CoreLog.h"
#include "app/core/Disappearing.h"
#include "app/core/Guarded.h"
#include "app/core/attachments/AttachmentPointer.h"
#include "tandem/common/Clock.h"
#include "tandem/core.pb.h"

namespace tandem::core {

using namespace tandem::storage;

namespace {

QByteArray idBytes(std::int64_t id) {
    return QByteArray::number(id);
}

// An outbox item's id from a transport id; nullopt for the ids of others (latency probes).
std::optional<std::int64_t> outboxIdOf(const QByteArray& id) {
    bool ok = false;
    const std::int64_t value = id.toLongLong(&ok);
    return ok ? std::optional<std::int64_t>(value) : std::nullopt;
}

}  // namespace

Outbox::Outbox(Store& store, const Channels& channels, QObject* parent)
    : QObject(parent), store_(store), channels_(channels) {
    retryTimer_.setSingleShot(true);
    connect(&retryTimer_, &QTimer::timeout, this, &Outbox::process);
    // While anything waits to be sent, the outbox is looked at now and then as well: no lost
    // wake-up (a connection back while no round was due) can leave it waiting.
    watch_.setInterval(kWatchMs);
    connect(&watch_, &QTimer::timeout, this, [this] {
        if (pending_ > 0) {
            process();
        }
    });
    watch_.start();
}

Outbox::~Outbox() {
    store_.post([] {}).waitForFinished();  // no continuation of ours is left to run
}

std::int64_t Outbox::backoffMs(std::int64_t attempts) {
    // A network that hiccups under load must not park a conversation for minutes.
    return std::min<std::int64_t>(1000LL << std::min<std::int64_t>(attempts, 8), kMaxBackoffMs);
}

bool Outbox::isHeld(const Contact& contact) {
    return contact.blocked || contact.verification == Verification::Unverified;
}

bool Outbox::isIdle() const {
    return inFlight_.empty() && pending_ == 0 && !running_;
}

void Outbox::attach(ModeChannel& channel) {
    connect(&channel, &ModeChannel::connected, this, &Outbox::retryNow);
    connect(&channel, &ModeChannel::wake, this, &Outbox::process);
    connect(&channel, &ModeChannel::released, this, [this](std::int64_t outboxId) {
        inFlight_.erase(outboxId);
        process();
    });
    connect(&channel, &ModeChannel::sealGivenUp, this, &Outbox::giveUp);
    if (transport::Transport* t = channel.transport()) {
        connect(t, &transport::Transport::accepted, this,
                [this](const QByteArray& id, qint64) { onAccepted(id); });
        connect(t, &transport::Transport::failed, this,
                [this, c = &channel](const QByteArray& id, const transport::TransportError& e) {
                    onFailed(*c, id, e);
                });
    }
}

void Outbox::retryNow() {
    store_.write([](Repositories& r) { return r.outbox.retryNow(nowMs()); }, this,
                 [this](StoreResult<int>) { process(); });
}

// ---- queueing -----------------------------------------------------------------------------

QFuture<CoreResult<Message>> Outbox::queue(const Recipient& to, const Draft& draft) {
    struct Queued {
        Message message;
        std::int64_t outboxId = 0;
        Mode mode = Mode::Signal;
        bool acceptedNow = false;
        bool alone = false;                  // the outbox held nothing else
        transport::OutgoingEnvelope sealed;  // empty: sealed later
    };
    // With a channel that can seal now, the message is sealed in the transaction that stores
    // it: one trip to the store instead of three before it is on the wire.
    std::map<Mode, ModeChannel::InlineSeal> sealers;
    channels_.forEach([&sealers](const ModeChannel& c) {
        if (auto sealer = c.inlineSeal()) {
            sealers.emplace(c.mode(), std::move(*sealer));
        }
    });
    return store_.write(
        [to, draft, sealers = std::move(sealers),
         onTheWire = inFlight_](Repositories& r) -> StoreResult<Queued> {
            const std::int64_t now = nowMs();
            TANDEM_TRY_ASSIGN(const Addressee addressee, addresseeOf(r, to, now));
            const Contact& contact = addressee.contact;
            const Conversation& conversation = addressee.conversation;
            Message m;
            m.conversationId = conversation.id;
            m.uid = MessageUid::generate(now);
            m.direction = Direction::Outgoing;
            m.status = MessageStatus::Pending;
            m.sentAt = now;
            m.expireTimer = conversation.expireTimer;
            if (m.expireTimer > 0) {
                m.expireStart = now;
            }
            const bool afterSend = conversation.expireRule == ExpireRule::AfterSend;
            QByteArray content;
            if (const auto* sticker = std::get_if<StickerChoice>(&draft)) {
                m.kind = MessageKind::Sticker;
                m.stickerPackId = sticker->packId;
                m.stickerId = sticker->stickerId;
                TANDEM_TRY_ASSIGN(content,
                                  stickerContent(r, m.uid, now, sticker->packId, sticker->stickerId,
                                                 m.expireTimer, afterSend, &m.body));
                TANDEM_TRY(r.stickers.markUsed(sticker->packId, sticker->stickerId, now));
            } else if (const auto* file = std::get_if<FileChoice>(&draft)) {
                // Stored now, queued when its file is uploaded (release()); its time (and
                // its disappearing countdown) is the send's, not the upload's start.
                m.body = file->caption;
                m.expireStart.reset();
                TANDEM_TRY_ASSIGN(const InsertResult inserted, r.messages.insert(m));
                TANDEM_TRY(r.attachments.insert(inserted.id, file->attachment));
                Queued out;
                out.mode = contact.mode;
                out.acceptedNow = addressee.acceptedNow;
                TANDEM_TRY_ASSIGN(out.message, r.messages.get(inserted.id));
                return out;
            } else {
                m.body = std::get<QString>(draft);
                content = textContent(m.uid, now, m.body, m.expireTimer, afterSend);
            }
            TANDEM_TRY_ASSIGN(const InsertResult inserted, r.messages.insert(m));
            Queued out;
            out.mode = contact.mode;
            out.acceptedNow = addressee.acceptedNow;
            // Sealed now, and its row inserted sealed, only when no message of this
            // conversation waits ahead of it (the one before, if queued, is on the wire, not
            // waiting for a retry: all before it are): order kept.
            ModeChannel::InlineSealed sealed;
            const auto sealer = sealers.find(contact.mode);
            if (sealer != sealers.end() && !isHeld(contact)) {
                TANDEM_TRY_ASSIGN(
                    const auto previous,
                    r.outbox.previous(conversation.id, std::numeric_limits<std::int64_t>::max(),
                                      OutboxKind::Message));
                if (!previous ||
                    (onTheWire.count(previous->id) != 0 && previous->nextAttemptAt <= now &&
                     isSealedPayload(previous->payload))) {
                    TANDEM_TRY_ASSIGN(sealed, sealer->second(r, contact, content, now));
                }
            }
            if (sealed.envelope.ciphertext.isEmpty()) {
                TANDEM_TRY_ASSIGN(out.outboxId, enqueueContent(r, conversation.id, inserted.id,
                                                               OutboxKind::Message, content, now));
            } else {
                TANDEM_TRY_ASSIGN(out.outboxId,
                                  enqueuePayload(r, conversation.id, inserted.id,
                                                 OutboxKind::Message, sealed.payload, now));
                out.sealed = std::move(sealed.envelope);
            }
            TANDEM_TRY_ASSIGN(out.message, r.messages.get(inserted.id));
            TANDEM_TRY_ASSIGN(const std::int64_t queuedNow, r.outbox.count());
            out.alone = queuedNow == 1;
            return out;
        },
        this,
        [this](StoreResult<Queued> r) -> CoreResult<Message> {
            if (!r) {
                return unexpected(fromStore(r.error()));
            }
            if (r->acceptedNow) {
                emit requestAccepted(r->mode);
            }
            if (r->outboxId == 0) {
                return std::move(r->message);  // a file: queued once it is uploaded
            }
            ++pending_;
            ModeChannel* channel = channels_[r->mode];
            const bool sent = !r->sealed.ciphertext.isEmpty() && channel != nullptr &&
                              channel->isConnected() && channel->transport() != nullptr;
            if (sent) {
                transmit(r->outboxId, *channel, std::move(r->sealed));
            }
            if (!sent || !r->alone) {  // else a round finds nothing; its acceptance starts one
                process();
            }
            return std::move(r->message);
        });
}

QFuture<CoreResult<bool>> Outbox::retry(std::int64_t messageId) {
    return store_.write(
        [messageId](Repositories& r) -> StoreResult<std::optional<Message>> {
            const std::int64_t now = nowMs();
            TANDEM_TRY_ASSIGN(const Message m, r.messages.get(messageId));
            if (m.direction != Direction::Outgoing || m.status != MessageStatus::Failed) {
                return std::optional<Message>();
            }
            TANDEM_TRY_ASSIGN(const Conversation conversation,
                              r.conversations.get(m.conversationId));
            if (!conversation.contactId) {
                return std::optional<Message>();
            }
            TANDEM_TRY_ASSIGN(const auto content, resendContent(r, m, conversation));
            if (!content) {
                return std::optional<Message>();  // nothing to send again: left as it failed
            }
            TANDEM_TRY_ASSIGN(const bool moved,
                              r.messages.updateStatus(messageId, MessageStatus::Pending, now));
            if (!moved) {
                return std::optional<Message>();
            }
            TANDEM_TRY(r.outbox.removeForMessage(messageId));
            TANDEM_TRY(
                enqueueContent(r, m.conversationId, messageId, OutboxKind::Message, *content, now));
            TANDEM_TRY_ASSIGN(Message updated, r.messages.get(messageId));
            return std::optional<Message>(std::move(updated));
        },
        this,
        [this](StoreResult<std::optional<Message>> retried) -> CoreResult<bool> {
            if (!retried) {
                return unexpected(fromStore(retried.error()));
            }
            if (!*retried) {
                return false;
            }
            emit messageUpdated(**retried);
            process();
            return true;
        });
}

QFuture<CoreResult<void>> Outbox::release(std::int64_t messageId) {
    // Files leave in the order they were written: a message whose upload ended first waits for
    // those before it in its conversation, and goes with the last of them. Each one released is
    // marked uploaded, stamped as sent now (its countdown starts) and queued, all in one
    // transaction; a crash before it leaves the file Uploading, and the next start finds every
    // chunk stored and releases it then.
    return store_.write(
        [messageId](Repositories& r) -> StoreResult<std::vector<Message>> {
            const std::int64_t now = nowMs();
            std::vector<Message> released;
            TANDEM_TRY_ASSIGN(const auto asked, r.messages.findById(messageId));
            if (!asked || asked->direction != Direction::Outgoing) {
                return released;  // gone (expired)
            }
            TANDEM_TRY_ASSIGN(const Conversation conversation,
                              r.conversations.get(asked->conversationId));
            TANDEM_TRY_ASSIGN(const auto waiting, r.attachments.uploading(conversation.id));
            for (const std::int64_t id : waiting) {
                TANDEM_TRY_ASSIGN(const Message m, r.messages.get(id));
                if (!m.attachment || !toPointer(*m.attachment)) {
                    break;  // still uploading: it, and those after it, wait
                }
                TANDEM_TRY_ASSIGN(const bool queued, r.outbox.holdsMessage(id));
                if (queued) {
                    continue;
                }
                TANDEM_TRY(r.attachments.setState(id, TransferState::Uploaded, {}, true));
                TANDEM_TRY(r.messages.setSentAt(id, now));
                TANDEM_TRY(r.messages.startExpiry(id, now));
                TANDEM_TRY_ASSIGN(Message sent, r.messages.get(id));
                TANDEM_TRY_ASSIGN(
                    const QByteArray content,
                    fileContent(sent, conversation.expireRule == ExpireRule::AfterSend));
                TANDEM_TRY(
                    enqueueContent(r, sent.conversationId, id, OutboxKind::Message, content, now));
                released.push_back(std::move(sent));
            }
            return released;
        },
        this,
        [this](StoreResult<std::vector<Message>> released) -> CoreResult<void> {
            if (!released) {
                return unexpected(fromStore(released.error()));
            }
            for (const Message& m : *released) {
                ++pending_;
                emit messageUpdated(m);
            }
            if (!released->empty()) {
                process();
            }
            return {};
        });
}

// ---- sending ------------------------------------------------------------------------------

void Outbox::process() {
    if (running_) {
        again_ = true;
        return;
    }
    running_ = true;
    again_ = false;
    struct Due {
        std::int64_t total = 0;
        std::int64_t nextAt = 0;
        std::vector<std::pair<OutboxItem, Contact>> items;
    };
    store_.read(
        [](Repositories& r) -> StoreResult<Due> {
            Due out;
            TANDEM_TRY_ASSIGN(out.total, r.outbox.count());
            const std::int64_t now = nowMs();
            // One waiting for its retry holds back the messages after it. Held rows do not
            // count against the batch: the outbox is paged past them, so a long queue behind
            // one retry does not keep other conversations waiting.
            std::set<std::int64_t> held;
            std::int64_t afterId = 0;
            for (int page = 0; page < kPages && out.items.size() < kBatch; ++page) {
                TANDEM_TRY_ASSIGN(const auto rows,
                                  r.outbox.after(afterId, static_cast<int>(kBatch)));
                for (const OutboxItem& item : rows) {
                    afterId = item.id;
                    const bool ordered = item.kind == OutboxKind::Message;
                    if (ordered && held.count(item.conversationId) != 0) {
                        continue;
                    }
                    if (item.nextAttemptAt > now) {
                        out.nextAt = out.nextAt == 0 ? item.nextAttemptAt
                                                     : std::min(out.nextAt, item.nextAttemptAt);
                        if (ordered) {
                            held.insert(item.conversationId);
                        }
                        continue;
                    }
                    if (out.items.size() >= kBatch) {
                        continue;  // the next round takes it
                    }
                    TANDEM_TRY_ASSIGN(const Conversation conversation,
                                      r.conversations.get(item.conversationId));
                    if (!conversation.contactId) {
                        continue;
                    }
                    TANDEM_TRY_ASSIGN(const Contact contact,
                                      r.contacts.get(*conversation.contactId));
                    out.items.emplace_back(item, contact);
                }
                if (rows.size() < kBatch) {
                    break;
                }
            }
            return out;
        },
        this,
        [this](StoreResult<Due> due) {
            running_ = false;
            if (!due) {
                qCWarning(lcCore) << "cannot read the outbox:" << due.error().message;
                return;
            }
            pending_ = due->total;
            std::set<std::int64_t> held;  // conversations whose next message has to wait
            for (const auto& [item, contact] : due->items) {
                const bool ordered = item.kind == OutboxKind::Message;
                if (ordered && held.count(item.conversationId) != 0) {
                    continue;
                }
                // Failed, its retry time not written yet (this read is older than that
                // write): it waits, and so does the rest of its conversation.
                if (failing_.count(item.id) != 0) {
                    if (ordered) {
                        held.insert(item.conversationId);
                    }
                    continue;
                }
                // In flight already: those after it follow on the same connection, in order.
                if (inFlight_.count(item.id) == 0 && !dispatch(item, contact) && ordered) {
                    held.insert(item.conversationId);
                }
            }
            if (due->nextAt != 0) {
                retryTimer_.start(
                    static_cast<int>(std::max<std::int64_t>(50, due->nextAt - nowMs())));
            }
            if (again_) {
                process();
            } else {
                emit settled();
            }
        });
}

bool Outbox::dispatch(const OutboxItem& item, const Contact& contact) {
    if (isHeld(contact)) {
        return false;  // until the user unblocks them or accepts their new safety number
    }
    proto::core::OutboxPayload payload;
    if (!payload.ParseFromArray(item.payload.constData(), static_cast<int>(item.payload.size()))) {
        giveUp(item.id, QStringLiteral("the queued message is damaged"));
        return true;
    }
    if (payload.has_wire()) {  // sealed before a crash or a failed attempt: send the same bytes
        const auto& wire = payload.wire();
        if (wire.mode() != static_cast<std::uint32_t>(Mode::Signal) &&
            wire.mode() != static_cast<std::uint32_t>(Mode::Session)) {
            giveUp(item.id, QStringLiteral("the queued message is damaged"));
            return true;
        }
        ModeChannel* channel = channels_[static_cast<Mode>(wire.mode())];
        if (channel == nullptr || !channel->isConnected()) {
            return false;
        }
        if (!channel->sealedStillGood(item.id,
                                      static_cast<std::int64_t>(wire.certificate_expires_ms()))) {
            inFlight_.insert(item.id);  // the channel seals it again, then releases it
            return false;
        }
        transport::OutgoingEnvelope out;
        if (const auto expiresAt = static_cast<std::int64_t>(wire.network_expires_at_ms())) {
            out.ttlMs = expiresAt - nowMs();
            if (out.ttlMs < disappearing::kMinNetworkTtlMs) {
                giveUp(item.id,
                       QStringLiteral("its disappearing timer ran out before it could be sent"));
                return true;
            }
        }
        out.recipient = QString::fromStdString(wire.recipient());
        out.accessKey = QByteArray::fromStdString(wire.access_key());
        out.ciphertext = QByteArray::fromStdString(wire.envelope());
        out.recipientIdentity = QByteArray::fromStdString(wire.recipient_identity());
        transmit(item.id, *channel, std::move(out));
        return true;
    }
    ModeChannel* channel = channels_[contact.mode];
    if (channel == nullptr || !channel->isConnected()) {
        return false;  // waits for the connection
    }
    inFlight_.insert(item.id);
    const Mode mode = contact.mode;
    channel->seal(item.id, contact, QByteArray::fromStdString(payload.content()))
        .then(guarded(this, [this, id = item.id, mode](const SealResult& result) {
            sealed(id, mode, result);
        }));
    return true;
}

void Outbox::sealed(std::int64_t outboxId, Mode mode, const SealResult& result) {
    ModeChannel* channel = channels_[mode];
    switch (result.outcome) {
        case SealResult::Outcome::Send:
            if (channel != nullptr) {
                transmit(outboxId, *channel, result.envelope);
                return;
            }
            inFlight_.erase(outboxId);
            return;
        case SealResult::Outcome::Wait:
            inFlight_.erase(outboxId);  // the channel wakes the outbox when it can go
            return;
        case SealResult::Outcome::GiveUp:
            giveUp(outboxId, result.problem);
            return;
        case SealResult::Outcome::Failed:
            inFlight_.erase(outboxId);
            if (channel != nullptr) {
                onFailed(*channel, idBytes(outboxId), result.error);
            }
            return;
    }
}

void Outbox::transmit(std::int64_t outboxId, ModeChannel& channel,
                      transport::OutgoingEnvelope envelope) {
    transport::Transport* transport = channel.transport();
    if (transport == nullptr) {
        inFlight_.erase(outboxId);
        return;
    }
    inFlight_.insert(outboxId);
    envelope.id = idBytes(outboxId);
    transport->send(envelope);
}

void Outbox::onAccepted(const QByteArray& id) {
    const auto outboxId = outboxIdOf(id);
    if (!outboxId) {
        return;
    }
    store_.write(
        [outboxId = *outboxId](Repositories& r) -> StoreResult<std::optional<Message>> {
            TANDEM_TRY_ASSIGN(const OutboxItem item, r.outbox.get(outboxId));
            std::optional<Message> updated;
            if (item.messageId) {
                TANDEM_TRY_ASSIGN(
                    const bool moved,
                    r.messages.updateStatus(*item.messageId, MessageStatus::Sent, nowMs()));
                if (moved) {
                    TANDEM_TRY_ASSIGN(updated, r.messages.get(*item.messageId));
                }
            }
            TANDEM_TRY(r.outbox.remove(outboxId));
            return updated;
        },
        this,
        [this, outboxId = *outboxId](StoreResult<std::optional<Message>> updated) {
            inFlight_.erase(outboxId);
            if (updated && *updated) {
                emit messageUpdated(**updated);
            }
            process();
        });
}

void Outbox::onFailed(ModeChannel& channel, const QByteArray& id,
                      const transport::TransportError& error) {
    const auto parsed = outboxIdOf(id);
    if (!parsed) {
        return;
    }
    const std::int64_t outboxId = *parsed;
    if (error.code == transport::TransportError::Code::Deferred) {
        // Never tried: no attempt is counted (a queue handed back behind one failure would
        // otherwise back off further with every hiccup). It waits behind the message before
        // it: that one is in failing_ until its retry time is written, which holds the
        // conversation in any outbox read made before then.
        inFlight_.erase(outboxId);
        process();
        return;
    }
    if (channel.mendRefused(outboxId, error)) {
        inFlight_.insert(outboxId);  // the channel releases it once sealed again
        return;
    }
    qCInfo(lcCore) << "a send failed (" << (error.retryable ? "will retry" : "final")
                   << "):" << error.message;
    if (!error.retryable) {
        giveUp(outboxId, error.message);
        return;
    }
    failing_.insert(outboxId);
    store_.write(
        [outboxId, message = error.message](Repositories& r) -> StoreResult<void> {
            TANDEM_TRY_ASSIGN(const OutboxItem item, r.outbox.get(outboxId));
            return r.outbox.recordFailure(outboxId, message, nowMs() + backoffMs(item.attempts));
        },
        this,
        [this, outboxId](StoreResult<void>) {
            failing_.erase(outboxId);
            inFlight_.erase(outboxId);
            process();
        });
}

void Outbox::giveUp(std::int64_t outboxId, const QString& why) {
    qCWarning(lcCore) << "a message could not be sent:" << why;
    store_.write(
        [outboxId](Repositories& r) -> StoreResult<std::optional<Message>> {
            TANDEM_TRY_ASSIGN(const OutboxItem item, r.outbox.get(outboxId));
            std::optional<Message> updated;
            if (item.messageId) {
                TANDEM_TRY(
                    r.messages.updateStatus(*item.messageId, MessageStatus::Failed, nowMs()));
                TANDEM_TRY_ASSIGN(updated, r.messages.get(*item.messageId));
            }
            TANDEM_TRY(r.outbox.remove(outboxId));
            return updated;
        },
        this,
        [this, outboxId, why](StoreResult<std::optional<Message>> updated) {
            inFlight_.erase(outboxId);
            if (updated && *updated) {
                emit messageUpdated(**updated);
            }
            emit problem(why);
            process();
        });
}

}  // namespace tandem::core
