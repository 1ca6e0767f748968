// Length hiding: plaintexts are padded to 160-byte buckets before encryption (as Session
// and Signal do), with 0x80 then zeros, so an observer of ciphertext sizes learns little.
#pragma once

#include "crypto/Primitives.h"

namespace tandem::crypto {

inline constexpr std::size_t kPaddingBucket = 160;

// content ‖ 0x80 ‖ 0x00… up to the next multiple of 160 (always at least one byte added).
Bytes pad(ByteView content);
// Undoes pad(); Malformed if the padding is not there.
CryptoResult<SecretBytes> unpad(ByteView padded);

}  // namespace tandem::crypto
