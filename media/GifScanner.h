// A walk over a GIF's blocks before Qt decodes it: Qt's reader returns a half-decoded frame
// for a truncated file and reads frames one at a time, so neither truncation nor the frame
// count is known up front from it. The walk reads no pixels and is bounded by the file size.
#pragma once

#include <QByteArray>
#include <QSize>

#include "media/StickerEncoder.h"

namespace tandem::media::detail {

struct GifLayout {
    QSize screen;    // the logical screen: every decoded frame has this size
    int frames = 0;  // image blocks
};

// Corrupt unless every block is complete and the trailer is there; TooLarge when the screen
// or a frame is over kMaxSourcePixels. The frame count is the caller's to judge.
Expected<GifLayout, MediaError> scanGif(const QByteArray& bytes);

}  // namespace tandem::media::detail
