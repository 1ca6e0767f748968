// Retrieve and delete belong to the owner of a Session ID alone. A request carries the
// owner's Ed25519 public key, a timestamp and a signature over
//   "tandem owner v1" ‖ method ‖ 0 ‖ session id ‖ 0 ‖ timestamp (8 bytes, big-endian) ‖ extra
// (`extra` binds what the request is about, e.g. the hashes to delete). A node accepts it only
// if the key's X25519 form is the Session ID's key (as Session's storage servers check the
// ed25519 key given for an 05 id), the timestamp is within kMaxSkewMs of its clock, and the
// signature verifies. Inside kMaxSkewMs a captured request could be replayed to the same
// swarm; it returns nothing new to the replayer (the answer is onion-encrypted to the
// requester) and deletes nothing that was not already asked to be deleted.
#pragma once

#include <cstdint>
#include <string_view>

#include <QString>

#include <tandem/common/Expected.h>

#include "crypto/Primitives.h"

namespace tandem::transport::onion {

inline constexpr std::int64_t kMaxSkewMs = 60 * 1000;

struct OwnerProof {
    crypto::PublicKey ed25519{};
    std::int64_t timestampMs = 0;
    crypto::Signature signature{};
};

OwnerProof signAsOwner(const crypto::Ed25519KeyPair& owner, std::string_view method,
                       const QString& sessionId, std::int64_t timestampMs, crypto::ByteView extra);

Expected<void, QString> checkOwner(const OwnerProof& proof, std::string_view method,
                                   const QString& sessionId, std::int64_t now,
                                   crypto::ByteView extra);

}  // namespace tandem::transport::onion
