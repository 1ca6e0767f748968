// Invitations: the contact links of this profile's own accounts, what "Share my ID" (the app)
// and `tandemctl invite` show. A Signal-mode account is shared by its account id, never its
// phone number (whether or not the account shows its number to the people it writes to).
#pragma once

#include <optional>
#include <vector>

#include <QString>

#include <tandem/common/Expected.h>

#include "storage/Types.h"

namespace tandem::core {

struct Invitation {
    storage::Mode mode = storage::Mode::Signal;
    QString address;  // the account id ("aci:…") or the Session ID
    QString link;     // tandem://contact/#id=…
};

// The address others write to for this account: its account id in Signal mode (nullopt
// before the relay gave one), its Session ID in Session mode.
std::optional<QString> shareableAddress(const storage::Account& account);

// One invitation per account, in the order given; an account without a shareable address yet
// is left out. `nameHint` (may be empty) is suggested in each link; a name
// ConversationService::validateName refuses is refused with its sentence.
Expected<std::vector<Invitation>, QString> invitations(
    const std::vector<storage::Account>& accounts, const QString& nameHint = {});

}  // namespace tandem::core
