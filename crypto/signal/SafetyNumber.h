// Safety numbers exactly as Signal computes them (numeric fingerprint, version 1):
//   fingerprint(id, key) = SHA-512^5200 starting from 0x0000 ‖ key ‖ id ‖ key, each later
//   round hashing the previous digest ‖ key; key = 33-byte serialized identity key,
//   id = the stable identifier (E.164 in Signal mode; the Session ID in Session mode).
//   display: the first 30 bytes in six 5-byte big-endian chunks, each mod 100000 as
//   5 digits → 30 digits per party; the lower of the two halves first → 60 digits.
//   scannable: CombinedFingerprints{version, local[0..32), remote[0..32)} (the QR payload).
// Matches libsignal's published test vectors (tests/crypto/tst_signal.cpp).
#pragma once

#include <QString>

#include "crypto/signal/Identity.h"

namespace tandem::crypto::signal {

struct SafetyNumber {
    QString digits;   // 60 digits, no separators
    Bytes scannable;  // the QR payload
    // 12 groups of 5 digits separated by spaces, as apps show it.
    [[nodiscard]] QString grouped() const;
};

inline constexpr std::uint32_t kSafetyNumberVersion = 1;
inline constexpr std::uint32_t kSafetyNumberIterations = 5200;

CryptoResult<SafetyNumber> safetyNumber(const QString& localId, const SerializedKey& localKey,
                                        const QString& remoteId, const SerializedKey& remoteKey,
                                        std::uint32_t version = kSafetyNumberVersion,
                                        std::uint32_t iterations = kSafetyNumberIterations);

// Compares a payload scanned from the peer's screen with ours: true when both sides see the
// same identities. A different version is an error (the apps disagree on the format).
CryptoResult<bool> compareScanned(const SafetyNumber& ours, ByteView scanned);

}  // namespace tandem::crypto::signal
