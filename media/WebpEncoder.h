// Encoding sticker canvases with libwebp: one lossy-with-alpha picture, or an animation
// through WebPAnimEncoder. Quality and frame selection are the caller's (StickerEncoder.cpp).
#pragma once

#include <vector>

#include <QByteArray>
#include <QImage>

#include "media/StickerEncoder.h"

namespace tandem::media::detail {

// `canvas` in QImage::Format_RGBA8888; quality 0-100.
Expected<QByteArray, MediaError> encodeWebp(const QImage& canvas, int quality);

// Frames of one size in QImage::Format_RGBA8888, each shown for its durationMs; loops forever.
Expected<QByteArray, MediaError> encodeAnimatedWebp(const std::vector<Frame>& frames, int quality);

}  // namespace tandem::media::detail
