// Where a profile lives when the user names none: $XDG_DATA_HOME/tandem (usually
// ~/.local/share/tandem), as the XDG base-directory specification asks.
#pragma once

#include <QString>

namespace tandem::core {

QString defaultProfileDirectory();

}  // namespace tandem::core
