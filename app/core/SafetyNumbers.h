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

}  // namespace tandem::core
