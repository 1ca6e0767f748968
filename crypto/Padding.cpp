#include "crypto/Padding.h"

namespace tandem::crypto {

Bytes pad(ByteView content) {
    const std::size_t size = (content.size() / kPaddingBucket + 1) * kPaddingBucket;
    Bytes out(size, 0);
    std::copy(content.begin(), content.end(), out.begin());
    out[content.size()] = 0x80;
    return out;
}

CryptoResult<SecretBytes> unpad(ByteView padded) {
    std::size_t end = padded.size();
    while (end > 0 && padded[end - 1] == 0) {
        --end;
    }
    if (end == 0 || padded[end - 1] != 0x80) {
        return cryptoError(CryptoErrorCode::Malformed, QStringLiteral("the padding is invalid"));
    }
    return SecretBytes(padded.first(end - 1));
}

}  // namespace tandem::crypto
