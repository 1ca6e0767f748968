// Safety numbers with a contact, the same on both sides: each party is named by an id both
// know. In Signal mode that is the relay account id ("aci:…"), never the phone number — a
// contact who does not share their number knows us, and we them, only by it (Signal does the
// same since its numbers became private). In Session mode it is the Session ID.
#pragma once

#include <optional>

#include "crypto/signal/SafetyNumber.h"
#include "storage/Repositories.h"

namespace tandem::core {

// nullopt while either identity key or the contact's account id is not known yet.
storage::StoreResult<std::optional<crypto::signal::SafetyNumber>> safetyNumberWith(
    storage::Repositories& r, const storage::Contact& contact);

// What the app's contact details and `tandemctl contact` show of a contact: who, the safety
// number (once both identity keys are known), and whether it was verified — or verified and
// then changed ("unverified": messages to them wait until the change is accepted).
struct ContactSafety {
    storage::Contact contact;
    QString title;  // the name given to them, else their profile's, else their address
    std::optional<crypto::signal::SafetyNumber> number;
    [[nodiscard]] bool identityChanged() const { return contact.identityChangedAt.has_value(); }
};

storage::StoreResult<ContactSafety> contactSafety(storage::Repositories& r,
                                                  const storage::Contact& contact);
// The contact a conversation is with; nullopt for Note to Self.
storage::StoreResult<std::optional<ContactSafety>> conversationSafety(storage::Repositories& r,
                                                                      qint64 conversationId);
// Marks a contact verified (the numbers were compared) or not; not verified is also how a new
// safety number is accepted.
storage::StoreResult<void> setVerified(storage::Repositories& r, qint64 contactId, bool verified);
// "default", "verified" or "unverified".
QString verificationName(storage::Verification verification);

}  // namespace tandem::core
