// Stickers from untrusted images: decode PNG, JPEG, GIF or WebP (static or animated) with
// limits checked against the file's header before any pixel is decoded, and encode a 512x512
// WebP under 300 KiB. Also the check for stickers received from others, and thumbnails.
//
// Contract (docs/media.md says why):
// - The format is decided by magic bytes only (sniffFormat); a file name is never consulted.
// - Every limit below is checked before the memory it guards is allocated: the file size,
//   then the canvas size read from the header (a 100000x100000 PNG of a few hundred bytes is
//   TooLarge without decoding), then frames one by one as they are decoded.
// - Corrupt or truncated input is Corrupt: never a crash, never a partial image, and every
//   loop is bounded by a limit, not by what the file claims.
// - Frame images are QImage::Format_RGBA8888 (not premultiplied: what libwebp reads and
//   writes). Frame durations of 0-10 ms become 100 ms, as browsers show them.
// - A sticker is exactly 512x512: the image is scaled (up or down, smooth, aspect ratio kept)
//   to fit and centred on transparency, as Signal requires of stickers.
// - Static input becomes lossy WebP with alpha, animated input animated WebP. Quality starts
//   at kStickerQualities[0] and steps down until the file is under kMaxStickerBytes; an
//   animation that is still too large at the lowest quality keeps every other frame (each
//   kept frame shows for the time of the frames it replaces), as long as two frames remain.
// Every function is reentrant: different threads may call them at once.
#pragma once

#include <array>
#include <vector>

#include <QByteArray>
#include <QImage>
#include <QSize>
#include <QString>

#include <tandem/common/Expected.h>

namespace tandem::media {

inline constexpr int kStickerSide = 512;                        // the canvas, always square
inline constexpr qsizetype kMaxStickerBytes = 300 * 1024;       // encoded WebP is under this
inline constexpr qsizetype kMaxSourceBytes = 32 * 1024 * 1024;  // input file size limit
// width*height of one frame (the canvas of an animation), read from the header first.
inline constexpr qint64 kMaxSourcePixels = 50'000'000;
inline constexpr int kMaxFrames = 300;                       // animated input
inline constexpr qint64 kMaxTotalFramePixels = 400'000'000;  // sum over frames, as decoded
// Qualities tried in turn, highest first (libwebp's 0-100 scale).
inline constexpr std::array<int, 5> kStickerQualities{80, 65, 50, 35, 20};
// A frame that claims to show longer than this shows this long (keeps timestamps in range).
inline constexpr int kMaxFrameDurationMs = 60'000;

enum class ImageFormat { Unknown, Png, Jpeg, Webp, Gif };

struct MediaError {
    enum class Code {
        NotAnImage,   // not one of the formats above (by its magic bytes)
        Unsupported,  // an image we read, but not usable here (e.g. a sticker of the wrong size)
        TooLarge,     // over one of the limits above
        Corrupt,      // truncated or malformed
        EncodeFailed  // no quality and frame rate fits kMaxStickerBytes, or the encoder failed
    };
    Code code;
    QString message;  // a sentence for the user
};

struct Frame {
    QImage image;  // QImage::Format_RGBA8888
    int durationMs = 0;
};

struct DecodedImage {
    ImageFormat format = ImageFormat::Unknown;
    QSize size;  // the canvas: every frame has this size
    std::vector<Frame> frames;
    bool animated() const { return frames.size() > 1; }
};

// By magic bytes only, never by file name.
ImageFormat sniffFormat(const QByteArray& bytes);

Expected<DecodedImage, MediaError> decodeImage(const QByteArray& bytes);

struct EncodedSticker {
    QByteArray webp;
    QSize size;  // always kStickerSide x kStickerSide
    int frames = 1;
    int quality = 0;  // the quality that fitted
    bool animated() const { return frames > 1; }
};

// Scales every frame to fit kStickerSide x kStickerSide, centred on transparency; encodes
// static input as lossy WebP with alpha and animated input as animated WebP, lowering the
// quality (then, for animations, the frame rate) until the file is under kMaxStickerBytes.
Expected<EncodedSticker, MediaError> encodeSticker(const DecodedImage& image);

// decodeImage + encodeSticker.
Expected<EncodedSticker, MediaError> stickerFromBytes(const QByteArray& bytes);

// Checks that bytes are a WebP sticker we accept (static or animated, 512x512, under
// kMaxStickerBytes, decodes completely within the limits) — for stickers received from the
// network, before they are stored or shown. Returns the sticker's size.
Expected<QSize, MediaError> validateStickerWebp(const QByteArray& bytes);

// For attachments: a JPEG (quality 80) of the first frame, scaled down to fit maxSide x maxSide
// (never up), transparency flattened onto white.
Expected<QByteArray, MediaError> thumbnailJpeg(const QByteArray& bytes, int maxSide = 320);

}  // namespace tandem::media
