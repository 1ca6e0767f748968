// The registration lock: a PIN the holder of a Signal-mode number chooses, so that whoever
// gets the number next (a recycled number, a swapped SIM, someone who reads the code) cannot
// register it and take over the account — its id, its queued messages, its contacts' trust —
// until the holder has been away from the relay for 7 days (the relay's side:
// transport/relay/server/RegistrationLocks.h).
//
// The client never sends the PIN. It sends a token: Argon2id of the PIN, salted with the
// number (so one PIN gives different tokens for different numbers, and a table of tokens
// must be built per number), and the relay keeps only a hash of that token. Someone who
// steals the relay's database must still run Argon2id per guess and per number; someone who
// only has the number's verification codes is held to a few guesses a day.
#pragma once

#include <optional>
#include <string_view>

#include <QString>

#include <tandem/common/SecretBytes.h>

namespace tandem::crypto::signal {

inline constexpr std::size_t kRegistrationLockTokenBytes = 32;
inline constexpr int kMinPinLength = 4;
inline constexpr int kMaxPinLength = 64;

// Why `pin` is refused as a new PIN, or nullopt if it is acceptable: 4 to 64 characters, not
// one character repeated ("0000") and not a run of digits ("1234", "9876").
std::optional<QString> pinProblem(const QString& pin);

// The token for `phone` (E.164) and `pin` (NFKC-normalised UTF-8, as the CLI and the app read
// it). Argon2id with libsodium's interactive limits (64 MiB, up to 0.35 s here): what every
// guess costs. Empty on failure (out of memory).
SecretBytes registrationLockToken(std::string_view phone, const SecretBytes& pin);

}  // namespace tandem::crypto::signal
