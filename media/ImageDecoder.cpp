#include "media/ImageDecoder.h"

#include <algorithm>

#include <QBuffer>
#include <QImageReader>

#include "media/GifScanner.h"
#include "media/MediaSupport.h"
#include "media/WebpDecoder.h"

namespace tandem::media {
namespace detail {
namespace {

bool startsWith(const QByteArray& bytes, qsizetype at, const char* magic, qsizetype length) {
    return bytes.size() >= at + length && bytes.mid(at, length) == QByteArray(magic, length);
}

QByteArray qtFormatName(ImageFormat format) {
    switch (format) {
        case ImageFormat::Png:
            return "png";
        case ImageFormat::Jpeg:
            return "jpeg";
        case ImageFormat::Gif:
            return "gif";
        case ImageFormat::Webp:
        case ImageFormat::Unknown:
            break;
    }
    return {};
}

// PNG, JPEG and GIF through QImageReader, with the format forced (never guessed from content
// or a name), the size read from the header before any pixel, and a GIF's blocks walked
// first (GifScanner.h). A truncated JPEG is the exception to "truncated is Corrupt": libjpeg
// fills what is missing with grey and only warns, and a JPEG has no length to check.
Expected<DecodedImage, MediaError> decodeWithQt(const QByteArray& bytes, ImageFormat format,
                                                int framesWanted) {
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer, qtFormatName(format));
    reader.setDecideFormatFromContent(false);
    reader.setAllocationLimit(kAllocationLimitMiB);
    reader.setAutoTransform(true);  // a photo's EXIF orientation
    const QSize header = reader.size();
    if (!header.isValid() || header.isEmpty()) {
        qCDebug(lcMedia) << "no size in the header of a" << qtFormatName(format) << "file";
        return fail(Reason::Corrupt);
    }
    if (qint64{header.width()} * header.height() > kMaxSourcePixels) {
        qCDebug(lcMedia) << "refused a" << header << "image before decoding it";
        return fail(Reason::TooManyPixels);
    }

    int frameCount = 1;
    if (format == ImageFormat::Gif) {
        TANDEM_TRY_ASSIGN(const GifLayout layout, scanGif(bytes));
        if (layout.frames > kMaxFrames && framesWanted > kMaxFrames) {
            return fail(Reason::TooManyFrames);
        }
        frameCount = std::min(layout.frames, framesWanted);
    }

    DecodedImage decoded{format, {}, {}};
    qint64 totalPixels = 0;
    for (int i = 0; i < frameCount; ++i) {  // at most kMaxFrames
        QImage image;
        if (!reader.read(&image) || image.isNull()) {
            qCDebug(lcMedia) << "frame" << i << "did not decode:" << reader.errorString();
            return fail(Reason::Corrupt);
        }
        const qint64 pixels = qint64{image.width()} * image.height();
        totalPixels += pixels;
        if (pixels > kMaxSourcePixels || totalPixels > kMaxTotalFramePixels) {
            return fail(pixels > kMaxSourcePixels ? Reason::TooManyPixels
                                                  : Reason::AnimationTooLarge);
        }
        // Qt composites a GIF's frames onto its logical screen, so they share a size.
        if (i > 0 && image.size() != decoded.size) {
            return fail(Reason::Corrupt);
        }
        decoded.size = image.size();
        // nextImageDelay() is the delay of the frame just read (its graphic control block).
        const int delay =
            format == ImageFormat::Gif ? normalizedDurationMs(reader.nextImageDelay()) : 0;
        decoded.frames.push_back(Frame{image.convertToFormat(QImage::Format_RGBA8888), delay});
    }
    if (decoded.frames.size() == 1) {
        decoded.frames.front().durationMs = 0;  // a still image
    }
    return decoded;
}

}  // namespace

Expected<DecodedImage, MediaError> decodeFrames(const QByteArray& bytes, int framesWanted) {
    if (bytes.size() > kMaxSourceBytes) {
        return fail(Reason::FileTooLarge);
    }
    const ImageFormat format = sniffFormat(bytes);
    switch (format) {
        case ImageFormat::Unknown:
            return fail(Reason::NotAnImage);
        case ImageFormat::Webp:
            return decodeWebp(bytes, framesWanted);
        case ImageFormat::Png:
        case ImageFormat::Jpeg:
        case ImageFormat::Gif:
            break;
    }
    return decodeWithQt(bytes, format, framesWanted);
}

}  // namespace detail

ImageFormat sniffFormat(const QByteArray& bytes) {
    using detail::startsWith;
    if (startsWith(bytes, 0, "\x89PNG\r\n\x1a\n", 8)) {
        return ImageFormat::Png;
    }
    if (startsWith(bytes, 0, "\xff\xd8\xff", 3)) {
        return ImageFormat::Jpeg;
    }
    if (startsWith(bytes, 0, "GIF87a", 6) || startsWith(bytes, 0, "GIF89a", 6)) {
        return ImageFormat::Gif;
    }
    if (startsWith(bytes, 0, "RIFF", 4) && startsWith(bytes, 8, "WEBP", 4)) {
        return ImageFormat::Webp;
    }
    return ImageFormat::Unknown;
}

Expected<DecodedImage, MediaError> decodeImage(const QByteArray& bytes) {
    return detail::decodeFrames(bytes, detail::kAllFrames);
}

}  // namespace tandem::media
