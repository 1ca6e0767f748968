// WebP through libwebp: the header (canvas, frame count) read without decoding, and static or
// animated decoding (WebPAnimDecoder composites each frame onto the canvas).
#pragma once

#include <QByteArray>
#include <QSize>

#include "media/StickerEncoder.h"

namespace tandem::media::detail {

struct WebpHeader {
    QSize canvas;
    int frames = 1;
    bool animated = false;
};

// The canvas and frame count, from the VP8X/ANIM chunks; Corrupt if the chunk structure is
// incomplete or malformed (bitstreams are not decoded).
Expected<WebpHeader, MediaError> readWebpHeader(const QByteArray& bytes);

// Checks the header against the limits, then decodes at most `framesWanted` frames.
Expected<DecodedImage, MediaError> decodeWebp(const QByteArray& bytes, int framesWanted);

}  // namespace tandem::media::detail
