// Who a message the user writes goes to (Outbox::queue): the conversation and the contact, as
// the user chose them — a conversation, or a mode and an address (a contact made if new).
// Writing to someone who wrote first accepts their request (docs/people.md); Note to Self and
// a blocked contact are refused with a sentence. The conversation's disappearing timer starts
// as the user's first message sets it (disappearing::startedByUser).
#pragma once

#include "app/core/Outbox.h"
#include "storage/Repositories.h"

namespace tandem::core {

struct Addressee {
    storage::Contact contact;
    storage::Conversation conversation;
    bool acceptedNow = false;  // it was a request: writing accepted it
};

storage::StoreResult<Addressee> addresseeOf(storage::Repositories& r, const Outbox::Recipient& to,
                                            std::int64_t now);

}  // namespace tandem::core
