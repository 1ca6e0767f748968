// Messenger, sending side: the outbox, sealing, transmission, acceptance and retries; the
// sender certificate and prekey top-ups that sending and receiving need.
#include <set>

#include <QDateTime>

#include <tandem/common/Redact.h>

#include "app/core/CoreLog.h"
#include "app/core/Messenger.h"
#include "app/core/signal/PreKeys.h"
#include "crypto/signal/SealedSender.h"
#include "tandem/core.pb.h"
#include "tandem/signal.pb.h"
#include "transport/relay/Address.h"

namespace tandem::core {

using namespace tandem::storage;
using proto::relay::ClientFrame;
using transport::RelayConnection;
using transport::RelayReply;

namespace {

constexpr std::size_t kOutboxBatch = 200;  // items dispatched per round
constexpr int kOutboxPages = 50;           // at most 10 000 rows looked at per round
constexpr std::int64_t kCertificateMarginMs = 3600 * 1000;
// A sealed item goes out only while its certificate has this long left (it reaches the relay well
// within it).
constexpr std::int64_t kCertificateSendMarginMs = 60 * 1000;
constexpr std::int64_t kPreKeyLowWater = 20;
// Times an item is sealed again for a recipient's new keys before it is given up.
constexpr int kMaxReseals = 3;
constexpr int kPreKeyBatch = 100;
constexpr std::size_t kLookupBatch = 50;  // the relay's per-request limit

std::int64_t nowMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

QByteArray idBytes(std::int64_t id) {
    return QByteArray::number(id);
}

// Where the relay finds a contact: their account id once known (it outlives a number change
// and is the only handle we have for someone who did not share a number), else the number.
QString relayAddressOf(const Contact& contact) {
    return contact.serviceId.isEmpty() ? contact.address : contact.serviceId;
}

// 1 s, 2 s, 4 s … at most 30 s between attempts: a network that hiccups under load must not
// park a conversation for minutes (a transport that reconnects makes everything due at once).
std::int64_t backoffMs(std::int64_t attempts) {
    return std::min<std::int64_t>(1000LL << std::min<std::int64_t>(attempts, 8), 30 * 1000);
}

}  // namespace

void Messenger::processOutbox() {
    if (outboxRunning_) {
        outboxAgain_ = true;
        return;
    }
    outboxRunning_ = true;
    outboxAgain_ = false;
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
            // Messages of a conversation leave in the order they were written: one waiting
            // for its retry holds back those after it (receipts are not held). Held rows do
            // not count against the batch: the outbox is paged past them, so a long queue
            // behind one retry does not keep other conversations waiting.
            std::set<std::int64_t> held;
            std::int64_t afterId = 0;
            for (int page = 0; page < kOutboxPages && out.items.size() < kOutboxBatch; ++page) {
                TANDEM_TRY_ASSIGN(const auto rows,
                                  r.outbox.after(afterId, static_cast<int>(kOutboxBatch)));
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
                    if (out.items.size() >= kOutboxBatch) {
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
                if (rows.size() < kOutboxBatch) {
                    break;
                }
            }
            return out;
        },
        this,
        [this](StoreResult<Due> due) {
            outboxRunning_ = false;
            if (!due) {
                qCWarning(lcCore) << "cannot read the outbox:" << due.error().message;
                return;
            }
            outboxPending_ = due->total;
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
            if (outboxAgain_) {
                processOutbox();
            } else {
                checkIdle();
            }
        });
}

bool Messenger::dispatch(const OutboxItem& item, const Contact& contact) {
    if (isHeld(contact)) {
        return false;  // until the user unblocks them or accepts their new safety number
    }
    proto::core::OutboxPayload payload;
    if (!payload.ParseFromArray(item.payload.constData(), static_cast<int>(item.payload.size()))) {
        giveUp(item.id, QStringLiteral("the queued message is damaged"));
        return true;
    }
    if (payload.has_wire()) {  // sealed before a crash or a failed attempt: send the same bytes
        const Mode mode = payload.wire().mode() == static_cast<std::uint32_t>(Mode::Session)
                              ? Mode::Session
                              : Mode::Signal;
        if (!isConnected(mode)) {
            return false;
        }
        const auto expires = static_cast<std::int64_t>(payload.wire().certificate_expires_ms());
        if (mode == Mode::Signal && expires != 0 && expires < nowMs() + kCertificateSendMarginMs) {
            // Sealed with a certificate that would be expired when the relay takes it (the
            // recipient judges it by that time): sealed again, with a new one.
            resealExpired(item.id);
            return false;
        }
        transmit(item.id, mode, QString::fromStdString(payload.wire().recipient()),
                 QByteArray::fromStdString(payload.wire().access_key()),
                 QByteArray::fromStdString(payload.wire().envelope()),
                 QByteArray::fromStdString(payload.wire().recipient_identity()));
        return true;
    }
    if (contact.mode == Mode::Session) {
        if (!session_ || !isConnected(Mode::Session)) {
            return false;  // waits for an onion path
        }
        inFlight_.insert(item.id);
        sealSessionAndSend(item.id, contact, QByteArray::fromStdString(payload.content()));
        return true;
    }
    if (!signal_ || !relay_ || !relay_->isAuthenticated()) {
        return false;  // waits for the connection
    }
    if (certificate_.isEmpty() || certificateExpires_ < nowMs() + 60 * 1000) {
        ensureCertificate();
        return false;  // processOutbox runs again once the certificate is here
    }
    if (bundlesInFlight_.count(contact.address) != 0) {
        return false;  // the session is being set up; this item follows once it exists
    }
    inFlight_.insert(item.id);
    sealAndSend(item.id, contact, QByteArray::fromStdString(payload.content()), std::nullopt);
    return true;
}

bool Messenger::isHeld(const Contact& contact) {
    return contact.blocked ||
           (contact.mode == Mode::Signal && contact.verification == Verification::Unverified);
}

void Messenger::resumeOutbox() {
    processOutbox();
}

void Messenger::resealExpired(std::int64_t outboxId) {
    inFlight_.insert(outboxId);  // nothing else sends it meanwhile
    store_.write(
        [outboxId](Repositories& r) { return signalmode::unsealExpired(r, outboxId); }, this,
        [this, outboxId](StoreResult<bool> unsealed) {
            inFlight_.erase(outboxId);
            if (!unsealed) {
                qCWarning(lcCore) << "cannot seal a message again:" << unsealed.error().message;
                return;
            }
            if (!*unsealed) {
                giveUp(outboxId, QStringLiteral("the queued message's sender certificate "
                                                "expired and it cannot be sealed again"));
                return;
            }
            processOutbox();
        });
}

void Messenger::sealSessionAndSend(std::int64_t outboxId, const Contact& contact,
                                   const QByteArray& content) {
    store_.write(
        [me = *session_, outboxId, contact, content](Repositories& r) {
            return sessionmode::sealQueued(r, me, outboxId, contact, content);
        },
        this,
        [this, outboxId](StoreResult<sessionmode::SealedItem> result) {
            if (!result) {
                inFlight_.erase(outboxId);
                qCWarning(lcCore) << "cannot seal a message:" << result.error().message;
                return;
            }
            if (!result->problem.isEmpty()) {
                giveUp(outboxId, result->problem);
                return;
            }
            transmit(outboxId, Mode::Session, result->recipient, {}, result->envelope);
        });
}

void Messenger::sealAndSend(std::int64_t outboxId, const Contact& contact,
                            const QByteArray& content,
                            std::optional<crypto::signal::PreKeyBundle> bundle) {
    store_.write(
        [me = *signal_, outboxId, contact, content,
         certificate = signalmode::Certificate{certificate_, certificateExpires_},
         bundle](Repositories& r) {
            return signalmode::sealQueued(r, me, outboxId, contact, content, certificate, bundle,
                                          nowMs());
        },
        this,
        [this, outboxId, contact, content](StoreResult<signalmode::SealedItem> result) {
            if (!result) {
                inFlight_.erase(outboxId);
                qCWarning(lcCore) << "cannot seal a message:" << result.error().message;
                return;
            }
            if (result->sealed.identityChanged) {
                emit identityChanged(Mode::Signal, contact.address);
            }
            if (result->sealed.held) {
                inFlight_.erase(outboxId);  // waits until the user accepts the new identity
                return;
            }
            if (result->waiting) {
                inFlight_.erase(outboxId);  // goes once the one before it has been sealed
                return;
            }
            if (result->sealed.needBundle) {
                if (bundlesInFlight_.count(contact.address) != 0) {
                    inFlight_.erase(
                        outboxId);  // another item is setting up the session; retried after
                    return;
                }
                fetchBundleThenSend(outboxId, contact, content);
            } else if (!result->sealed.problem.isEmpty()) {
                giveUp(outboxId, result->sealed.problem);
            } else {
                transmit(outboxId, Mode::Signal, result->recipient, result->accessKey,
                         result->sealed.envelope, result->sealed.recipientIdentity);
            }
        });
}

void Messenger::fetchBundleThenSend(std::int64_t outboxId, const Contact& contact,
                                    const QByteArray& content) {
    RelayConnection* control = relay_ ? relay_->control() : nullptr;
    if (control == nullptr) {
        inFlight_.erase(outboxId);
        return;
    }
    bundlesInFlight_.insert(contact.address);
    ClientFrame frame;
    frame.mutable_fetch_bundle()->set_phone(relayAddressOf(contact).toStdString());
    control->request(frame).then(this, [this, outboxId, contact, content](RelayReply reply) {
        if (!reply) {
            bundlesInFlight_.erase(contact.address);
            inFlight_.erase(outboxId);
            onFailed(idBytes(outboxId), reply.error());
            return;
        }
        if (const auto error = RelayConnection::errorOf(*reply)) {
            bundlesInFlight_.erase(contact.address);
            inFlight_.erase(outboxId);
            if (error->code == transport::TransportError::Code::NotFound) {
                giveUp(outboxId, QStringLiteral("%1 is not registered with Tandem")
                                     .arg(redact(contact.address)));
            } else {
                onFailed(idBytes(outboxId), *error);
            }
            return;
        }
        auto bundle = crypto::signal::PreKeyBundle::parse(crypto::view(reply->bundle().bundle()));
        if (!bundle) {
            bundlesInFlight_.erase(contact.address);
            giveUp(outboxId, QStringLiteral("the relay sent a damaged prekey bundle"));
            return;
        }
        const QByteArray accessKey = QByteArray::fromStdString(reply->bundle().access_key());
        const QByteArray aci = QByteArray::fromStdString(reply->bundle().aci());
        store_.write(
            [contactId = contact.id, accessKey, aci](Repositories& r) -> StoreResult<void> {
                TANDEM_TRY(r.contacts.setAccessKey(contactId, accessKey));
                if (aci.size() == relay::kAciBytes) {
                    // Replies from them name only this id: it must lead back to this contact.
                    TANDEM_TRY_ASSIGN(const Contact current, r.contacts.get(contactId));
                    TANDEM_TRY(
                        signalmode::learnServiceId(r, current, relay::aciAddress(aci), nowMs()));
                }
                return {};
            },
            this,
            [this, outboxId, contact, content, accessKey,
             bundle = std::move(bundle).value()](StoreResult<void>) {
                Contact updated = contact;
                updated.accessKey = accessKey;
                sealAndSend(outboxId, updated, content, bundle);
                // The items that waited for this session are sealed after this one: the store
                // runs writes in order, so they follow it on the wire too.
                bundlesInFlight_.erase(contact.address);
                processOutbox();
            });
    });
}

void Messenger::transmit(std::int64_t outboxId, Mode mode, const QString& recipient,
                         const QByteArray& accessKey, const QByteArray& envelope,
                         const QByteArray& recipientIdentity) {
    transport::Transport* transport = transportFor(mode);
    if (transport == nullptr) {
        inFlight_.erase(outboxId);
        return;
    }
    inFlight_.insert(outboxId);
    transport::OutgoingEnvelope out;
    out.id = idBytes(outboxId);
    out.recipient = recipient;
    out.accessKey = accessKey;
    out.recipientIdentity = recipientIdentity;
    out.ciphertext = envelope;
    transport->send(out);
}

void Messenger::onAccepted(const QByteArray& id) {
    if (id.startsWith(kProbeIdPrefix)) {
        onProbeAccepted(id);
        return;
    }
    const std::int64_t outboxId = id.toLongLong();
    store_.write(
        [outboxId](Repositories& r) -> StoreResult<std::optional<Message>> {
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
        [this, outboxId](StoreResult<std::optional<Message>> updated) {
            inFlight_.erase(outboxId);
            if (updated && *updated) {
                emit messageUpdated(**updated);
            }
            processOutbox();
        });
}

void Messenger::onFailed(const QByteArray& id, const transport::TransportError& error) {
    if (id.startsWith(kProbeIdPrefix)) {
        onProbeFailed(id, error);
        return;
    }
    const std::int64_t outboxId = id.toLongLong();
    if (error.code == transport::TransportError::Code::Deferred) {
        // Never tried: no attempt is counted (a queue handed back behind one failure would
        // otherwise back off further with every hiccup). It waits behind the message before
        // it: that one is in failing_ until its retry time is written, which holds the
        // conversation in any outbox read made before then.
        inFlight_.erase(outboxId);
        processOutbox();
        return;
    }
    // The recipient registered again (a new identity key, a new access key), or is not
    // registered at all: the relay gives one answer to an unknown recipient and a wrong access
    // key. Their keys are fetched anew; the bundle fetch then tells the two apart.
    if (error.code == transport::TransportError::Code::StaleIdentity ||
        error.code == transport::TransportError::Code::Unauthorized) {
        resealForNewIdentity(outboxId, error.message);
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
            processOutbox();
        });
}

void Messenger::resealForNewIdentity(std::int64_t outboxId, const QString& why) {
    qCInfo(lcCore) << "a recipient registered again: their keys are fetched anew";
    store_.write(
        [outboxId, why](Repositories& r) -> StoreResult<std::optional<QString>> {
            TANDEM_TRY_ASSIGN(const OutboxItem item, r.outbox.get(outboxId));
            // A relay that refuses every new seal too would have us fetch keys forever.
            if (item.attempts >= kMaxReseals) {
                return std::optional<QString>();
            }
            TANDEM_TRY(r.outbox.recordFailure(outboxId, why, nowMs()));
            TANDEM_TRY_ASSIGN(const Conversation conversation,
                              r.conversations.get(item.conversationId));
            if (!conversation.contactId) {
                return std::optional<QString>();
            }
            TANDEM_TRY_ASSIGN(const Contact contact, r.contacts.get(*conversation.contactId));
            TANDEM_TRY_ASSIGN(const bool unsealed, signalmode::unsealStale(r, outboxId, contact));
            return unsealed ? std::optional<QString>(contact.address) : std::nullopt;
        },
        this,
        [this, outboxId, why](StoreResult<std::optional<QString>> unsealed) {
            inFlight_.erase(outboxId);
            if (!unsealed || !*unsealed) {
                giveUp(outboxId, why);  // sealed by an older version: its content is not kept
                return;
            }
            processOutbox();  // sealed again: no session now, so a new bundle is fetched
        });
}

void Messenger::giveUp(std::int64_t outboxId, const QString& why) {
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
            processOutbox();
        });
}

void Messenger::ensureCertificate() {
    if (certificateRequested_ || !relay_) {
        return;
    }
    if (!certificate_.isEmpty() && certificateExpires_ > nowMs() + kCertificateMarginMs) {
        return;
    }
    RelayConnection* control = relay_->control();
    if (control == nullptr) {
        return;
    }
    certificateRequested_ = true;
    ClientFrame frame;
    frame.mutable_get_certificate();
    control->request(frame).then(this, [this](RelayReply reply) {
        certificateRequested_ = false;
        if (!reply || RelayConnection::errorOf(*reply) || !reply->has_certificate()) {
            qCWarning(lcCore) << "the relay did not issue a sender certificate";
            return;
        }
        const QByteArray certificate =
            QByteArray::fromStdString(reply->certificate().certificate());
        const auto verified = crypto::signal::SenderCertificate::verify(
            crypto::view(reply->certificate().certificate()), {{1, network_->relay->relayKey}},
            static_cast<std::uint64_t>(nowMs()));
        if (!verified) {
            qCWarning(lcCore) << "the relay's sender certificate is not valid:"
                              << verified.error().message;
            return;
        }
        certificate_ = certificate;
        certificateExpires_ = static_cast<std::int64_t>(verified->expiresMs);
        processOutbox();
    });
}

void Messenger::resolveContacts() {
    RelayConnection* control = relay_ ? relay_->control() : nullptr;
    if (resolving_ || control == nullptr || !signal_) {
        return;
    }
    resolving_ = true;
    // The numbers we saved whose account id we do not know yet: a message from one of them
    // names only the id, and must land in the conversation with the number.
    // Each number is looked up at most once an hour (lookups share the relay's hourly budget
    // with prekey bundles), so unregistered numbers do not crowd out the rest.
    const std::int64_t now = nowMs();
    std::erase_if(lookedUp_, [now](const auto& entry) { return entry.second < now - 3600 * 1000; });
    store_.read(
        [skip = lookedUp_](Repositories& r) -> StoreResult<std::vector<Contact>> {
            TANDEM_TRY_ASSIGN(auto all, r.contacts.list(Mode::Signal));
            std::vector<Contact> unresolved;
            for (Contact& c : all) {
                if (c.serviceId.isEmpty() && relay::isE164(c.address) &&
                    skip.count(c.address) == 0 && unresolved.size() < kLookupBatch) {
                    unresolved.push_back(std::move(c));
                }
            }
            return unresolved;
        },
        this,
        [this](StoreResult<std::vector<Contact>> unresolved) {
            RelayConnection* connection = relay_ ? relay_->control() : nullptr;
            if (!unresolved || unresolved->empty() || connection == nullptr) {
                resolving_ = false;
                return;
            }
            ClientFrame frame;
            for (const Contact& c : *unresolved) {
                frame.mutable_lookup()->add_phones(c.address.toStdString());
                lookedUp_[c.address] = nowMs();
            }
            connection->request(frame).then(this, [this](RelayReply reply) {
                if (!reply || RelayConnection::errorOf(*reply) || !reply->has_lookup() ||
                    reply->lookup().registered_size() != reply->lookup().acis_size()) {
                    resolving_ = false;
                    return;
                }
                std::vector<std::pair<QString, QString>> found;
                for (int i = 0; i < reply->lookup().registered_size(); ++i) {
                    const QByteArray aci = QByteArray::fromStdString(reply->lookup().acis(i));
                    if (aci.size() == relay::kAciBytes) {
                        found.emplace_back(QString::fromStdString(reply->lookup().registered(i)),
                                           relay::aciAddress(aci));
                    }
                }
                store_.write(
                    [found](Repositories& r) -> StoreResult<void> {
                        for (const auto& [phone, aci] : found) {
                            TANDEM_TRY_ASSIGN(const auto contact,
                                              r.contacts.find(Mode::Signal, phone));
                            if (contact) {
                                TANDEM_TRY(signalmode::learnServiceId(r, *contact, aci, nowMs()));
                            }
                        }
                        return {};
                    },
                    this,
                    [this](StoreResult<void> stored) {
                        resolving_ = false;
                        if (!stored) {
                            qCWarning(lcCore)
                                << "cannot record contacts' account ids:" << stored.error().message;
                        }
                    });
            });
        });
}

void Messenger::refillPreKeys() {
    RelayConnection* control = relay_ ? relay_->control() : nullptr;
    if (refilling_ || control == nullptr || !signal_) {
        return;
    }
    refilling_ = true;
    ClientFrame status;
    status.mutable_prekey_status();
    control->request(status).then(this, [this](RelayReply reply) {
        if (!reply || RelayConnection::errorOf(*reply)) {
            refilling_ = false;
            return;
        }
        const std::int64_t remaining = reply->prekey_status().one_time_remaining();
        const int wanted = remaining < kPreKeyLowWater ? kPreKeyBatch : 0;
        // Generate what is missing and collect whatever was never uploaded.
        store_.write(
            [me = *signal_, wanted](Repositories& r) -> StoreResult<std::vector<Prekey>> {
                TANDEM_TRY(signalmode::rotateSignedPreKey(r, me, nowMs()));
                TANDEM_TRY_ASSIGN(std::int64_t next, r.prekeys.maxKeyId(PrekeyKind::OneTime));
                for (int i = 0; i < wanted; ++i) {
                    const auto key =
                        crypto::signal::OneTimePreKey::generate(static_cast<std::uint32_t>(++next));
                    Prekey p;
                    p.kind = PrekeyKind::OneTime;
                    p.keyId = key.id;
                    p.publicKey = QByteArray(
                        reinterpret_cast<const char*>(key.keyPair.publicKey.data()), 32);  // NOLINT
                    p.secretKey = makeSecret(key.keyPair.privateKey.clone());
                    p.createdAt = nowMs();
                    TANDEM_TRY(r.prekeys.put(p));
                }
                TANDEM_TRY_ASSIGN(auto pending,
                                  r.prekeys.notUploaded(PrekeyKind::OneTime, kPreKeyBatch));
                TANDEM_TRY_ASSIGN(const auto signedKeys,
                                  r.prekeys.notUploaded(PrekeyKind::Signed, 10));
                pending.insert(pending.end(), signedKeys.begin(), signedKeys.end());
                return pending;
            },
            this,
            [this](StoreResult<std::vector<Prekey>> pending) {
                RelayConnection* c = relay_ ? relay_->control() : nullptr;
                if (!pending || pending->empty() || c == nullptr) {
                    refilling_ = false;
                    return;
                }
                ClientFrame upload;
                auto* u = upload.mutable_upload_prekeys();
                std::vector<std::int64_t> oneTimeIds;
                std::vector<std::int64_t> signedIds;
                for (const Prekey& p : *pending) {
                    if (p.kind == PrekeyKind::Signed) {
                        u->set_signed_prekey_id(static_cast<std::uint32_t>(p.keyId));
                        u->set_signed_prekey(p.publicKey.toStdString());
                        u->set_signed_prekey_signature(p.signature.toStdString());
                        signedIds.push_back(p.keyId);
                    } else {
                        auto* k = u->add_one_time();
                        k->set_id(static_cast<std::uint32_t>(p.keyId));
                        k->set_key(p.publicKey.toStdString());
                        oneTimeIds.push_back(p.keyId);
                    }
                }
                c->request(upload).then(this, [this, oneTimeIds, signedIds](RelayReply uploaded) {
                    if (!uploaded || RelayConnection::errorOf(*uploaded)) {
                        refilling_ = false;
                        return;
                    }
                    store_.write(
                        [oneTimeIds, signedIds](Repositories& r) -> StoreResult<void> {
                            TANDEM_TRY(r.prekeys.markUploaded(PrekeyKind::OneTime, oneTimeIds));
                            return r.prekeys.markUploaded(PrekeyKind::Signed, signedIds);
                        },
                        this, [this](StoreResult<void>) { refilling_ = false; });
                });
            });
    });
}

}  // namespace tandem::core
