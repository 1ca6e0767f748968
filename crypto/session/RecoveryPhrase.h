// Session's recovery phrase (Monero's mnemonic scheme, English list of 1626 words):
// the 16-byte seed is read as four little-endian 32-bit numbers, each written as three words
// (w1 = x mod n, w2 = (x / n + w1) mod n, w3 = (x / n² + w2) mod n), followed by a checksum
// word chosen by CRC-32 of the twelve words' 3-letter prefixes. Words are matched by their
// first three letters, as Session does, so a real Session phrase restores the same ID here.
#pragma once

#include <QString>
#include <QStringList>

#include "crypto/Primitives.h"

namespace tandem::crypto::session {

inline constexpr int kPhraseWords = 13;

// The 1626-word list, alphabetical.
const QStringList& recoveryWordList();

QString encodeRecoveryPhrase(ByteView seed16);
// The 16-byte seed, or InvalidPhrase with a sentence naming what is wrong: the number of
// words, an unknown word (and where), words that encode no valid seed, or the checksum.
CryptoResult<SecretBytes> decodeRecoveryPhrase(const QString& phrase);

std::uint32_t crc32(ByteView bytes);

}  // namespace tandem::crypto::session
