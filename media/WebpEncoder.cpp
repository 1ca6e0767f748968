#include "media/WebpEncoder.h"

#include <memory>
#include <webp/encode.h>
#include <webp/mux.h>

#include "media/MediaSupport.h"

namespace tandem::media::detail {
namespace {

// Lossy with an alpha plane: photos and drawings both fit 512x512 under 300 KiB at high
// quality, which lossless cannot promise. method 4 is cwebp's default speed/size trade. At the
// first quality the alpha plane is lossless (cwebp's default); below it, alpha is quantised
// along with colour, or a noisy alpha plane alone could keep the file over the limit.
bool stickerConfig(WebPConfig& config, int quality) {
    if (!WebPConfigInit(&config)) {
        return false;
    }
    config.lossless = 0;
    config.quality = static_cast<float>(quality);
    config.method = 4;
    config.alpha_compression = 1;
    config.alpha_quality = quality >= kStickerQualities.front() ? 100 : quality;
    return WebPValidateConfig(&config) != 0;
}

// A WebPPicture viewing `image` as RGBA (libwebp copies it into its own ARGB buffer).
class Picture {
public:
    Picture() = default;
    Picture(const Picture&) = delete;
    Picture& operator=(const Picture&) = delete;
    ~Picture() { WebPPictureFree(&picture_); }

    bool import(const QImage& image) {
        if (!WebPPictureInit(&picture_) || image.format() != QImage::Format_RGBA8888) {
            return false;
        }
        picture_.use_argb = 1;
        picture_.width = image.width();
        picture_.height = image.height();
        return WebPPictureImportRGBA(&picture_, image.constBits(),
                                     static_cast<int>(image.bytesPerLine())) != 0;
    }
    WebPPicture* get() { return &picture_; }

private:
    WebPPicture picture_{};
};

struct AnimEncoderDeleter {
    void operator()(WebPAnimEncoder* e) const { WebPAnimEncoderDelete(e); }
};

}  // namespace

Expected<QByteArray, MediaError> encodeWebp(const QImage& canvas, int quality) {
    WebPConfig config;
    Picture picture;
    if (!stickerConfig(config, quality) || !picture.import(canvas)) {
        return fail(Reason::EncoderFailed);
    }
    WebPMemoryWriter writer;
    WebPMemoryWriterInit(&writer);
    picture.get()->writer = WebPMemoryWrite;
    picture.get()->custom_ptr = &writer;
    const bool ok = WebPEncode(&config, picture.get()) != 0;
    QByteArray out;
    if (ok) {
        out = QByteArray(reinterpret_cast<const char*>(writer.mem),  // NOLINT: byte view
                         static_cast<qsizetype>(writer.size));
    } else {
        qCWarning(lcMedia) << "WebPEncode failed with error" << picture.get()->error_code;
    }
    WebPMemoryWriterClear(&writer);
    if (!ok) {
        return fail(Reason::EncoderFailed);
    }
    return out;
}

Expected<QByteArray, MediaError> encodeAnimatedWebp(const std::vector<Frame>& frames, int quality) {
    WebPConfig config;
    WebPAnimEncoderOptions options;
    if (frames.empty() || !stickerConfig(config, quality) ||
        !WebPAnimEncoderOptionsInit(&options)) {
        return fail(Reason::EncoderFailed);
    }
    options.anim_params.loop_count = 0;  // forever
    options.anim_params.bgcolor = 0;     // transparent
    const QSize size = frames.front().image.size();
    const std::unique_ptr<WebPAnimEncoder, AnimEncoderDeleter> encoder(
        WebPAnimEncoderNew(size.width(), size.height(), &options));
    if (!encoder) {
        return fail(Reason::EncoderFailed);
    }
    // Durations are at most kMaxFrameDurationMs and frames at most kMaxFrames (merged frames
    // add theirs up), so the timestamp stays far below INT_MAX.
    int timestampMs = 0;
    for (const Frame& frame : frames) {
        Picture picture;
        if (frame.image.size() != size || !picture.import(frame.image) ||
            !WebPAnimEncoderAdd(encoder.get(), picture.get(), timestampMs, &config)) {
            qCWarning(lcMedia) << "WebPAnimEncoderAdd failed:"
                               << WebPAnimEncoderGetError(encoder.get());
            return fail(Reason::EncoderFailed);
        }
        timestampMs += frame.durationMs;
    }
    WebPData data;
    WebPDataInit(&data);
    if (!WebPAnimEncoderAdd(encoder.get(), nullptr, timestampMs, nullptr) ||
        !WebPAnimEncoderAssemble(encoder.get(), &data)) {
        qCWarning(lcMedia) << "WebPAnimEncoderAssemble failed:"
                           << WebPAnimEncoderGetError(encoder.get());
        WebPDataClear(&data);
        return fail(Reason::EncoderFailed);
    }
    QByteArray out(reinterpret_cast<const char*>(data.bytes),  // NOLINT: byte view
                   static_cast<qsizetype>(data.size));
    WebPDataClear(&data);
    return out;
}

}  // namespace tandem::media::detail
