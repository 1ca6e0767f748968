// Signed prekey rotation (Signal mode): a new signed prekey once the current one is
// kRotateAfterMs old; a replaced one is kept kKeepReplacedMs more, so PreKey messages built on
// a bundle fetched before the rotation still open, then deleted. Runs in a store transaction;
// what it makes is uploaded with the one-time prekeys (PreKeyPublisher).
#pragma once

#include "app/core/signal/SignalCodec.h"

namespace tandem::core::signalmode {

inline constexpr std::int64_t kRotateAfterMs = 7LL * 24 * 3600 * 1000;    // a week
inline constexpr std::int64_t kKeepReplacedMs = 30LL * 24 * 3600 * 1000;  // a month more

// Stores a new signed prekey `id`, signed with `identity`.
storage::StoreResult<void> makeSignedPreKey(storage::Repositories& r,
                                            const crypto::signal::IdentityKeyPair& identity,
                                            std::uint32_t id, std::int64_t now);
// Stores `count` new one-time prekeys, numbered on from the highest id held.
storage::StoreResult<void> makeOneTimePreKeys(storage::Repositories& r, int count,
                                              std::int64_t now);

// True when a new signed prekey was made.
storage::StoreResult<bool> rotateSignedPreKey(storage::Repositories& r, const Identity& me,
                                              std::int64_t now);

}  // namespace tandem::core::signalmode
