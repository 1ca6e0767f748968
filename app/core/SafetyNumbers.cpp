#include "app/core/SafetyNumbers.h"

#include "app/core/signal/SignalCodec.h"
#include "transport/relay/Address.h"

namespace tandem::core {

using namespace tandem::storage;

namespace {

std::optional<crypto::signal::SerializedKey> serializedIdentity(const QByteArray& ed25519) {
    if (ed25519.size() != 32) {
        return std::nullopt;
    }
    crypto::PublicKey key{};
    std::copy(ed25519.begin(), ed25519.end(), key.begin());
    const auto x25519 = crypto::ed25519ToX25519(key);
    if (!x25519) {
        return std::nullopt;
    }
    return crypto::signal::serializeKey(*x25519);
}

}  // namespace

StoreResult<std::optional<crypto::signal::SafetyNumber>> safetyNumberWith(Repositories& r,
                                                                          const Contact& contact) {
    using Out = std::optional<crypto::signal::SafetyNumber>;
    TANDEM_TRY_ASSIGN(const auto me, r.accounts.get(contact.mode));
    const auto mine = me ? serializedIdentity(me->identityPublic) : std::nullopt;
    const auto theirs = serializedIdentity(contact.identityKey);
    if (!mine || !theirs) {
        return Out();
    }
    QString myId = me->address;
    QString theirId = contact.address;
    if (contact.mode == Mode::Signal) {
        TANDEM_TRY_ASSIGN(const auto identity, signalmode::loadIdentity(r));
        if (!identity || identity->aci.size() != relay::kAciBytes || contact.serviceId.isEmpty()) {
            return Out();
        }
        myId = relay::aciAddress(identity->aci);
        theirId = contact.serviceId;
    }
    auto number = crypto::signal::safetyNumber(myId, *mine, theirId, *theirs);
    if (!number) {
        return Out();
    }
    return Out(std::move(number).value());
}

StoreResult<ContactSafety> contactSafety(Repositories& r, const Contact& contact) {
    ContactSafety out;
    out.contact = contact;
    out.title = contact.shownName().isEmpty() ? contact.address : contact.shownName();
    TANDEM_TRY_ASSIGN(out.number, safetyNumberWith(r, contact));
    return out;
}

StoreResult<std::optional<ContactSafety>> conversationSafety(Repositories& r,
                                                             qint64 conversationId) {
    using Out = std::optional<ContactSafety>;
    TANDEM_TRY_ASSIGN(const Conversation conversation, r.conversations.get(conversationId));
    if (!conversation.contactId) {
        return Out();  // Note to Self
    }
    TANDEM_TRY_ASSIGN(const Contact contact, r.contacts.get(*conversation.contactId));
    TANDEM_TRY_ASSIGN(ContactSafety safety, contactSafety(r, contact));
    return Out(std::move(safety));
}

StoreResult<void> setVerified(Repositories& r, qint64 contactId, bool verified) {
    return r.contacts.setVerification(contactId,
                                      verified ? Verification::Verified : Verification::Default);
}

QString verificationName(Verification verification) {
    switch (verification) {
        case Verification::Verified:
            return QStringLiteral("verified");
        case Verification::Unverified:
            return QStringLiteral("unverified");
        case Verification::Default:
            break;
    }
    return QStringLiteral("default");
}

}  // namespace tandem::core
