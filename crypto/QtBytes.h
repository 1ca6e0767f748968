// A QByteArray seen as bytes, and bytes as a QByteArray: the casts in one place. A header of
// its own, apart from Primitives.h, so that view("a literal") stays unambiguous elsewhere.
#pragma once

#include <QByteArray>

#include "crypto/Primitives.h"

namespace tandem::crypto {

inline ByteView view(const QByteArray& b) {
    return {reinterpret_cast<const std::uint8_t*>(b.constData()),  // NOLINT
            static_cast<std::size_t>(b.size())};
}

inline QByteArray qbytes(ByteView b) {
    return {reinterpret_cast<const char*>(b.data()), static_cast<qsizetype>(b.size())};  // NOLINT
}

// A protobuf `bytes` field (a std::string) as a QByteArray.
inline QByteArray qbytes(std::string_view s) {
    return {s.data(), static_cast<qsizetype>(s.size())};
}

}  // namespace tandem::crypto
