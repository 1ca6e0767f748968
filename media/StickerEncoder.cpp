#include "media/StickerEncoder.h"

#include <cstring>

#include <QBuffer>
#include <QImageWriter>
#include <QPainter>

#include "media/ImageDecoder.h"
#include "media/MediaSupport.h"
#include "media/WebpEncoder.h"

namespace tandem::media {
namespace {

using detail::fail;
using detail::Reason;

constexpr QSize kStickerSize(kStickerSide, kStickerSide);
constexpr int kThumbnailQuality = 80;
constexpr int kLowestQuality = kStickerQualities.back();

// The image scaled (up or down) to fit the sticker, centred on a transparent 512x512 canvas.
// The scaled image is copied row by row: no blending, so its pixels arrive exactly.
QImage stickerCanvas(const QImage& image) {
    const QSize fitted =
        image.size().scaled(kStickerSize, Qt::KeepAspectRatio).expandedTo(QSize(1, 1));
    QImage scaled = image.size() == fitted
                        ? image
                        : image.scaled(fitted, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    scaled.convertTo(QImage::Format_RGBA8888);
    QImage canvas(kStickerSize, QImage::Format_RGBA8888);
    if (scaled.isNull() || canvas.isNull()) {
        return {};
    }
    canvas.fill(Qt::transparent);
    const int left = (kStickerSide - fitted.width()) / 2;
    const int top = (kStickerSide - fitted.height()) / 2;
    const auto rowBytes = static_cast<std::size_t>(fitted.width()) * 4;
    for (int y = 0; y < fitted.height(); ++y) {
        std::memcpy(canvas.scanLine(top + y) + static_cast<std::ptrdiff_t>(left) * 4,
                    scaled.constScanLine(y), rowBytes);
    }
    return canvas;
}

// Every other frame, each kept frame showing for its own time and that of the one dropped
// after it, so the animation's length and pace stay the same at half the frame rate.
std::vector<Frame> everyOtherFrame(const std::vector<Frame>& frames) {
    std::vector<Frame> kept;
    kept.reserve(frames.size() / 2 + 1);
    for (std::size_t i = 0; i < frames.size(); i += 2) {
        Frame frame = frames[i];
        if (i + 1 < frames.size()) {
            frame.durationMs += frames[i + 1].durationMs;
        }
        kept.push_back(std::move(frame));
    }
    return kept;
}

// Tries kStickerQualities in turn; a file more than twice too large skips a step (each
// attempt is a full encode, and an animation's costs seconds).
template <class Encode>
Expected<EncodedSticker, MediaError> firstThatFits(Encode encode, int frames, qsizetype* lastSize) {
    for (std::size_t i = 0; i < kStickerQualities.size(); ++i) {
        const int quality = kStickerQualities[i];
        TANDEM_TRY_ASSIGN(QByteArray webp, encode(quality));
        *lastSize = webp.size();
        if (webp.size() < kMaxStickerBytes) {
            return EncodedSticker{std::move(webp), kStickerSize, frames, quality};
        }
        const bool farOver = webp.size() > 2 * kMaxStickerBytes;
        if (farOver && i + 2 < kStickerQualities.size()) {
            ++i;
        }
    }
    return fail(Reason::DoesNotFit);
}

Expected<EncodedSticker, MediaError> encodeStill(const QImage& canvas) {
    qsizetype lastSize = 0;
    return firstThatFits([&](int quality) { return detail::encodeWebp(canvas, quality); }, 1,
                         &lastSize);
}

Expected<EncodedSticker, MediaError> encodeAnimation(std::vector<Frame> frames) {
    qsizetype lastSize = 0;
    auto result =
        firstThatFits([&](int quality) { return detail::encodeAnimatedWebp(frames, quality); },
                      static_cast<int>(frames.size()), &lastSize);
    // The last resort: half the frame rate at the lowest quality, again while it is too large
    // and at least two frames would remain. At most log2(kMaxFrames) rounds.
    while (!result && result.error().code == MediaError::Code::EncodeFailed &&
           lastSize >= kMaxStickerBytes && frames.size() >= 4) {
        frames = everyOtherFrame(frames);
        TANDEM_TRY_ASSIGN(QByteArray webp, detail::encodeAnimatedWebp(frames, kLowestQuality));
        lastSize = webp.size();
        qCDebug(lcMedia) << "animation at" << frames.size() << "frames:" << lastSize << "bytes";
        if (webp.size() < kMaxStickerBytes) {
            return EncodedSticker{std::move(webp), kStickerSize, static_cast<int>(frames.size()),
                                  kLowestQuality};
        }
    }
    return result;
}

}  // namespace

Expected<EncodedSticker, MediaError> encodeSticker(const DecodedImage& image) {
    if (image.frames.empty() || image.frames.size() > static_cast<std::size_t>(kMaxFrames)) {
        return fail(image.frames.empty() ? Reason::NoFrames : Reason::TooManyFrames);
    }
    std::vector<Frame> canvases;
    canvases.reserve(image.frames.size());
    for (const Frame& frame : image.frames) {
        if (frame.image.isNull()) {
            return fail(Reason::NoFrames);
        }
        QImage canvas = stickerCanvas(frame.image);
        if (canvas.isNull()) {
            return fail(Reason::EncoderFailed);
        }
        canvases.push_back(
            Frame{std::move(canvas), detail::normalizedDurationMs(frame.durationMs)});
    }
    if (canvases.size() == 1) {
        return encodeStill(canvases.front().image);
    }
    return encodeAnimation(std::move(canvases));
}

Expected<EncodedSticker, MediaError> stickerFromBytes(const QByteArray& bytes) {
    TANDEM_TRY_ASSIGN(const DecodedImage decoded, decodeImage(bytes));
    return encodeSticker(decoded);
}

Expected<QSize, MediaError> validateStickerWebp(const QByteArray& bytes) {
    if (sniffFormat(bytes) != ImageFormat::Webp) {
        return fail(Reason::NotAnImage);
    }
    if (bytes.size() >= kMaxStickerBytes) {
        return fail(Reason::StickerTooLarge);
    }
    // Decoding it all is the only proof that it can be shown; a sticker is small enough.
    TANDEM_TRY_ASSIGN(const DecodedImage decoded, decodeImage(bytes));
    if (decoded.size != kStickerSize) {
        return fail(Reason::WrongStickerSize);
    }
    return decoded.size;
}

Expected<QByteArray, MediaError> thumbnailJpeg(const QByteArray& bytes, int maxSide) {
    if (maxSide < 1) {
        return fail(Reason::BadThumbnailSize);
    }
    TANDEM_TRY_ASSIGN(const DecodedImage decoded, detail::decodeFrames(bytes, 1));
    QImage image = decoded.frames.front().image;
    if (image.width() > maxSide || image.height() > maxSide) {
        image = image.scaled(maxSide, maxSide, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    }
    // JPEG has no alpha: transparency becomes white, as a viewer on a light page shows it.
    QImage flat(image.size(), QImage::Format_RGB32);
    if (flat.isNull()) {
        return fail(Reason::EncoderFailed);
    }
    flat.fill(Qt::white);
    {
        QPainter painter(&flat);
        painter.drawImage(0, 0, image);
    }
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QImageWriter writer(&buffer, "jpeg");
    writer.setQuality(kThumbnailQuality);
    if (!writer.write(flat)) {
        qCWarning(lcMedia) << "JPEG thumbnail failed:" << writer.errorString();
        return fail(Reason::EncoderFailed);
    }
    return buffer.data();
}

}  // namespace tandem::media
