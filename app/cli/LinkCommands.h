// Links in tandemctl (docs/links.md): `invite` prints this profile's contact links, and the
// commands that take a contact or a network take its link as well as an id or a file.
#pragma once

#include <vector>

#include <QString>

#include <tandem/common/Expected.h>

#include "app/cli/Commands.h"
#include "storage/Types.h"

namespace tandem::cli {

// `invite` (LinkCommands.cpp); accountCommands() lists it after whoami.
std::vector<Command> linkCommands();

// Whom add-contact means: a contact link (its id, and the name it suggests) or an address.
struct ContactTarget {
    storage::Mode mode = storage::Mode::Signal;
    QString address;
    QString nameHint;  // from a link only; untrusted
};
Expected<ContactTarget, QString> contactTarget(const QString& given);

}  // namespace tandem::cli
