// Explicit limits of the store. Anything larger is refused with InvalidArgument before it
// reaches SQL, so a hostile peer cannot grow the database without bound through one row.
#pragma once

#include <cstdint>

#include <QtGlobal>

namespace tandem::storage::limits {

inline constexpr qsizetype kMaxAddressChars = 80;  // +E164 is ≤ 16, a Session ID 66
inline constexpr qsizetype kMaxDisplayNameChars = 128;
inline constexpr qsizetype kMaxTextBytes = qsizetype{64} * 1024;  // a message body, UTF-8
inline constexpr qsizetype kMaxDraftBytes = qsizetype{64} * 1024;
inline constexpr qsizetype kMaxOutboxPayloadBytes = qsizetype{256} * 1024;
inline constexpr qsizetype kMaxSessionStateBytes =
    qsizetype{1024} * 1024;  // ratchet + skipped keys
inline constexpr qsizetype kMaxKeyBytes = 4096;
inline constexpr qsizetype kMaxStickerImageBytes =
    qsizetype{1024} * 1024;  // also a CHECK in the schema
inline constexpr qsizetype kMaxStickerPackTitleChars = 128;
inline constexpr qsizetype kMaxSettingBytes = qsizetype{64} * 1024;
inline constexpr qsizetype kMaxLatencyPathChars = 512;
// Profiles (docs/people.md, crypto/Profiles.h): a record's name and key, and the avatar kept.
inline constexpr qsizetype kProfileRecordNameBytes = 16;
inline constexpr qsizetype kProfileKeyBytes = 32;
inline constexpr qsizetype kMaxProfileAvatarBytes = qsizetype{32} * 1024;
inline constexpr int kMaxPageSize = 1000;  // rows per page query
// Disappearing-message timers: 5 s to 4 weeks (0 = off).
inline constexpr std::int64_t kMinExpireTimerSeconds = 5;
inline constexpr std::int64_t kMaxExpireTimerSeconds = 4LL * 7 * 24 * 3600;

}  // namespace tandem::storage::limits
