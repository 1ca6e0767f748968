#include "crypto/signal/SafetyNumber.h"

#include <sodium.h>

#include <QStringList>

#include "tandem/fingerprint.pb.h"

namespace tandem::crypto::signal {

namespace {

std::array<std::uint8_t, crypto_hash_sha512_BYTES> fingerprint(const QString& id,
                                                               const SerializedKey& key,
                                                               std::uint32_t iterations) {
    const QByteArray idBytes = id.toUtf8();
    std::array<std::uint8_t, crypto_hash_sha512_BYTES> digest{};
    crypto_hash_sha512_state state;
    crypto_hash_sha512_init(&state);
    const std::uint8_t version[2] = {0, 0};
    crypto_hash_sha512_update(&state, version, sizeof version);
    crypto_hash_sha512_update(&state, key.data(), key.size());
    crypto_hash_sha512_update(&state,
                              reinterpret_cast<const std::uint8_t*>(idBytes.constData()),  // NOLINT
                              static_cast<unsigned long long>(idBytes.size()));
    crypto_hash_sha512_update(&state, key.data(), key.size());
    crypto_hash_sha512_final(&state, digest.data());
    for (std::uint32_t i = 1; i < iterations; ++i) {
        crypto_hash_sha512_init(&state);
        crypto_hash_sha512_update(&state, digest.data(), digest.size());
        crypto_hash_sha512_update(&state, key.data(), key.size());
        crypto_hash_sha512_final(&state, digest.data());
    }
    return digest;
}

QString displayHalf(const std::array<std::uint8_t, crypto_hash_sha512_BYTES>& digest) {
    QString out;
    for (std::size_t chunk = 0; chunk < 6; ++chunk) {
        std::uint64_t value = 0;
        for (std::size_t i = 0; i < 5; ++i) {
            value = (value << 8) | digest[chunk * 5 + i];
        }
        out += QStringLiteral("%1").arg(value % 100000, 5, 10, QLatin1Char('0'));
    }
    return out;
}

}  // namespace

QString SafetyNumber::grouped() const {
    QStringList groups;
    for (qsizetype i = 0; i < digits.size(); i += 5) {
        groups << digits.mid(i, 5);
    }
    return groups.join(u' ');
}

CryptoResult<SafetyNumber> safetyNumber(const QString& localId, const SerializedKey& localKey,
                                        const QString& remoteId, const SerializedKey& remoteKey,
                                        std::uint32_t version, std::uint32_t iterations) {
    if (iterations <= 1 || iterations > 1000000) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("invalid number of fingerprint iterations"));
    }
    const auto local = fingerprint(localId, localKey, iterations);
    const auto remote = fingerprint(remoteId, remoteKey, iterations);
    const QString localHalf = displayHalf(local);
    const QString remoteHalf = displayHalf(remote);
    SafetyNumber out;
    out.digits = localHalf < remoteHalf ? localHalf + remoteHalf : remoteHalf + localHalf;
    proto::CombinedFingerprints combined;
    combined.set_version(version);
    combined.mutable_local_fingerprint()->set_content(toString(ByteView(local).first(32)));
    combined.mutable_remote_fingerprint()->set_content(toString(ByteView(remote).first(32)));
    const std::string bytes = combined.SerializeAsString();
    out.scannable.assign(bytes.begin(), bytes.end());
    return out;
}

CryptoResult<bool> compareScanned(const SafetyNumber& ours, ByteView scanned) {
    proto::CombinedFingerprints mine;
    proto::CombinedFingerprints theirs;
    if (scanned.size() > 1024 ||
        !theirs.ParseFromArray(scanned.data(), static_cast<int>(scanned.size())) ||
        !theirs.has_local_fingerprint() || !theirs.has_remote_fingerprint() ||
        !mine.ParseFromArray(ours.scannable.data(), static_cast<int>(ours.scannable.size()))) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("the scanned code is not a safety number"));
    }
    if (theirs.version() != mine.version()) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("the scanned safety number has version %1, ours %2")
                               .arg(theirs.version())
                               .arg(mine.version()));
    }
    const auto same = [](const std::string& a, const std::string& b) {
        return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
    };
    // Their local is our remote and the other way round.
    const bool first =
        same(theirs.local_fingerprint().content(), mine.remote_fingerprint().content());
    const bool second =
        same(theirs.remote_fingerprint().content(), mine.local_fingerprint().content());
    return first && second;
}

}  // namespace tandem::crypto::signal
