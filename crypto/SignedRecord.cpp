#include "crypto/SignedRecord.h"

#include <algorithm>
#include <sodium.h>
#include <string_view>

#include <QtEndian>

#include "crypto/QtBytes.h"

namespace tandem::crypto {

namespace {

constexpr std::string_view kNameContext = "tandem record name v1";
constexpr std::string_view kAddressContext = "tandem record address v1";
constexpr std::string_view kSignatureContext = "tandem record v1";

// BLAKE2b of `in` keyed with a context string (each at least crypto_generichash_KEYBYTES_MIN).
QByteArray keyedHash(std::string_view context, const QByteArray& in, qsizetype outBytes) {
    static_assert(kNameContext.size() >= crypto_generichash_KEYBYTES_MIN);
    static_assert(kAddressContext.size() >= crypto_generichash_KEYBYTES_MIN);
    QByteArray out(outBytes, Qt::Uninitialized);
    crypto_generichash(reinterpret_cast<unsigned char*>(out.data()),  // NOLINT
                       static_cast<std::size_t>(out.size()),
                       reinterpret_cast<const unsigned char*>(in.constData()),  // NOLINT
                       static_cast<unsigned long long>(in.size()),
                       reinterpret_cast<const unsigned char*>(context.data()),  // NOLINT
                       context.size());
    return out;
}

Bytes signedBytes(const QByteArray& address, quint64 version, const QByteArray& payload) {
    std::array<std::uint8_t, 8> v{};
    qToBigEndian(version, v.data());
    return concat({view(kSignatureContext), view(address), v, view(payload)});
}

bool sameBytes(const QByteArray& a, const QByteArray& b) {
    return a.size() == b.size() &&
           (a.isEmpty() ||
            sodium_memcmp(a.constData(), b.constData(), static_cast<std::size_t>(a.size())) == 0);
}

}  // namespace

QByteArray recordName(const QByteArray& ownerPublicKey) {
    if (ownerPublicKey.size() != kRecordOwnerKeyBytes) {
        return {};
    }
    return keyedHash(kNameContext, ownerPublicKey, kRecordNameBytes);
}

QByteArray recordAddress(const QByteArray& name) {
    if (name.size() != kRecordNameBytes) {
        return {};
    }
    return keyedHash(kAddressContext, name, kRecordAddressBytes);
}

Ed25519KeyPair generateRecordOwner() {
    return Ed25519KeyPair::generate();
}

CryptoResult<Ed25519KeyPair> recordOwnerFromSecret(ByteView secretKey64) {
    if (secretKey64.size() != crypto_sign_SECRETKEYBYTES) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("a record owner's secret key has 64 bytes"));
    }
    Ed25519KeyPair pair = Ed25519KeyPair::fromSeed(secretKey64.first(crypto_sign_SEEDBYTES));
    // libsodium's secret key is seed ‖ public key: the second half must be the seed's key.
    if (sodium_memcmp(pair.publicKey.data(), secretKey64.data() + crypto_sign_SEEDBYTES,
                      pair.publicKey.size()) != 0) {
        return cryptoError(CryptoErrorCode::InvalidKey,
                           QStringLiteral("the record owner's secret key is damaged"));
    }
    return pair;
}

SignedRecord signRecord(const Ed25519KeyPair& owner, quint64 version, const QByteArray& payload) {
    SignedRecord record;
    record.ownerKey = qbytes(owner.publicKey);
    record.address = recordAddress(recordName(record.ownerKey));
    record.version = version;
    record.payload = payload;
    record.signature = qbytes(owner.sign(signedBytes(record.address, version, payload)));
    return record;
}

CryptoResult<void> verifyRecord(const SignedRecord& record) {
    if (record.address.size() != kRecordAddressBytes) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("a record's address has %1 bytes, not %2")
                               .arg(record.address.size())
                               .arg(kRecordAddressBytes));
    }
    if (record.ownerKey.size() != kRecordOwnerKeyBytes) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("a record's owner key has %1 bytes, not %2")
                               .arg(record.ownerKey.size())
                               .arg(kRecordOwnerKeyBytes));
    }
    if (record.signature.size() != kRecordSignatureBytes) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("a record's signature has %1 bytes, not %2")
                               .arg(record.signature.size())
                               .arg(kRecordSignatureBytes));
    }
    if (record.payload.size() > kMaxRecordPayloadBytes) {
        return cryptoError(CryptoErrorCode::TooLarge,
                           QStringLiteral("a record's payload holds at most %1 bytes; this one "
                                          "has %2")
                               .arg(kMaxRecordPayloadBytes)
                               .arg(record.payload.size()));
    }
    if (!sameBytes(record.address, recordAddress(recordName(record.ownerKey)))) {
        return cryptoError(CryptoErrorCode::WrongSender,
                           QStringLiteral("the record's address is not its owner key's"));
    }
    const auto key = publicKeyFrom(view(record.ownerKey), "record owner key");
    if (!key || !ed25519Verify(*key, signedBytes(record.address, record.version, record.payload),
                               view(record.signature))) {
        return cryptoError(CryptoErrorCode::BadSignature,
                           QStringLiteral("the record's signature does not verify"));
    }
    return {};
}

RecordOrder compareRecords(const SignedRecord& stored, const SignedRecord& incoming) {
    if (incoming.version > stored.version) {
        return RecordOrder::Newer;
    }
    if (incoming.version == stored.version && sameBytes(incoming.payload, stored.payload) &&
        sameBytes(incoming.signature, stored.signature)) {
        return RecordOrder::Same;
    }
    return RecordOrder::Stale;
}

proto::record::SignedRecord toProto(const SignedRecord& record) {
    proto::record::SignedRecord out;
    out.set_address(record.address.toStdString());
    out.set_owner_key(record.ownerKey.toStdString());
    out.set_version(record.version);
    out.set_payload(record.payload.toStdString());
    out.set_signature(record.signature.toStdString());
    return out;
}

SignedRecord fromProto(const proto::record::SignedRecord& record) {
    return {qbytes(record.address()), qbytes(record.owner_key()), record.version(),
            qbytes(record.payload()), qbytes(record.signature())};
}

}  // namespace tandem::crypto
