#include "media/MediaSupport.h"

#include <algorithm>

#include <QCoreApplication>

Q_LOGGING_CATEGORY(lcMedia, "tandem.media", QtWarningMsg)

namespace tandem::media::detail {

MediaError error(Reason reason) {
    using Code = MediaError::Code;
    const auto make = [](Code code, const char* sentence) {
        return MediaError{code, QCoreApplication::translate("tandem::media", sentence)};
    };
    switch (reason) {
        case Reason::NotAnImage:
            return make(Code::NotAnImage, "This file is not a PNG, JPEG, GIF or WebP image.");
        case Reason::FileTooLarge:
            return make(Code::TooLarge, "This file is larger than 32 MiB.");
        case Reason::TooManyPixels:
            return make(Code::TooLarge, "This image has more than 50 million pixels.");
        case Reason::TooManyFrames:
            return make(Code::TooLarge, "This animation has more than 300 frames.");
        case Reason::AnimationTooLarge:
            return make(Code::TooLarge, "This animation has too many pixels in all its frames.");
        case Reason::Corrupt:
            return make(Code::Corrupt, "This image is damaged or incomplete.");
        case Reason::WrongStickerSize:
            return make(Code::Unsupported, "This sticker is not 512 by 512 pixels.");
        case Reason::StickerTooLarge:
            return make(Code::TooLarge, "This sticker is larger than 300 KiB.");
        case Reason::DoesNotFit:
            return make(Code::EncodeFailed,
                        "This image cannot be made into a sticker smaller than 300 KiB.");
        case Reason::EncoderFailed:
            return make(Code::EncodeFailed, "This image could not be converted.");
        case Reason::NoFrames:
            return make(Code::EncodeFailed, "There is no picture to make a sticker of.");
        case Reason::BadThumbnailSize:
            return make(Code::EncodeFailed, "A thumbnail must be at least one pixel wide.");
    }
    return make(Code::Corrupt, "This image is damaged or incomplete.");
}

int normalizedDurationMs(int ms) {
    if (ms <= 10) {
        return 100;
    }
    return std::min(ms, kMaxFrameDurationMs);
}

}  // namespace tandem::media::detail
