#include "app/core/signal/PreKeys.h"

#include "crypto/signal/Identity.h"

namespace tandem::core::signalmode {

using namespace tandem::storage;

StoreResult<bool> rotateSignedPreKey(Repositories& r, const Identity& me, std::int64_t now) {
    TANDEM_TRY_ASSIGN(const auto latest, r.prekeys.latestSigned());
    if (!latest) {
        return false;
    }
    // Replaced ones go kKeepReplacedMs after they stopped being current, i.e. once older than
    // both periods together (the current one is never deleted).
    for (std::int64_t id = 0; id < latest->keyId; ++id) {
        TANDEM_TRY_ASSIGN(const auto old, r.prekeys.get(PrekeyKind::Signed, id));
        if (old && old->createdAt < now - kRotateAfterMs - kKeepReplacedMs) {
            TANDEM_TRY(r.prekeys.remove(PrekeyKind::Signed, id));
        }
    }
    if (latest->createdAt > now - kRotateAfterMs) {
        return false;
    }
    const auto spk = crypto::signal::SignedPreKey::generate(
        *me.keys, static_cast<std::uint32_t>(latest->keyId + 1));
    Prekey signedKey;
    signedKey.kind = PrekeyKind::Signed;
    signedKey.keyId = spk.id;
    signedKey.publicKey =
        QByteArray(reinterpret_cast<const char*>(spk.keyPair.publicKey.data()), 32);  // NOLINT
    signedKey.secretKey = makeSecret(spk.keyPair.privateKey.clone());
    signedKey.signature =
        QByteArray(reinterpret_cast<const char*>(spk.signature.data()), 64);  // NOLINT
    signedKey.createdAt = now;
    TANDEM_TRY(r.prekeys.put(signedKey));
    return true;
}

}  // namespace tandem::core::signalmode
