// Redaction for logs: phone numbers, Session IDs and other identifiers are never logged in
// full. redact("+4915112345678") == "+49…78"; redact("05d871…") == "05d8…3f".
#pragma once

#include <QString>

namespace tandem {

inline QString redact(const QString& identifier) {
    constexpr qsizetype kHead = 4;
    constexpr qsizetype kTail = 2;
    if (identifier.size() <= kHead + kTail) {
        return QStringLiteral("…");
    }
    const qsizetype head = identifier.startsWith(u'+') ? 3 : kHead;
    return identifier.left(head) + QStringLiteral("…") + identifier.right(kTail);
}

}  // namespace tandem
