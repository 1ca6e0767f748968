// Hex and text helpers for the crypto tests.
#pragma once

#include <string>

#include <QByteArray>
#include <QString>

#include "crypto/Primitives.h"

namespace tandem::test {

inline crypto::Bytes hex(const char* text) {
    const QByteArray raw = QByteArray::fromHex(QByteArray(text));
    return {raw.begin(), raw.end()};
}

inline QString toHex(crypto::ByteView bytes) {
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char*>(bytes.data()),
                                          static_cast<qsizetype>(bytes.size()))  // NOLINT
                                   .toHex());
}

inline crypto::PublicKey key(const char* text) {
    return crypto::publicKeyFrom(hex(text), "key").value();
}

// The bytes of a decrypted message as a string.
inline std::string text(const SecretBytes& bytes) {
    return crypto::toString(bytes.span());
}

}  // namespace tandem::test
