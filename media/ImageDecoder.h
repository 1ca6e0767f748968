// Decoding untrusted images: the format from magic bytes, the limits from the header, then the
// pixels (Qt's readers for PNG, JPEG and GIF; libwebp for WebP, see WebpDecoder.h).
#pragma once

#include <limits>

#include <QByteArray>

#include "media/StickerEncoder.h"

namespace tandem::media::detail {

inline constexpr int kAllFrames = std::numeric_limits<int>::max();

// decodeImage, stopping after `framesWanted` frames (a thumbnail needs one). Every limit of
// StickerEncoder.h still applies to the whole file's header.
Expected<DecodedImage, MediaError> decodeFrames(const QByteArray& bytes, int framesWanted);

}  // namespace tandem::media::detail
