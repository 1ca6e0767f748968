#include "crypto/Profiles.h"

#include <sodium.h>

#include "crypto/QtBytes.h"

namespace tandem::crypto {

namespace {

constexpr std::string_view kProfileAd = "tandem profile v1";

Bytes profileAd(const QByteArray& address, quint64 version) {
    Bytes ad = concat({view(kProfileAd), view(address)});
    for (int shift = 56; shift >= 0; shift -= 8) {
        ad.push_back(static_cast<std::uint8_t>(version >> shift));
    }
    return ad;
}

}  // namespace

SecretBytes generateProfileKey() {
    SecretBytes key(static_cast<std::size_t>(kProfileKeyBytes));
    randombytes_buf(key.data(), key.size());
    return key;
}

CryptoResult<QByteArray> sealProfile(ByteView key, const QByteArray& address, quint64 version,
                                     const QByteArray& plain) {
    if (key.size() != static_cast<std::size_t>(kProfileKeyBytes)) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("a profile key has 32 bytes"));
    }
    if (plain.size() >= kProfilePaddedBytes) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("the profile is too large (%1 bytes; at most %2)")
                               .arg(plain.size())
                               .arg(kProfilePaddedBytes - 1));
    }
    // plain ‖ 0x80 ‖ zeros, to exactly kProfilePaddedBytes.
    SecretBytes padded(static_cast<std::size_t>(kProfilePaddedBytes));  // zeros
    std::copy(plain.begin(), plain.end(), padded.data());
    padded.data()[plain.size()] = 0x80;
    const Bytes sealed = aeadSealWithNonce(key, profileAd(address, version), padded.span());
    return QByteArray(reinterpret_cast<const char*>(sealed.data()),  // NOLINT
                      static_cast<qsizetype>(sealed.size()));
}

CryptoResult<QByteArray> openProfile(ByteView key, const QByteArray& address, quint64 version,
                                     const QByteArray& sealed) {
    if (key.size() != static_cast<std::size_t>(kProfileKeyBytes)) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("a profile key has 32 bytes"));
    }
    constexpr qsizetype kSealedBytes =
        kProfilePaddedBytes + 24 + static_cast<qsizetype>(kAeadTagSize);
    if (sealed.size() != kSealedBytes) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("a profile record is %1 bytes, not %2")
                               .arg(sealed.size())
                               .arg(kSealedBytes));
    }
    auto opened = aeadOpenWithNonce(key, profileAd(address, version), view(sealed));
    if (!opened) {
        return cryptoError(opened.error().code,
                           QStringLiteral("the profile does not open with the key we were given"));
    }
    const SecretBytes& padded = *opened;
    std::size_t end = padded.size();
    while (end > 0 && padded.data()[end - 1] == 0) {
        --end;
    }
    if (end == 0 || padded.data()[end - 1] != 0x80) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("the profile's padding is damaged"));
    }
    return QByteArray(reinterpret_cast<const char*>(padded.data()),  // NOLINT
                      static_cast<qsizetype>(end - 1));
}

}  // namespace tandem::crypto
