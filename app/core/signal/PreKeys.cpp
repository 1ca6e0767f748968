#include "app/core/signal/PreKeys.h"

#include "crypto/QtBytes.h"
#include "crypto/signal/Identity.h"

namespace tandem::core::signalmode {

using namespace tandem::storage;

StoreResult<void> makeSignedPreKey(Repositories& r, const crypto::signal::IdentityKeyPair& identity,
                                   std::uint32_t id, std::int64_t now) {
    const auto spk = crypto::signal::SignedPreKey::generate(identity, id);
    Prekey signedKey;
    signedKey.kind = PrekeyKind::Signed;
    signedKey.keyId = spk.id;
    signedKey.publicKey = crypto::qbytes(spk.keyPair.publicKey);
    signedKey.secretKey = makeSecret(spk.keyPair.privateKey.clone());
    signedKey.signature = crypto::qbytes(spk.signature);
    signedKey.createdAt = now;
    return r.prekeys.put(signedKey);
}

StoreResult<void> makeOneTimePreKeys(Repositories& r, int count, std::int64_t now) {
    TANDEM_TRY_ASSIGN(std::int64_t next, r.prekeys.maxKeyId(PrekeyKind::OneTime));
    for (int i = 0; i < count; ++i) {
        const auto key =
            crypto::signal::OneTimePreKey::generate(static_cast<std::uint32_t>(++next));
        Prekey p;
        p.kind = PrekeyKind::OneTime;
        p.keyId = key.id;
        p.publicKey = crypto::qbytes(key.keyPair.publicKey);
        p.secretKey = makeSecret(key.keyPair.privateKey.clone());
        p.createdAt = now;
        TANDEM_TRY(r.prekeys.put(p));
    }
    return {};
}

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
    TANDEM_TRY(makeSignedPreKey(r, *me.keys, static_cast<std::uint32_t>(latest->keyId + 1), now));
    return true;
}

}  // namespace tandem::core::signalmode
