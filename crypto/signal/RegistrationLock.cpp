#include "crypto/signal/RegistrationLock.h"

#include <algorithm>
#include <sodium.h>

#include <QList>

namespace tandem::crypto::signal {

namespace {

constexpr std::string_view kSaltContext = "tandem registration lock salt v1";

}  // namespace

std::optional<QString> pinProblem(const QString& pin) {
    const QList<uint> points = pin.toUcs4();
    const auto length = points.size();
    if (length < kMinPinLength) {
        return QStringLiteral("a PIN has at least %1 characters").arg(kMinPinLength);
    }
    if (length > kMaxPinLength) {
        return QStringLiteral("a PIN has at most %1 characters").arg(kMaxPinLength);
    }
    if (std::all_of(points.begin(), points.end(), [&](uint c) { return c == points.front(); })) {
        return QStringLiteral("a PIN of one character repeated is guessed first; choose another");
    }
    const bool digits =
        std::all_of(points.begin(), points.end(), [](uint c) { return c >= '0' && c <= '9'; });
    if (digits) {
        bool up = true;
        bool down = true;
        for (qsizetype i = 1; i < length; ++i) {
            up = up && points[i] == points[i - 1] + 1;
            down = down && points[i] + 1 == points[i - 1];
        }
        if (up || down) {
            return QStringLiteral("a PIN of digits in a row is guessed first; choose another");
        }
    }
    return std::nullopt;
}

SecretBytes registrationLockToken(std::string_view phone, const SecretBytes& pin) {
    static_assert(crypto_pwhash_SALTBYTES == 16);
    unsigned char salt[crypto_pwhash_SALTBYTES];
    crypto_generichash(salt, sizeof salt, reinterpret_cast<const unsigned char*>(phone.data()),
                       phone.size(), reinterpret_cast<const unsigned char*>(kSaltContext.data()),
                       kSaltContext.size());  // NOLINT
    SecretBytes token(kRegistrationLockTokenBytes);
    if (crypto_pwhash(token.data(), token.size(), reinterpret_cast<const char*>(pin.data()),
                      pin.size(), salt, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                      crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        return {};
    }
    return token;
}

}  // namespace tandem::crypto::signal
