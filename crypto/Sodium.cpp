#include "crypto/Sodium.h"

#include <sodium.h>

Q_LOGGING_CATEGORY(lcCrypto, "tandem.crypto", QtWarningMsg)

namespace tandem::crypto {

bool initialize() {
    static const bool ok = [] {
        const int rc = sodium_init();  // 0: initialised now, 1: already was
        if (rc < 0) {
            qCCritical(lcCrypto) << "libsodium could not be initialised";
            return false;
        }
        return true;
    }();
    return ok;
}

QByteArray randomBytes(qsizetype size) {
    QByteArray out(size, Qt::Uninitialized);
    randombytes_buf(out.data(), static_cast<std::size_t>(out.size()));
    return out;
}

SecretBytes randomSecret(std::size_t size) {
    SecretBytes out(size);
    randombytes_buf(out.data(), out.size());
    return out;
}

bool constantTimeEqual(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
    if (a.size() != b.size()) {
        return false;
    }
    return a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool constantTimeEqual(const QByteArray& a, const QByteArray& b) {
    const auto view = [](const QByteArray& bytes) {
        return std::span<const std::uint8_t>(
            reinterpret_cast<const std::uint8_t*>(bytes.constData()),  // NOLINT
            static_cast<std::size_t>(bytes.size()));
    };
    return constantTimeEqual(view(a), view(b));
}

}  // namespace tandem::crypto
