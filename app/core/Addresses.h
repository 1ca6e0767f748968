// Addresses: which mode an address belongs to. A phone number (+E.164) or a relay account id
// (aci:…) is Signal mode's; a Session ID (05 + 64 hex digits) is Session mode's.
#pragma once

#include <optional>

#include <QString>

#include "storage/Types.h"

namespace tandem::core {

// The mode of a normalized address (trimmed, lower case); nullopt when it is neither, or a
// Session ID whose key nobody can hold.
std::optional<storage::Mode> modeOf(const QString& address);
// For a Session ID whose key nobody can hold (of small order: all zeros, say), which modeOf
// refuses, the sentence that says so; nullopt for any other address.
std::optional<QString> unusableSessionId(const QString& address);
// What an address of the mode is, for a refusal: "phone number (+E.164)", "Session ID".
QString addressKind(storage::Mode mode);
// What a profile without an account in the mode is told, with the command that sets one up.
QString noAccountHint(storage::Mode mode);
// What a user types, as the core stores addresses (hex ids in lower case).
inline QString normalizedAddress(const QString& given) {
    return given.trimmed().toLower();
}

}  // namespace tandem::core
