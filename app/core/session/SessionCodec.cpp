#include "app/core/session/SessionCodec.h"

#include <sodium.h>

#include <tandem/common/Redact.h>

#include "app/core/Disappearing.h"
#include "app/core/people/OwnProfile.h"
#include "crypto/QtBytes.h"
#include "crypto/session/SessionMessage.h"
#include "proto/ContentCodec.h"
#include "tandem/core.pb.h"

namespace tandem::core::sessionmode {

using namespace tandem::storage;
using namespace tandem::crypto;
using namespace tandem::crypto::session;

namespace {

QByteArray envelopeDigest(const QByteArray& envelope) {
    QByteArray digest(ReceivedRepository::kDigestBytes, Qt::Uninitialized);
    crypto_generichash(reinterpret_cast<unsigned char*>(digest.data()),
                       static_cast<std::size_t>(digest.size()),
                       reinterpret_cast<const unsigned char*>(envelope.constData()),
                       static_cast<unsigned long long>(envelope.size()), nullptr, 0);
    return digest;
}

}  // namespace

Account accountFor(const SessionIdentity& identity, std::int64_t now) {
    Account a;
    a.mode = Mode::Session;
    a.address = identity.sessionId;
    a.identityPublic = qbytes(identity.ed25519.publicKey);
    a.identitySecret = makeSecret(identity.seed.clone());
    a.signingPublic = qbytes(identity.x25519.publicKey);
    a.createdAt = now;
    return a;
}

StoreResult<std::optional<Identity>> loadIdentity(Repositories& r) {
    TANDEM_TRY_ASSIGN(const auto account, r.accounts.get(Mode::Session));
    if (!account || !account->identitySecret) {
        return std::optional<Identity>();
    }
    auto keys = SessionIdentity::fromSeed(account->identitySecret->span());
    if (!keys || keys->sessionId != account->address) {
        return storeError(StoreErrorCode::Internal,
                          QStringLiteral("the Session identity in this profile is damaged"));
    }
    Identity me;
    me.sessionId = keys->sessionId;
    me.keys = std::make_shared<const SessionIdentity>(std::move(keys).value());
    return std::optional<Identity>(std::move(me));
}

StoreResult<SealedItem> sealQueued(Repositories& r, const Identity& me, std::int64_t outboxId,
                                   const Contact& contact, const QByteArray& content,
                                   std::int64_t now) {
    TANDEM_TRY_ASSIGN(SealedItem out, sealItem(r, me, contact, content, now));
    if (!out.stored.isEmpty()) {
        TANDEM_TRY(r.outbox.setPayload(outboxId, out.stored));
    }
    return out;
}

StoreResult<SealedItem> sealItem(Repositories& r, const Identity& me, const Contact& contact,
                                 const QByteArray& content, std::int64_t now) {
    SealedItem out;
    out.recipient = contact.address;
    const auto recipientKey = parseSessionId(contact.address);
    if (!recipientKey) {
        out.problem = QStringLiteral("%1 is not a Session ID").arg(redact(contact.address));
        return out;
    }
    out.networkExpiresAt = disappearing::networkExpiry(content);
    if (out.networkExpiresAt != 0 && out.networkExpiresAt - now < disappearing::kMinNetworkTtlMs) {
        // Counted from its send, its time ran out before it could go: it is not sent (its
        // row goes when the sender's copy expires).
        out.problem = QStringLiteral("its disappearing timer ran out before it could be sent");
        return out;
    }
    // What goes to someone the user accepted carries our profile reference (docs/people.md).
    // The contact as it is now (the outbox read it earlier): a block or an acceptance since
    // decides what goes with it.
    TANDEM_TRY_ASSIGN(const Contact current, r.contacts.get(contact.id));
    QByteArray plain = content;
    if (people::sharesWith(current)) {
        proto::Content decoded;
        if (decoded.ParseFromArray(content.constData(), static_cast<int>(content.size()))) {
            TANDEM_TRY_ASSIGN(const bool attached, people::attachProfile(r, current, decoded));
            if (attached) {
                plain = proto::encodeContent(decoded);
            }
        }
    }
    const auto sealed = encryptSessionMessage(view(plain), me.keys->ed25519, *recipientKey);
    if (!sealed) {
        out.problem = sealed.error().message;
        return out;
    }
    out.envelope = qbytes(*sealed);
    proto::core::OutboxPayload payload;
    auto* wire = payload.mutable_wire();
    wire->set_mode(static_cast<std::uint32_t>(Mode::Session));
    wire->set_recipient(out.recipient.toStdString());
    wire->set_envelope(out.envelope.toStdString());
    wire->set_network_expires_at_ms(static_cast<std::uint64_t>(out.networkExpiresAt));
    out.stored = QByteArray::fromStdString(payload.SerializeAsString());
    return out;
}

StoreResult<Opened> open(Repositories& r, const Identity& me, const QByteArray& envelope,
                         const QByteArray& resumeHash, const QString& member, std::int64_t now,
                         const QHash<QString, QString>& routes) {
    Opened out;
    if (!resumeHash.isEmpty()) {
        TANDEM_TRY(r.settings.set(QString::fromLatin1(kLastSeenSetting), resumeHash));
        TANDEM_TRY(r.settings.set(QString::fromLatin1(kLastSeenAtSetting), member.toUtf8()));
    }
    auto opened = decryptSessionMessage(view(envelope), me.keys->x25519);
    if (!opened) {
        out.outcome = Opened::Outcome::Undecryptable;
        out.problem = opened.error().message;
        return out;
    }
    const auto content = proto::decodeContent(qbytes(opened->content.span()));
    if (!content) {
        out.outcome = Opened::Outcome::Undecryptable;
        out.problem = content.error();
        return out;
    }
    if (ProbeSeen probe;
        probeOf(*content, static_cast<std::int64_t>(opened->content.size()), probe)) {
        probe.fromSelf = opened->senderSessionId == me.sessionId;
        probe.replyTo = opened->senderSessionId;
        TANDEM_TRY_ASSIGN(const auto known, findContact(r, Mode::Session, opened->senderSessionId));
        // Nothing is created for a stranger, and only people the user accepted get answers.
        probe.fromContact = known.has_value() && !known->blocked && known->accepted;
        out.outcome = Opened::Outcome::Probe;  // never stored (docs/latency.md)
        out.probe = std::move(probe);
        return out;
    }
    if (opened->senderSessionId == me.sessionId) {
        out.outcome = Opened::Outcome::Ignored;  // our own (another device's) message: not yet
        return out;
    }
    // A replay: a copy of what we took already (a node that kept, or brought back, a message
    // we deleted), or one older than any copy a swarm may still hold — which we took then or
    // never will. The sender signed the content, so its time is theirs to state, not a node's.
    const auto sentAt = static_cast<std::int64_t>(content->sent_at_ms());
    if (sentAt < now - kReceivedMemoryMs) {
        out.outcome = Opened::Outcome::Duplicate;
        out.problem = QStringLiteral("a message older than any copy a swarm keeps");
        return out;
    }
    TANDEM_TRY(r.received.forgetBefore(now - kReceivedMemoryMs));
    TANDEM_TRY_ASSIGN(const bool fresh,
                      r.received.remember(Mode::Session, envelopeDigest(envelope), now));
    if (!fresh) {
        out.outcome = Opened::Outcome::Duplicate;
        return out;
    }
    TANDEM_TRY_ASSIGN(const Contact contact,
                      contactForAddress(r, Mode::Session, opened->senderSessionId, now,
                                        /*accepted=*/false));
    out.from = contact.address;
    // A Session ID is its key: it cannot change, but the first one seen is recorded so the
    // contact's details show it like a Signal contact's.
    TANDEM_TRY_ASSIGN(const IdentityChange change,
                      r.contacts.saveIdentityKey(contact.id, qbytes(opened->senderEd25519), now));
    out.identityChanged = change == IdentityChange::Changed;
    TANDEM_TRY_ASSIGN(HandledContent handled,
                      handleContent(r, Mode::Session, contact, *content, now,
                                    routes.contains(contact.address)
                                        ? routes.value(contact.address) + u'|' + member
                                        : QString()));
    takeHandled(out, std::move(handled));
    return out;
}

}  // namespace tandem::core::sessionmode
