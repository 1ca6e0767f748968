#include "app/core/Addressee.h"

#include <QCoreApplication>

#include <tandem/common/Redact.h>

#include "app/core/ContentHandler.h"
#include "app/core/Disappearing.h"

namespace tandem::core {

using namespace tandem::storage;

StoreResult<Addressee> addresseeOf(Repositories& r, const Outbox::Recipient& to, std::int64_t now) {
    Addressee out;
    if (const auto* address = std::get_if<Outbox::ByAddress>(&to)) {
        TANDEM_TRY_ASSIGN(out.contact, contactForAddress(r, address->mode, address->address, now));
        TANDEM_TRY_ASSIGN(out.conversation, r.conversations.forContact(out.contact.id, now));
        TANDEM_TRY_ASSIGN(out.conversation, disappearing::startedByUser(r, out.conversation, now));
    } else {
        TANDEM_TRY_ASSIGN(out.conversation, r.conversations.get(std::get<std::int64_t>(to)));
        TANDEM_TRY_ASSIGN(out.conversation, disappearing::startedByUser(r, out.conversation, now));
        if (!out.conversation.contactId) {
            return storeError(
                StoreErrorCode::InvalidArgument,
                QCoreApplication::translate("Addresses",
                                            "Note to Self is kept on this device only: "
                                            "nothing is sent from it"));
        }
        TANDEM_TRY_ASSIGN(out.contact, r.contacts.get(*out.conversation.contactId));
    }
    if (!out.contact.accepted) {
        // Writing to someone who wrote first accepts their request (docs/people.md).
        TANDEM_TRY(r.contacts.setAccepted(out.contact.id, true));
        out.contact.accepted = true;
        out.acceptedNow = true;
    }
    if (out.contact.blocked) {
        return storeError(
            StoreErrorCode::InvalidArgument,
            QCoreApplication::translate("Addresses", "You blocked %1. Unblock them to send.")
                .arg(out.contact.shownName().isEmpty() ? redact(out.contact.address)
                                                       : out.contact.shownName()));
    }
    return out;
}

}  // namespace tandem::core
