// Thin libsodium helpers used across the crypto layer: one-time initialisation, random bytes
// and constant-time comparison. Everything in crypto/ builds on libsodium 1.0.18 alone.
#pragma once

#include <cstdint>
#include <span>

#include <QByteArray>
#include <QLoggingCategory>

#include <tandem/common/SecretBytes.h>

// tandem.crypto: never logs keys, plaintext or identifiers in full.
Q_DECLARE_LOGGING_CATEGORY(lcCrypto)

namespace tandem::crypto {

// Initialises libsodium once (thread-safe). Returns false only if the CPU/OS cannot provide
// what libsodium needs (then nothing here may be used).
bool initialize();

QByteArray randomBytes(qsizetype size);
SecretBytes randomSecret(std::size_t size);

// Constant-time equality; different sizes compare unequal (sizes are not secret).
bool constantTimeEqual(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);
bool constantTimeEqual(const QByteArray& a, const QByteArray& b);

}  // namespace tandem::crypto
