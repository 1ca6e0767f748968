#include "transport/onion/Blob.h"

#include <algorithm>
#include <sodium.h>

namespace tandem::transport::onion {

QByteArray blobIdOf(const QByteArray& data) {
    QByteArray id(kBlobIdBytes, Qt::Uninitialized);
    crypto_generichash(reinterpret_cast<unsigned char*>(id.data()),  // NOLINT
                       static_cast<std::size_t>(id.size()),
                       reinterpret_cast<const unsigned char*>(data.constData()),  // NOLINT
                       static_cast<unsigned long long>(data.size()), nullptr, 0);
    return id;
}

bool blobIdMatches(const QByteArray& id, const QByteArray& data) {
    if (id.size() != kBlobIdBytes) {
        return false;
    }
    const QByteArray actual = blobIdOf(data);
    return sodium_memcmp(actual.constData(), id.constData(), kBlobIdBytes) == 0;
}

crypto::PublicKey blobRingKey(const QByteArray& id) {
    crypto::PublicKey key{};
    std::copy_n(reinterpret_cast<const std::uint8_t*>(id.constData()),  // NOLINT
                std::min<std::size_t>(key.size(), static_cast<std::size_t>(id.size())),
                key.begin());
    return key;
}

}  // namespace tandem::transport::onion
