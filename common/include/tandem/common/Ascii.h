// Exact checks for identifiers that come from outside (phone numbers, account ids, Session
// IDs, hex keys). Two traps make them necessary: a QRegularExpression's `$` also matches
// before a final newline ("+4915100000002\n" passed as a number), and QChar::isDigit() and
// QByteArray::fromHex() accept more than they should (every script's digits; skipped junk).
// Only ASCII is ever accepted here, so no lookalike can pass for an identifier.
#pragma once

#include <optional>

#include <QByteArray>
#include <QStringView>

namespace tandem {

constexpr bool isAsciiDigit(char16_t c) {
    return c >= u'0' && c <= u'9';
}

constexpr bool isLowerHexDigit(char16_t c) {
    return isAsciiDigit(c) || (c >= u'a' && c <= u'f');
}

// Exactly `digits` lowercase hexadecimal digits, nothing else.
inline bool isLowerHex(QStringView text, qsizetype digits) {
    if (text.size() != digits) {
        return false;
    }
    for (const QChar c : text) {
        if (!isLowerHexDigit(c.unicode())) {
            return false;
        }
    }
    return true;
}

// The `bytes` bytes spelled by exactly 2 × `bytes` lowercase hexadecimal digits.
inline std::optional<QByteArray> parseLowerHex(QStringView text, qsizetype bytes) {
    if (!isLowerHex(text, bytes * 2)) {
        return std::nullopt;
    }
    return QByteArray::fromHex(text.toLatin1());
}

}  // namespace tandem
