// What the media/ files share: the logging category, errors with their user-facing sentence,
// and the rules every decoder applies to frames.
#pragma once

#include <cstddef>
#include <cstdint>

#include <QByteArray>
#include <QLoggingCategory>

#include "media/StickerEncoder.h"

// tandem.media: decoding and encoding images. Logs formats, sizes and reasons, never pixels.
Q_DECLARE_LOGGING_CATEGORY(lcMedia)

namespace tandem::media::detail {

// Why a decode or encode failed, as the sentence MediaError::message carries.
enum class Reason {
    NotAnImage,
    FileTooLarge,
    TooManyPixels,
    TooManyFrames,
    AnimationTooLarge,
    Corrupt,
    WrongStickerSize,
    StickerTooLarge,
    DoesNotFit,
    EncoderFailed,
    NoFrames,
    BadThumbnailSize,
};

MediaError error(Reason reason);
inline Unexpected<MediaError> fail(Reason reason) {
    return {error(reason)};
}

// 0-10 ms shows as 100 ms (what browsers do: such delays were written for old viewers that
// ignored them); anything over kMaxFrameDurationMs shows that long.
int normalizedDurationMs(int ms);

// QImageReader's allocation limit (MiB), just above what a kMaxSourcePixels RGBA frame needs:
// a second guard behind the header check, for decoders that allocate more than they claim.
inline constexpr int kAllocationLimitMiB =
    static_cast<int>((kMaxSourcePixels * 4 + (1 << 20) - 1) / (1 << 20)) + 1;

inline const std::uint8_t* bytesOf(const QByteArray& bytes) {
    return reinterpret_cast<const std::uint8_t*>(bytes.constData());  // NOLINT: byte view
}
inline std::size_t sizeOf(const QByteArray& bytes) {
    return static_cast<std::size_t>(bytes.size());
}

}  // namespace tandem::media::detail
