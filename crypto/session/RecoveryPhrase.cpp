#include "crypto/session/RecoveryPhrase.h"

#include <algorithm>
#include <array>
#include <string_view>

#include <QRegularExpression>

namespace tandem::crypto::session {

namespace {

// Generated at configure time from resources/wordlists/session-english.txt.
constexpr std::array<std::string_view, 1626> kWords = {
#include "SessionWords.inc"
};
constexpr std::size_t kPrefix = 3;
constexpr std::uint64_t kN = kWords.size();

int indexOfPrefix(std::string_view prefix) {
    // The list is sorted and every 3-letter prefix is unique: binary search on prefixes.
    const auto it = std::lower_bound(
        kWords.begin(), kWords.end(), prefix,
        [](std::string_view word, std::string_view p) { return word.substr(0, kPrefix) < p; });
    if (it == kWords.end() || it->substr(0, kPrefix) != prefix) {
        return -1;
    }
    return static_cast<int>(it - kWords.begin());
}

std::size_t checksumIndex(const std::array<int, 12>& indices) {
    std::string prefixes;
    for (const int i : indices) {
        prefixes += kWords[static_cast<std::size_t>(i)].substr(0, kPrefix);
    }
    return crc32(view(prefixes)) % indices.size();
}

}  // namespace

std::uint32_t crc32(ByteView bytes) {
    static const auto table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k) {
                c = (c & 1U) != 0 ? 0xEDB88320U ^ (c >> 1U) : c >> 1U;
            }
            t[i] = c;
        }
        return t;
    }();
    std::uint32_t crc = 0xFFFFFFFFU;
    for (const std::uint8_t b : bytes) {
        crc = table[(crc ^ b) & 0xFFU] ^ (crc >> 8U);
    }
    return crc ^ 0xFFFFFFFFU;
}

const QStringList& recoveryWordList() {
    static const QStringList list = [] {
        QStringList words;
        words.reserve(static_cast<qsizetype>(kWords.size()));
        for (const std::string_view w : kWords) {
            words << QString::fromLatin1(w.data(), static_cast<qsizetype>(w.size()));
        }
        return words;
    }();
    return list;
}

QString encodeRecoveryPhrase(ByteView seed16) {
    Q_ASSERT(seed16.size() == 16);
    std::array<int, 12> indices{};
    for (std::size_t chunk = 0; chunk < 4; ++chunk) {
        const std::uint64_t x = std::uint64_t{seed16[chunk * 4]} |
                                (std::uint64_t{seed16[chunk * 4 + 1]} << 8U) |
                                (std::uint64_t{seed16[chunk * 4 + 2]} << 16U) |
                                (std::uint64_t{seed16[chunk * 4 + 3]} << 24U);
        const std::uint64_t w1 = x % kN;
        const std::uint64_t w2 = (x / kN + w1) % kN;
        const std::uint64_t w3 = (x / kN / kN + w2) % kN;
        indices[chunk * 3] = static_cast<int>(w1);
        indices[chunk * 3 + 1] = static_cast<int>(w2);
        indices[chunk * 3 + 2] = static_cast<int>(w3);
    }
    QStringList words;
    for (const int i : indices) {
        words << recoveryWordList().at(i);
    }
    words << recoveryWordList().at(indices[checksumIndex(indices)]);
    return words.join(u' ');
}

CryptoResult<SecretBytes> decodeRecoveryPhrase(const QString& phrase) {
    static const QRegularExpression whitespace(QStringLiteral("\\s+"));
    // Lowered only after the ASCII check below: QString::toLower() turns the Kelvin sign
    // (U+212A) into "k", and a phrase would then read as a different text than was written.
    const QStringList words = phrase.trimmed().split(whitespace, Qt::SkipEmptyParts);
    if (words.size() != kPhraseWords) {
        return cryptoError(CryptoErrorCode::InvalidPhrase,
                           QStringLiteral("a recovery phrase has %1 words; this one has %2")
                               .arg(kPhraseWords)
                               .arg(words.size()));
    }
    std::array<int, 13> indices{};
    for (qsizetype i = 0; i < words.size(); ++i) {
        const bool letters = words[i].size() >= static_cast<qsizetype>(kPrefix) &&
                             std::all_of(words[i].begin(), words[i].end(), [](QChar c) {
                                 return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z');
                             });
        const QByteArray word = words[i].toLatin1().toLower();  // ASCII only, checked above
        const int index = letters ? indexOfPrefix(std::string_view(word.constData(), kPrefix)) : -1;
        if (index < 0) {
            return cryptoError(CryptoErrorCode::InvalidPhrase,
                               QStringLiteral("word %1, \"%2\", is not in the word list")
                                   .arg(i + 1)
                                   .arg(words[i].left(32)));
        }
        indices[static_cast<std::size_t>(i)] = index;
    }
    SecretBytes seed(16);
    for (std::size_t chunk = 0; chunk < 4; ++chunk) {
        const auto w1 = static_cast<std::uint64_t>(indices[chunk * 3]);
        const auto w2 = static_cast<std::uint64_t>(indices[chunk * 3 + 1]);
        const auto w3 = static_cast<std::uint64_t>(indices[chunk * 3 + 2]);
        const std::uint64_t x = w1 + kN * ((kN - w1 + w2) % kN) + kN * kN * ((kN - w2 + w3) % kN);
        if (x % kN != w1 || x > 0xFFFFFFFFULL) {
            return cryptoError(CryptoErrorCode::InvalidPhrase,
                               QStringLiteral("words %1 to %2 do not form a valid phrase")
                                   .arg(chunk * 3 + 1)
                                   .arg(chunk * 3 + 3));
        }
        for (std::size_t b = 0; b < 4; ++b) {
            seed.data()[chunk * 4 + b] = static_cast<std::uint8_t>(x >> (8 * b));
        }
    }
    std::array<int, 12> first{};
    std::copy_n(indices.begin(), 12, first.begin());
    if (indices[12] != first[checksumIndex(first)]) {
        return cryptoError(CryptoErrorCode::InvalidPhrase,
                           QStringLiteral("the last word (the checksum) does not match the other "
                                          "twelve; check them for typos"));
    }
    return seed;
}

}  // namespace tandem::crypto::session
