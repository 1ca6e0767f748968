// The onion file store's addressing and limits (sticker packs and attachments, ciphertext
// only). A blob's id is the BLAKE2b-256 of its bytes; it is kept by the swarm whose id is
// nearest to the id's place on the ring (Swarm.h: the id's 32 bytes read as a ring key, as a
// Session ID's X25519 key is), replicated to every member of that swarm before the uploader
// hears it is stored, and fetched through an onion path from any member. A node checks the id
// against the bytes before it stores them.
//
// Limits (every one refused with a clear error):
//  - kMaxBlobBytes (768 KiB): what fits one onion request (crypto::kMaxOnionBytes, 1 MiB, less
//    three layers and framing, with room to spare). The transport refuses a larger blob with
//    TooLarge before anything is sent; a node refuses it with TOO_LARGE.
//  - kBlobTtlMs (30 days) from the latest upload of the same bytes; expired blobs are purged.
//  - a per-node total (NodeStoreLimits::maxBlobBytesTotal, 2 GiB by default).
#pragma once

#include <cstdint>

#include <QByteArray>

#include "crypto/Primitives.h"

namespace tandem::transport::onion {

inline constexpr qsizetype kMaxBlobBytes = 768 * 1024;
inline constexpr std::int64_t kBlobTtlMs = 30LL * 24 * 3600 * 1000;
inline constexpr qsizetype kBlobIdBytes = 32;

// BLAKE2b-256 of the bytes.
QByteArray blobIdOf(const QByteArray& data);
// Whether `id` is the id of `data` (compared in constant time).
bool blobIdMatches(const QByteArray& id, const QByteArray& data);
// The id's place on the swarm ring, as a key for NodeDirectory::swarmOf(). `id` must hold
// kBlobIdBytes bytes.
crypto::PublicKey blobRingKey(const QByteArray& id);

}  // namespace tandem::transport::onion
