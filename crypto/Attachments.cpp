#include "crypto/Attachments.h"

#include <array>
#include <sodium.h>
#include <string_view>

namespace tandem::crypto {

namespace {

constexpr std::string_view kAttachmentAd = "tandem attachment chunk v1";
constexpr std::size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
static_assert(kNonceBytes + kTagBytes == kChunkOverheadBytes);
static_assert(kAttachmentKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);

using Ad = std::array<unsigned char, kAttachmentAd.size() + 16>;

Ad chunkAd(qint64 index, qint64 count) {
    Ad ad{};
    std::copy(kAttachmentAd.begin(), kAttachmentAd.end(), ad.begin());
    auto put = [&ad](std::size_t at, qint64 v) {
        for (std::size_t i = 0; i < 8; ++i) {
            ad[at + i] = static_cast<unsigned char>(static_cast<std::uint64_t>(v) >> (56 - 8 * i));
        }
    };
    put(kAttachmentAd.size(), index);
    put(kAttachmentAd.size() + 8, count);
    return ad;
}

}  // namespace

SecretBytes generateAttachmentKey() {
    SecretBytes key(kAttachmentKeyBytes);
    crypto_aead_xchacha20poly1305_ietf_keygen(key.data());
    return key;
}

qint64 attachmentChunkCount(qint64 size) {
    if (size <= 0) {
        return 0;
    }
    return (size + kAttachmentChunkBytes - 1) / kAttachmentChunkBytes;
}

qsizetype attachmentChunkPlainBytes(qint64 size, qint64 index) {
    const qint64 start = index * kAttachmentChunkBytes;
    if (index < 0 || start >= size) {
        return 0;
    }
    return static_cast<qsizetype>(std::min<qint64>(kAttachmentChunkBytes, size - start));
}

qsizetype attachmentChunkSealedBytes(qint64 size, qint64 index) {
    const qsizetype plain = attachmentChunkPlainBytes(size, index);
    return plain == 0 ? 0 : plain + kChunkOverheadBytes;
}

QByteArray sealAttachmentChunk(const SecretBytes& key, qint64 index, qint64 count,
                               const QByteArray& plain) {
    Q_ASSERT(key.size() == kAttachmentKeyBytes);
    Q_ASSERT(plain.size() <= kAttachmentChunkBytes);
    const Ad ad = chunkAd(index, count);
    QByteArray out(plain.size() + kChunkOverheadBytes, Qt::Uninitialized);
    auto* nonce = reinterpret_cast<unsigned char*>(out.data());
    randombytes_buf(nonce, kNonceBytes);
    unsigned long long written = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        nonce + kNonceBytes, &written, reinterpret_cast<const unsigned char*>(plain.constData()),
        static_cast<unsigned long long>(plain.size()), ad.data(), ad.size(), nullptr, nonce,
        key.data());
    Q_ASSERT(written == static_cast<unsigned long long>(plain.size()) + kTagBytes);
    return out;
}

CryptoResult<QByteArray> openAttachmentChunk(const SecretBytes& key, qint64 index, qint64 count,
                                             const QByteArray& sealed) {
    if (key.size() != static_cast<std::size_t>(kAttachmentKeyBytes)) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("an attachment key must be 32 bytes"));
    }
    if (sealed.size() <= kChunkOverheadBytes || sealed.size() > kSealedChunkBytes) {
        return cryptoError(
            CryptoErrorCode::Malformed,
            QStringLiteral("a chunk of the file has a wrong size (%1 bytes)").arg(sealed.size()));
    }
    const Ad ad = chunkAd(index, count);
    const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.constData());
    QByteArray plain(sealed.size() - kChunkOverheadBytes, Qt::Uninitialized);
    unsigned long long written = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            reinterpret_cast<unsigned char*>(plain.data()), &written, nullptr, nonce + kNonceBytes,
            static_cast<unsigned long long>(sealed.size()) - kNonceBytes, ad.data(), ad.size(),
            nonce, key.data()) != 0) {
        return cryptoError(CryptoErrorCode::DecryptFailed,
                           QStringLiteral("chunk %1 of the file does not open with its key: it "
                                          "was changed, or belongs elsewhere")
                               .arg(index + 1));
    }
    return plain;
}

}  // namespace tandem::crypto
