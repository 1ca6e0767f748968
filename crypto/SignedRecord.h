// Signed mutable records: "the latest version of X, signed by its owner" (an editable sticker
// pack's encrypted manifest). The owner holds an Ed25519 key pair; from its public key:
//   name    = BLAKE2b-128, keyed with "tandem record name v1", of the owner's public key
//             (the pack id a link carries);
//   address = BLAKE2b-256, keyed with "tandem record address v1", of the name
//             (what servers index: a holder of the name computes it, a server recomputes it
//             from the owner key, and the server never learns the name).
// A record is signed over "tandem record v1" ‖ address ‖ version (8 bytes, big-endian) ‖
// payload. Servers keep, per address, the record with the highest version they were given:
// a higher version replaces it, the same record again is an idempotent success, anything else
// is stale (compareRecords). The payload is opaque (ciphertext) and at most
// kMaxRecordPayloadBytes.
#pragma once

#include <cstdint>

#include <QByteArray>

#include "crypto/CryptoError.h"
#include "crypto/Primitives.h"
#include "tandem/record.pb.h"

namespace tandem::crypto {

inline constexpr qsizetype kRecordNameBytes = 16;
inline constexpr qsizetype kRecordAddressBytes = 32;
inline constexpr qsizetype kRecordOwnerKeyBytes = 32;
inline constexpr qsizetype kRecordSignatureBytes = 64;
inline constexpr qsizetype kMaxRecordPayloadBytes = 64 * 1024;

// The record's name from its owner's Ed25519 public key (32 bytes; empty for any other size).
QByteArray recordName(const QByteArray& ownerPublicKey);
// What servers index, from the name (16 bytes; empty for any other size).
QByteArray recordAddress(const QByteArray& name);

struct SignedRecord {
    QByteArray address;
    QByteArray ownerKey;
    quint64 version = 0;
    QByteArray payload;
    QByteArray signature;
};

// A new owner key pair. Its secret (SecretBytes: wiped with sodium_memzero when destroyed) is
// what the owner keeps to publish later versions: `secretKey`, 64 bytes.
Ed25519KeyPair generateRecordOwner();
// The key pair again from the 64 bytes kept; Malformed if they are not a key pair.
CryptoResult<Ed25519KeyPair> recordOwnerFromSecret(ByteView secretKey64);

// The record `version` of `payload`, at the owner's address, signed by the owner. The payload
// is not checked here: verifyRecord() refuses one over kMaxRecordPayloadBytes.
SignedRecord signRecord(const Ed25519KeyPair& owner, quint64 version, const QByteArray& payload);
// Every size, the address (that of the owner key, compared in constant time) and the
// signature; a sentence saying what is wrong otherwise.
CryptoResult<void> verifyRecord(const SignedRecord& record);

// How `incoming` stands to `stored`, a record at the same address.
enum class RecordOrder {
    Newer,  // a higher version: it replaces the stored one
    Same,   // the same version, payload and signature: storing it again changes nothing
    Stale,  // a lower version, or the same version with other bytes: refused
};
RecordOrder compareRecords(const SignedRecord& stored, const SignedRecord& incoming);

proto::record::SignedRecord toProto(const SignedRecord& record);
// The fields as they came: verifyRecord() says whether they are a record.
SignedRecord fromProto(const proto::record::SignedRecord& record);

}  // namespace tandem::crypto
