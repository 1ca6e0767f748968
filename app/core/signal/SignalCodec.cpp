#include "app/core/signal/SignalCodec.h"

#include "app/core/ContentHandler.h"
#include "app/core/CoreLog.h"
#include "app/core/people/OwnProfile.h"
#include "crypto/QtBytes.h"
#include "crypto/signal/Ratchet.h"
#include "crypto/signal/SealedSender.h"
#include "proto/ContentCodec.h"
#include "storage/Database.h"
#include "storage/Limits.h"
#include "tandem/core.pb.h"
#include "transport/relay/Address.h"

namespace tandem::core::signalmode {

using namespace tandem::storage;
using namespace tandem::crypto;
using namespace tandem::crypto::signal;

namespace {

constexpr std::int64_t kDevice = 1;

constexpr std::size_t kArchivedStates = 5;

// The ratchet states kept for a contact, current first.
struct SessionRecord {
    std::vector<RatchetSession> states;

    static StoreResult<SessionRecord> load(Repositories& r, const QString& address) {
        SessionRecord record;
        TANDEM_TRY_ASSIGN(const SharedSecret stored,
                          r.sessions.load(Mode::Signal, address, kDevice));
        if (!stored) {
            return record;
        }
        proto::core::SessionRecord p;
        if (!p.ParseFromArray(stored->data(), static_cast<int>(stored->size()))) {
            qCWarning(lcCore) << "a damaged session record was dropped";
            return record;
        }
        for (const std::string& state : p.states()) {
            auto session = RatchetSession::deserialize(crypto::view(state));
            if (session) {
                record.states.push_back(std::move(session).value());
            }
        }
        return record;
    }

    StoreResult<void> save(Repositories& r, const QString& address, std::int64_t now) {
        while (states.size() > kArchivedStates + 1) {
            states.pop_back();
        }
        while (true) {
            proto::core::SessionRecord p;
            std::vector<SecretBytes> serialized;
            std::size_t total = 0;
            for (const RatchetSession& state : states) {
                serialized.push_back(state.serialize());
                total += serialized.back().size();
            }
            if (total > static_cast<std::size_t>(limits::kMaxSessionStateBytes) - 4096 &&
                states.size() > 1) {
                states.pop_back();  // too big: drop the oldest earlier state
                continue;
            }
            for (const SecretBytes& s : serialized) {
                p.add_states(toString(s.span()));
            }
            std::string bytes = p.SerializeAsString();
            SecretBytes secret(crypto::view(bytes));
            sodium_memzero(bytes.data(), bytes.size());
            for (auto& state : *p.mutable_states()) {
                sodium_memzero(state.data(), state.size());
            }
            return r.sessions.store(Mode::Signal, address, kDevice, secret, now);
        }
    }

    void promote(std::size_t index) {
        if (index != 0) {
            RatchetSession chosen = std::move(states[index]);
            states.erase(states.begin() + static_cast<std::ptrdiff_t>(index));
            states.insert(states.begin(), std::move(chosen));
        }
    }

    void pushCurrent(RatchetSession session) { states.insert(states.begin(), std::move(session)); }

    // Tries every state (a failed attempt leaves a state as it was); the one that opens the
    // message becomes current.
    CryptoResult<SecretBytes> decrypt(ByteView message) {
        std::optional<CryptoError> firstError;
        for (std::size_t i = 0; i < states.size(); ++i) {
            auto plaintext = states[i].decrypt(message);
            if (plaintext) {
                promote(i);
                return plaintext;
            }
            if (plaintext.error().code == CryptoErrorCode::Replayed) {
                return plaintext;
            }
            if (!firstError) {
                firstError = plaintext.error();
            }
        }
        return unexpected(firstError.value_or(CryptoError{
            CryptoErrorCode::Malformed, QStringLiteral("a message for a session we do not have")}));
    }
};

// Who sent it: the contact holding the sender's account id; else the contact of the number the
// certificate shows (which then learns the id); else a new contact known by the id alone
// (the sender did not share a number, and we never learn it).
StoreResult<Contact> senderContact(Repositories& r, const SenderCertificate& certificate,
                                   std::int64_t now) {
    const QString aci = relay::aciAddress(qbytes(certificate.senderAci));
    const bool numberShown = relay::isE164(certificate.sender);
    TANDEM_TRY_ASSIGN(auto known, r.contacts.findByServiceId(Mode::Signal, aci));
    if (known && !(numberShown && known->address == aci)) {
        return *known;
    }
    if (numberShown) {  // now shared: the number's contact takes over any id-only one
        TANDEM_TRY_ASSIGN(const Contact byNumber,
                          r.contacts.add(Mode::Signal, certificate.sender, QString(), now,
                                         /*accepted=*/false));
        return learnServiceId(r, byNumber, aci, now);
    }
    if (!known) {
        // A saved number whose id we have not learned yet, but whose identity key we know
        // (we talked before): the same person. Without this, their message would land in a
        // new contact that holds none of our sessions with them.
        const QByteArray identity = qbytes(certificate.identityKey);
        TANDEM_TRY_ASSIGN(const auto byKey,
                          r.contacts.findUnresolvedByIdentityKey(Mode::Signal, identity));
        if (byKey) {
            return learnServiceId(r, *byKey, aci, now);
        }
    }
    // Someone new wrote first: a message request until the user accepts them.
    TANDEM_TRY_ASSIGN(Contact contact,
                      r.contacts.add(Mode::Signal, aci, QString(), now, /*accepted=*/false));
    return learnServiceId(r, contact, aci, now);
}

}  // namespace

StoreResult<std::optional<Identity>> loadIdentity(Repositories& r) {
    TANDEM_TRY_ASSIGN(const auto account, r.accounts.get(Mode::Signal));
    if (!account || !account->identitySecret) {
        return std::optional<Identity>();
    }
    auto keys = IdentityKeyPair::fromSecret(account->identitySecret->span());
    if (!keys) {
        return storeError(StoreErrorCode::Internal,
                          QStringLiteral("the Signal identity in this profile is damaged"));
    }
    Identity me;
    me.keys = std::make_shared<const IdentityKeyPair>(std::move(keys).value());
    me.sealedCache = std::make_shared<SealedSenderCache>();
    me.phone = account->address;
    if (account->credentials) {
        proto::core::SignalCredentials credentials;
        if (credentials.ParseFromArray(account->credentials->data(),
                                       static_cast<int>(account->credentials->size()))) {
            me.password = QByteArray::fromStdString(credentials.password());
            me.accessKey = QByteArray::fromStdString(credentials.access_key());
            me.aci = QByteArray::fromStdString(credentials.aci());
            me.sharePhone = credentials.share_phone();
        }
    }
    return std::optional<Identity>(std::move(me));
}

StoreResult<Contact> learnServiceId(Repositories& r, const Contact& contact, const QString& aci,
                                    std::int64_t now) {
    if (contact.serviceId == aci || !relay::parseAciAddress(aci)) {
        return contact;
    }
    TANDEM_TRY_ASSIGN(const auto holder, r.contacts.findByServiceId(Mode::Signal, aci));
    if (!holder) {
        TANDEM_TRY(r.contacts.setServiceId(contact.id, aci));
        return r.contacts.get(contact.id);
    }
    if (holder->id == contact.id || holder->address != aci) {
        return contact;  // two contacts with numbers: not ours to merge
    }
    // The ratchet states of both join under the surviving address. Both current states come
    // first (the more recently used one leads: it is what we send with), then the older ones;
    // the cap drops only old states. Either side's current state still opens what the peer
    // sends.
    TANDEM_TRY_ASSIGN(SessionRecord into, SessionRecord::load(r, contact.address));
    TANDEM_TRY_ASSIGN(SessionRecord from, SessionRecord::load(r, holder->address));
    if (!from.states.empty()) {
        TANDEM_TRY_ASSIGN(const auto intoUsed,
                          r.sessions.updatedAt(Mode::Signal, contact.address, kDevice));
        TANDEM_TRY_ASSIGN(const auto fromUsed,
                          r.sessions.updatedAt(Mode::Signal, holder->address, kDevice));
        const bool fromLeads = !into.states.empty() && fromUsed.value_or(0) > intoUsed.value_or(0);
        SessionRecord& lead = fromLeads || into.states.empty() ? from : into;
        SessionRecord& other = &lead == &from ? into : from;
        SessionRecord merged;
        merged.states.push_back(std::move(lead.states.front()));
        if (!other.states.empty()) {
            merged.states.push_back(std::move(other.states.front()));
        }
        for (SessionRecord* rest : {&lead, &other}) {
            for (std::size_t i = 1; i < rest->states.size(); ++i) {
                merged.states.push_back(std::move(rest->states[i]));
            }
        }
        TANDEM_TRY(merged.save(r, contact.address, now));
        TANDEM_TRY(r.sessions.removeAll(Mode::Signal, holder->address));
    }
    qCInfo(lcCore) << "a contact known by account id turned out to be a saved number: merged";
    TANDEM_TRY_ASSIGN(const Contact merged, r.contacts.mergeInto(holder->id, contact.id, now));
    if (merged.serviceId != aci) {  // it held an older id: the one just seen is current
        TANDEM_TRY(r.contacts.setServiceId(merged.id, aci));
        return r.contacts.get(merged.id);
    }
    return merged;
}

StoreResult<Sealed> seal(Repositories& r, const Identity& me, const Contact& contact,
                         const QByteArray& content, const QByteArray& certificate,
                         const std::optional<PreKeyBundle>& bundle, std::int64_t now) {
    Sealed out;
    TANDEM_TRY_ASSIGN(SessionRecord record, SessionRecord::load(r, contact.address));
    if (record.states.empty() && bundle) {
        auto started = RatchetSession::initiate(*me.keys, *bundle);
        if (!started) {
            out.problem = started.error().message;
            return out;
        }
        record.pushCurrent(std::move(started).value());
        TANDEM_TRY_ASSIGN(
            const IdentityChange change,
            r.contacts.saveIdentityKey(contact.id, qbytes(bundle->identity.ed25519), now));
        if (change == IdentityChange::Changed) {
            qCInfo(lcCore) << "a contact's identity key changed";
            out.identityChanged = true;
            if (contact.verification == Verification::Verified) {
                // Now Unverified: nothing goes to the new key until the user accepts it. The
                // new session is not kept; it is made again from a bundle then.
                out.held = true;
                return out;
            }
        }
    } else if (record.states.empty()) {
        out.needBundle = true;
        return out;
    }
    RatchetSession* session = &record.states.front();
    // What goes to someone the user accepted carries our access key, so they can answer
    // sealed (and send receipts), and our profile reference (docs/people.md). A stranger gets
    // neither: they answer as an identified sender until we accept them.
    proto::Content withKey;
    if (!withKey.ParseFromArray(content.constData(), static_cast<int>(content.size()))) {
        out.problem = QStringLiteral("the queued content is damaged");
        return out;
    }
    if (people::sharesWith(contact)) {
        withKey.set_sender_access_key(me.accessKey.toStdString());
        TANDEM_TRY(people::attachProfile(r, contact, withKey));
    }
    const QByteArray plain = proto::encodeContent(withKey);
    auto message = session->encrypt(view(plain));
    if (!message) {
        out.problem = message.error().message;
        return out;
    }
    auto envelope = sealSender(*me.keys, view(certificate), message->type, message->bytes,
                               session->remoteIdentity(), me.sealedCache.get());
    if (!envelope) {
        out.problem = envelope.error().message;
        return out;
    }
    TANDEM_TRY(record.save(r, contact.address, now));
    out.envelope = qbytes(*envelope);
    out.recipientIdentity = qbytes(session->remoteIdentity().ed25519);
    return out;
}

StoreResult<SealedItem> sealQueued(Repositories& r, const Identity& me, std::int64_t outboxId,
                                   const Contact& contact, const QByteArray& content,
                                   const Certificate& certificate,
                                   const std::optional<PreKeyBundle>& bundle, std::int64_t now) {
    SealedItem out;
    TANDEM_TRY_ASSIGN(const OutboxItem item, r.outbox.get(outboxId));
    if (item.kind == OutboxKind::Message) {
        TANDEM_TRY_ASSIGN(const auto previous,
                          r.outbox.previous(item.conversationId, outboxId, OutboxKind::Message));
        proto::core::OutboxPayload payload;
        if (previous &&
            payload.ParseFromArray(previous->payload.constData(),
                                   static_cast<int>(previous->payload.size())) &&
            !payload.has_wire()) {
            out.waiting = true;
            return out;
        }
    }
    // The contact as it is now, not as the outbox read it: a message that arrived meanwhile
    // may have changed their identity (which holds what we send), or the user blocked them.
    TANDEM_TRY_ASSIGN(const Contact current, r.contacts.get(contact.id));
    if (current.blocked || current.verification == Verification::Unverified) {
        out.sealed.held = true;
        return out;
    }
    TANDEM_TRY_ASSIGN(out, sealItem(r, me, current, content, certificate, bundle, now));
    if (!out.stored.isEmpty()) {
        TANDEM_TRY(r.outbox.setPayload(outboxId, out.stored));
    }
    return out;
}

StoreResult<SealedItem> sealItem(Repositories& r, const Identity& me, const Contact& contact,
                                 const QByteArray& content, const Certificate& certificate,
                                 const std::optional<PreKeyBundle>& bundle, std::int64_t now) {
    SealedItem out;
    TANDEM_TRY_ASSIGN(Sealed sealed, seal(r, me, contact, content, certificate.bytes, bundle, now));
    TANDEM_TRY_ASSIGN(const Contact fresh, r.contacts.get(contact.id));
    out.recipient = fresh.serviceId.isEmpty() ? fresh.address : fresh.serviceId;
    out.accessKey = fresh.accessKey;
    if (!sealed.envelope.isEmpty()) {
        proto::core::OutboxPayload payload;
        auto* wire = payload.mutable_wire();
        wire->set_mode(static_cast<std::uint32_t>(Mode::Signal));
        wire->set_recipient(out.recipient.toStdString());
        wire->set_access_key(out.accessKey.toStdString());
        wire->set_envelope(sealed.envelope.toStdString());
        wire->set_content(content.toStdString());
        wire->set_recipient_identity(sealed.recipientIdentity.toStdString());
        wire->set_certificate_expires_ms(static_cast<std::uint64_t>(certificate.expiresMs));
        out.stored = QByteArray::fromStdString(payload.SerializeAsString());
    }
    out.sealed = std::move(sealed);
    return out;
}

StoreResult<bool> unsealStale(Repositories& r, std::int64_t outboxId, const Contact& contact) {
    TANDEM_TRY_ASSIGN(const OutboxItem item, r.outbox.get(outboxId));
    proto::core::OutboxPayload payload;
    if (!payload.ParseFromArray(item.payload.constData(), static_cast<int>(item.payload.size())) ||
        !payload.has_wire() || payload.wire().content().empty()) {
        return false;
    }
    const QByteArray stale = QByteArray::fromStdString(payload.wire().recipient_identity());
    TANDEM_TRY_ASSIGN(const SessionRecord record, SessionRecord::load(r, contact.address));
    // Items sealed after the first refusal may come back after the session was made anew:
    // that one stays.
    if (!record.states.empty() && qbytes(record.states.front().remoteIdentity().ed25519) == stale) {
        TANDEM_TRY(r.sessions.removeAll(Mode::Signal, contact.address));
    }
    std::string content = std::move(*payload.mutable_wire()->mutable_content());
    payload.set_content(std::move(content));  // clears the wire: the stage is a oneof
    TANDEM_TRY(
        r.outbox.setPayload(outboxId, QByteArray::fromStdString(payload.SerializeAsString())));
    return true;
}

StoreResult<bool> unsealExpired(Repositories& r, std::int64_t outboxId) {
    TANDEM_TRY_ASSIGN(const OutboxItem item, r.outbox.get(outboxId));
    proto::core::OutboxPayload payload;
    if (!payload.ParseFromArray(item.payload.constData(), static_cast<int>(item.payload.size())) ||
        !payload.has_wire() || payload.wire().content().empty()) {
        return false;
    }
    std::string content = std::move(*payload.mutable_wire()->mutable_content());
    payload.set_content(std::move(content));
    TANDEM_TRY(
        r.outbox.setPayload(outboxId, QByteArray::fromStdString(payload.SerializeAsString())));
    return true;
}

StoreResult<int> unsealAll(Repositories& r) {
    int unsealed = 0;
    std::int64_t after = 0;
    for (;;) {
        TANDEM_TRY_ASSIGN(const auto page, r.outbox.after(after, 500));
        for (const OutboxItem& item : page) {
            after = item.id;
            proto::core::OutboxPayload payload;
            if (!payload.ParseFromArray(item.payload.constData(),
                                        static_cast<int>(item.payload.size())) ||
                !payload.has_wire() ||
                payload.wire().mode() != static_cast<std::uint32_t>(Mode::Signal) ||
                payload.wire().content().empty()) {
                continue;
            }
            std::string content = std::move(*payload.mutable_wire()->mutable_content());
            payload.set_content(std::move(content));
            TANDEM_TRY(r.outbox.setPayload(item.id,
                                           QByteArray::fromStdString(payload.SerializeAsString())));
            ++unsealed;
        }
        if (page.size() < 500) {
            return unsealed;
        }
    }
}

namespace {

StoreResult<Opened> openUnguarded(Repositories& r, const Identity& me,
                                  const std::map<std::uint32_t, PublicKey>& trusted,
                                  const QByteArray& envelope, std::int64_t now,
                                  std::int64_t receivedAtMs, bool& refused) {
    Opened out;
    // The certificate was valid when the relay took the envelope (the relay issues the
    // certificates, so its clock is the one that matters); never judged later than now.
    const std::int64_t judgedAt = receivedAtMs > 0 ? std::min(receivedAtMs, now) : now;
    auto unsealed = openSealed(*me.keys, view(envelope), trusted,
                               static_cast<std::uint64_t>(judgedAt), me.sealedCache.get());
    if (!unsealed) {
        out.outcome = Opened::Outcome::Undecryptable;
        out.problem = unsealed.error().message;
        return out;
    }
    if (unsealed->type == MessageType::Probe) {
        // Not ratchet-encrypted, never stored: a latency probe or an answer to one, and
        // nothing else is accepted in this form.
        const auto content = proto::decodeContent(qbytes(unsealed->message.span()));
        ProbeSeen probe;
        if (!content ||
            !probeOf(*content, static_cast<std::int64_t>(unsealed->message.size()), probe)) {
            out.outcome = Opened::Outcome::Undecryptable;
            out.problem = QStringLiteral("a probe envelope that holds no probe");
            return out;
        }
        const auto& certificate = unsealed->certificate;
        probe.fromSelf = qbytes(certificate.senderAci) == me.aci;
        // A contact already: by account id, by the number they show, or (a saved number whose
        // id we have not learned) by identity key. Nothing is created for a stranger.
        const QString aci = relay::aciAddress(qbytes(certificate.senderAci));
        TANDEM_TRY_ASSIGN(auto known, r.contacts.findByServiceId(Mode::Signal, aci));
        if (!known) {
            TANDEM_TRY_ASSIGN(known, r.contacts.find(Mode::Signal, aci));
        }
        if (!known && relay::isE164(certificate.sender)) {
            TANDEM_TRY_ASSIGN(known, r.contacts.find(Mode::Signal, certificate.sender));
        }
        if (!known) {
            TANDEM_TRY_ASSIGN(known, r.contacts.findUnresolvedByIdentityKey(
                                         Mode::Signal, qbytes(certificate.identityKey)));
        }
        probe.fromContact =
            known && !known->blocked && known->accepted &&
            (known->identityKey.isEmpty() || known->identityKey == qbytes(certificate.identityKey));
        probe.replyTo = relay::aciAddress(qbytes(certificate.senderAci));
        probe.accessKey = QByteArray::fromStdString(content->sender_access_key());
        probe.identityKey = qbytes(certificate.identityKey);
        out.outcome = Opened::Outcome::Probe;
        out.probe = std::move(probe);
        return out;
    }
    TANDEM_TRY_ASSIGN(const Contact contact, senderContact(r, unsealed->certificate, now));
    out.from = contact.address;
    TANDEM_TRY_ASSIGN(
        const IdentityChange change,
        r.contacts.saveIdentityKey(contact.id, qbytes(unsealed->certificate.identityKey), now));
    out.identityChanged = change == IdentityChange::Changed;

    // Decrypt with a session we hold, or start one from a PreKey message.
    TANDEM_TRY_ASSIGN(SessionRecord record, SessionRecord::load(r, contact.address));
    std::optional<SecretBytes> plaintext;
    const auto fail = [&](const CryptoError& e) -> StoreResult<Opened> {
        refused = true;
        out.outcome = e.code == CryptoErrorCode::Replayed ? Opened::Outcome::Duplicate
                                                          : Opened::Outcome::Undecryptable;
        out.problem = e.message;
        return out;
    };
    const QByteArray certifiedIdentity = qbytes(unsealed->certificate.identityKey);
    const auto sameIdentity = [&](const IdentityPublicKey& sessionIdentity) {
        const QByteArray key = qbytes(sessionIdentity.ed25519);
        return key.size() == certifiedIdentity.size() &&
               sodium_memcmp(key.constData(), certifiedIdentity.constData(),
                             static_cast<std::size_t>(key.size())) == 0;
    };
    const CryptoError otherIdentity{
        CryptoErrorCode::Malformed,
        QStringLiteral("the sender's certificate names another identity than the session's")};
    if (unsealed->type == MessageType::PreKey) {
        auto prekeyMessage = PreKeyMessage::parse(unsealed->message.span());
        if (!prekeyMessage) {
            return fail(prekeyMessage.error());
        }
        if (!sameIdentity(prekeyMessage->identity)) {
            return fail(otherIdentity);
        }
        const auto same =
            std::find_if(record.states.begin(), record.states.end(), [&](const RatchetSession& s) {
                return s.remoteBaseKey() && *s.remoteBaseKey() == prekeyMessage->baseKey;
            });
        if (same != record.states.end()) {  // a later message of a session we accepted already
            auto decrypted = same->decrypt(prekeyMessage->message);
            if (!decrypted) {
                return fail(decrypted.error());
            }
            record.promote(static_cast<std::size_t>(same - record.states.begin()));
            plaintext = std::move(decrypted).value();
        } else {
            TANDEM_TRY_ASSIGN(const auto signedRow,
                              r.prekeys.get(PrekeyKind::Signed, prekeyMessage->signedPreKeyId));
            if (!signedRow || !signedRow->secretKey) {
                return fail({CryptoErrorCode::UnknownPrekey,
                             QStringLiteral("the message names a signed prekey we do not hold")});
            }
            SignedPreKey signedPreKey;
            signedPreKey.id = static_cast<std::uint32_t>(signedRow->keyId);
            signedPreKey.keyPair = X25519KeyPair::fromPrivate(signedRow->secretKey->clone());
            std::optional<OneTimePreKey> oneTime;
            if (prekeyMessage->oneTimePreKeyId) {
                // Taken in this transaction: a one-time prekey is never used twice. A message
                // that then fails gives it back (open() undoes everything of a failed message).
                TANDEM_TRY_ASSIGN(const auto row, r.prekeys.take(*prekeyMessage->oneTimePreKeyId));
                if (!row || !row->secretKey) {
                    return fail(
                        {CryptoErrorCode::UnknownPrekey,
                         QStringLiteral(
                             "the message names a one-time prekey already used or never issued")});
                }
                oneTime = OneTimePreKey{static_cast<std::uint32_t>(row->keyId),
                                        X25519KeyPair::fromPrivate(row->secretKey->clone())};
                out.usedOneTimePreKey = true;
            }
            auto accepted = RatchetSession::accept(*me.keys, *prekeyMessage, signedPreKey,
                                                   oneTime ? &*oneTime : nullptr);
            if (!accepted) {
                return fail(accepted.error());
            }
            record.pushCurrent(std::move(accepted->session));
            plaintext = std::move(accepted->plaintext);
        }
    } else {
        auto decrypted = record.decrypt(unsealed->message.span());
        if (!decrypted) {
            return fail(decrypted.error());
        }
        if (!sameIdentity(record.states.front().remoteIdentity())) {
            return fail(otherIdentity);  // the record is not saved: nothing moved
        }
        plaintext = std::move(decrypted).value();
    }
    const auto content = proto::decodeContent(qbytes(plaintext->span()));
    if (!content) {
        refused = true;
        out.outcome = Opened::Outcome::Undecryptable;
        out.problem = content.error();
        return out;
    }
    // A message gets a delivery receipt, whose seal makes the sending half of a DH step the
    // message started (RatchetSession::prepareToSend), after the message is stored. A receipt
    // gets nothing back: the step is made here, so the next message the user sends does not.
    if (content->has_receipt()) {
        if (auto prepared = record.states.front().prepareToSend(); !prepared) {
            return fail(prepared.error());
        }
    }
    TANDEM_TRY(record.save(r, contact.address, now));
    const QByteArray accessKey = QByteArray::fromStdString(content->sender_access_key());
    if (accessKey.size() == 16 && accessKey != contact.accessKey) {
        TANDEM_TRY(r.contacts.setAccessKey(contact.id, accessKey));
    }
    TANDEM_TRY_ASSIGN(HandledContent handled,
                      handleContent(r, Mode::Signal, contact, *content, now));
    takeHandled(out, std::move(handled));
    return out;
}

}  // namespace

// Everything an envelope changes — the sender's contact, their identity key, a one-time prekey
// taken, the ratchet — is kept only when the message opened and was stored: a message that
// fails leaves the store as it was (its transaction's writes are discarded), so no forged,
// stale or damaged envelope can create a contact, replace a key or burn a prekey. open() is its
// transaction's only work (Inbox; a savepoint instead cost the receiver ~45 µs a message:
// SQLCipher encrypts every page it journals).
StoreResult<Opened> open(Repositories& r, const Identity& me,
                         const std::map<std::uint32_t, PublicKey>& trusted,
                         const QByteArray& envelope, std::int64_t now, std::int64_t receivedAtMs) {
    if (!r.untouched()) {  // a refusal would discard what was written before it
        return storeError(StoreErrorCode::Internal,
                          QStringLiteral("an envelope is opened in a transaction of its own"));
    }
    bool refused = false;
    TANDEM_TRY_ASSIGN(Opened out,
                      openUnguarded(r, me, trusted, envelope, now, receivedAtMs, refused));
    if (refused) {
        r.discardWrites();
        out.identityChanged = false;
        out.usedOneTimePreKey = false;
    }
    return out;
}

}  // namespace tandem::core::signalmode
