#include "media/WebpDecoder.h"

#include <algorithm>
#include <memory>
#include <webp/decode.h>
#include <webp/demux.h>

#include "media/MediaSupport.h"

namespace tandem::media::detail {
namespace {

struct DemuxDeleter {
    void operator()(WebPDemuxer* d) const { WebPDemuxDelete(d); }
};
struct AnimDecoderDeleter {
    void operator()(WebPAnimDecoder* d) const { WebPAnimDecoderDelete(d); }
};

WebPData webpData(const QByteArray& bytes) {
    return WebPData{bytesOf(bytes), sizeOf(bytes)};
}

Expected<DecodedImage, MediaError> decodeStatic(const QByteArray& bytes, QSize size) {
    QImage image(size, QImage::Format_RGBA8888);
    if (image.isNull()) {
        return fail(Reason::TooManyPixels);
    }
    if (WebPDecodeRGBAInto(bytesOf(bytes), sizeOf(bytes), image.bits(),
                           static_cast<std::size_t>(image.sizeInBytes()),
                           static_cast<int>(image.bytesPerLine())) == nullptr) {
        return fail(Reason::Corrupt);
    }
    DecodedImage decoded{ImageFormat::Webp, size, {}};
    decoded.frames.push_back(Frame{std::move(image), 0});
    return decoded;
}

Expected<DecodedImage, MediaError> decodeAnimated(const QByteArray& bytes, QSize canvas,
                                                  int framesWanted) {
    WebPAnimDecoderOptions options;
    if (!WebPAnimDecoderOptionsInit(&options)) {
        return fail(Reason::Corrupt);
    }
    options.color_mode = MODE_RGBA;  // not premultiplied, like our frames
    options.use_threads = 0;
    const WebPData data = webpData(bytes);
    const std::unique_ptr<WebPAnimDecoder, AnimDecoderDeleter> decoder(
        WebPAnimDecoderNew(&data, &options));
    if (!decoder) {
        return fail(Reason::Corrupt);
    }
    DecodedImage decoded{ImageFormat::Webp, canvas, {}};
    const qint64 framePixels = qint64{canvas.width()} * canvas.height();
    qint64 totalPixels = 0;
    int previousMs = 0;
    // Bounded by framesWanted, itself at most the header's frame count (<= kMaxFrames).
    for (int i = 0; i < framesWanted && WebPAnimDecoderHasMoreFrames(decoder.get()); ++i) {
        totalPixels += framePixels;
        if (totalPixels > kMaxTotalFramePixels) {
            return fail(Reason::AnimationTooLarge);
        }
        std::uint8_t* pixels = nullptr;
        int timestampMs = 0;
        if (!WebPAnimDecoderGetNext(decoder.get(), &pixels, &timestampMs) || pixels == nullptr) {
            return fail(Reason::Corrupt);
        }
        // The decoder owns `pixels` until the next call: copy.
        QImage frame = QImage(pixels, canvas.width(), canvas.height(), canvas.width() * 4,
                              QImage::Format_RGBA8888)
                           .copy();
        if (frame.isNull()) {
            return fail(Reason::TooManyPixels);
        }
        decoded.frames.push_back(
            Frame{std::move(frame), normalizedDurationMs(timestampMs - previousMs)});
        previousMs = timestampMs;
    }
    if (decoded.frames.empty()) {
        return fail(Reason::Corrupt);
    }
    return decoded;
}

}  // namespace

Expected<WebpHeader, MediaError> readWebpHeader(const QByteArray& bytes) {
    WebPBitstreamFeatures features;
    if (WebPGetFeatures(bytesOf(bytes), sizeOf(bytes), &features) != VP8_STATUS_OK ||
        features.width <= 0 || features.height <= 0) {
        return fail(Reason::Corrupt);
    }
    WebpHeader header{QSize(features.width, features.height), 1, features.has_animation != 0};
    if (header.animated) {
        // WebPDemux (not WebPDemuxPartial) refuses a file whose chunks are cut short.
        const WebPData data = webpData(bytes);
        const std::unique_ptr<WebPDemuxer, DemuxDeleter> demux(WebPDemux(&data));
        if (!demux) {
            return fail(Reason::Corrupt);
        }
        const auto width = WebPDemuxGetI(demux.get(), WEBP_FF_CANVAS_WIDTH);
        const auto height = WebPDemuxGetI(demux.get(), WEBP_FF_CANVAS_HEIGHT);
        const auto frames = WebPDemuxGetI(demux.get(), WEBP_FF_FRAME_COUNT);
        if (width == 0 || height == 0 || frames == 0) {
            return fail(Reason::Corrupt);
        }
        // Both fit in 24 bits (the format's fields), the count in far less than an int.
        header.canvas = QSize(static_cast<int>(width), static_cast<int>(height));
        header.frames = frames > static_cast<std::uint32_t>(kMaxFrames) + 1
                            ? kMaxFrames + 1
                            : static_cast<int>(frames);
    }
    return header;
}

Expected<DecodedImage, MediaError> decodeWebp(const QByteArray& bytes, int framesWanted) {
    TANDEM_TRY_ASSIGN(const WebpHeader header, readWebpHeader(bytes));
    if (qint64{header.canvas.width()} * header.canvas.height() > kMaxSourcePixels) {
        return fail(Reason::TooManyPixels);
    }
    // A caller that wants a few frames (a thumbnail) does not pay for the rest of them.
    if (header.frames > kMaxFrames && framesWanted > kMaxFrames) {
        return fail(Reason::TooManyFrames);
    }
    if (!header.animated) {
        return decodeStatic(bytes, header.canvas);
    }
    return decodeAnimated(bytes, header.canvas, std::min(framesWanted, header.frames));
}

}  // namespace tandem::media::detail
