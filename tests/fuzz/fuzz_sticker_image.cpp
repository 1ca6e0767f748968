// libFuzzer target: untrusted images into stickers (media/StickerEncoder.h). Every decode that
// succeeds must keep the documented shape; small ones are encoded, and what we encode must
// pass our own check for received stickers. Large decodes skip the encode to keep runs fast.
// libwebp, libpng and Qt come from Debian uninstrumented: coverage guides through our code.
#include <cstdint>
#include <cstdlib>

#include <QByteArray>
#include <QtGlobal>

#include "media/StickerEncoder.h"

using namespace tandem::media;

namespace {

void quiet(QtMsgType, const QMessageLogContext&, const QString&) {}  // libpng's warnings

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const bool ready = (qInstallMessageHandler(quiet), true);
    (void)ready;
    const QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char*>(data),  // NOLINT
                                                     static_cast<qsizetype>(size));
    (void)validateStickerWebp(bytes);
    const auto decoded = decodeImage(bytes);
    if (!decoded) {
        return 0;
    }
    if (decoded->frames.empty() || decoded->frames.size() > std::size_t{kMaxFrames} ||
        decoded->format != sniffFormat(bytes) ||
        qint64{decoded->size.width()} * decoded->size.height() > kMaxSourcePixels) {
        std::abort();
    }
    for (const Frame& frame : decoded->frames) {
        if (frame.image.size() != decoded->size ||
            frame.image.format() != QImage::Format_RGBA8888) {
            std::abort();
        }
    }
    if (decoded->size.width() > 256 || decoded->size.height() > 256 || decoded->frames.size() > 4) {
        return 0;
    }
    (void)thumbnailJpeg(bytes, 64);
    const auto sticker = encodeSticker(*decoded);
    if (sticker) {
        const auto checked = validateStickerWebp(sticker->webp);
        if (!checked || *checked != QSize(kStickerSide, kStickerSide) ||
            sticker->webp.size() >= kMaxStickerBytes) {
            std::abort();
        }
    }
    return 0;
}
