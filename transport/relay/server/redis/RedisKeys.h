// RedisKeys: the relay's key layout in Redis (docs/relay.md, "Several front-ends"). Every key
// of an account carries the account id (aci) as its hash tag, {hex}, so an account's data —
// record, prekeys, lock, mailbox, its counters — lives in one slot (one Redis Cluster shard),
// and a Lua script may touch all of it at once. Lookups by number and by numeric id, codes are
// keys of their own (one key per command). Blobs and signed records are checked against a
// bound on all of them in the script that writes one, so each family shares one hash tag,
// {blobs} and {recs}: one slot each (in a cluster, one shard holds every blob, another every
// record — docs/relay.md, "Redis Cluster").
#pragma once

#include <cstdint>

#include <QByteArray>
#include <QString>

namespace tandem::relay::rediskeys {

// `kind`:{aci in hex}
inline QByteArray account(const char* kind, const QByteArray& aci) {
    return QByteArray(kind) + ":{" + aci.toHex() + "}";
}
inline QByteArray record(const QByteArray& aci) {
    return account("acct", aci);
}
inline QByteArray signedPreKey(const QByteArray& aci) {
    return account("spk", aci);
}
inline QByteArray oneTimePreKeys(const QByteArray& aci) {
    return account("otk", aci);
}
inline QByteArray lock(const QByteArray& aci) {
    return account("lock", aci);
}
inline QByteArray queue(const QByteArray& aci) {
    return account("mq", aci);
}  // sorted set
inline QByteArray queueSize(const QByteArray& aci) {
    return account("mqs", aci);
}  // n, b
inline QByteArray sequence(const QByteArray& aci) {
    return account("mseq", aci);
}
inline QByteArray generation(const QByteArray& aci) {
    return account("gen", aci);
}
inline QByteArray channel(const QByteArray& aci) {
    return account("mch", aci);
}
inline QByteArray presence(const QByteArray& aci) {
    return account("here", aci);
}  // set while a front-end holds a connection of the account (with a TTL)
// A number never appears in a key's name (KEYS, SCAN, MONITOR, a slow log would show it): it
// is named by its tag, a keyed BLAKE2b of it under the relay's secret (RedisAccountStore).
inline QByteArray byPhone(const QByteArray& phoneTag) {
    return "phone:" + phoneTag;
}
inline QByteArray byId(std::int64_t id) {
    return "acctid:" + QByteArray::number(id);
}
inline QByteArray code(const QByteArray& phoneTag) {
    return "code:" + phoneTag;
}
inline QByteArray secret() {
    return QByteArrayLiteral("relay:secret");
}  // 32 random bytes, made by the first front-end (SET NX), read by the others
inline QByteArray nextAccountId() {
    return QByteArrayLiteral("acct:next");
}
inline QByteArray blob(const QString& id) {
    return "blob:{blobs}:" + id.toLatin1();
}
inline QByteArray signedRecord(const QByteArray& address) {
    return "rec:{recs}:" + address.toHex();
}  // a signed record (RedisRecordStore), by its address
inline QByteArray recordBytes() {
    return QByteArrayLiteral("{recs}:bytes");
}
inline QByteArray recordsByExpiry() {
    return QByteArrayLiteral("{recs}:expiry");
}
inline QByteArray blobBytes() {
    return QByteArrayLiteral("{blobs}:bytes");
}
inline QByteArray blobsByUpload() {
    return QByteArrayLiteral("{blobs}:uploaded");
}

}  // namespace tandem::relay::rediskeys
