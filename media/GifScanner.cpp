#include "media/GifScanner.h"

#include "media/MediaSupport.h"

namespace tandem::media::detail {
namespace {

// Reads forward through the bytes; every read is checked against the end.
class Cursor {
public:
    explicit Cursor(const QByteArray& bytes) : bytes_(bytes) {}

    bool skip(qsizetype n) {
        if (n < 0 || bytes_.size() - at_ < n) {
            return false;
        }
        at_ += n;
        return true;
    }
    bool byte(int* out) {
        if (at_ >= bytes_.size()) {
            return false;
        }
        *out = static_cast<quint8>(bytes_[at_++]);
        return true;
    }
    bool le16(int* out) {
        int lo = 0;
        int hi = 0;
        if (!byte(&lo) || !byte(&hi)) {
            return false;
        }
        *out = lo | (hi << 8);
        return true;
    }
    // A chain of data sub-blocks up to its zero-length terminator.
    bool skipSubBlocks() {
        for (int length = 0; byte(&length) && length >= 0;) {
            if (length == 0) {
                return true;
            }
            if (!skip(length)) {
                return false;
            }
        }
        return false;
    }

private:
    const QByteArray& bytes_;
    qsizetype at_ = 0;
};

qsizetype colourTableBytes(int packed) {
    return (packed & 0x80) != 0 ? qsizetype{3} << ((packed & 0x07) + 1) : 0;
}

}  // namespace

Expected<GifLayout, MediaError> scanGif(const QByteArray& bytes) {
    Cursor in(bytes);
    GifLayout layout;
    int width = 0;
    int height = 0;
    int packed = 0;
    if (!in.skip(6) || !in.le16(&width) || !in.le16(&height) || !in.byte(&packed) || !in.skip(2) ||
        !in.skip(colourTableBytes(packed))) {
        return fail(Reason::Corrupt);
    }
    layout.screen = QSize(width, height);
    if (qint64{width} * height > kMaxSourcePixels) {
        return fail(Reason::TooManyPixels);
    }
    // Each round consumes at least one byte: bounded by the file size.
    for (int introducer = 0; in.byte(&introducer);) {
        switch (introducer) {
            case 0x3b:  // trailer
                if (layout.frames == 0 || layout.screen.isEmpty()) {
                    return fail(Reason::Corrupt);
                }
                return layout;
            case 0x21:  // extension: a label, then sub-blocks
                if (!in.skip(1) || !in.skipSubBlocks()) {
                    return fail(Reason::Corrupt);
                }
                break;
            case 0x2c: {  // image: position and size, colour table, LZW code size, data
                int left = 0;
                int top = 0;
                int w = 0;
                int h = 0;
                if (!in.le16(&left) || !in.le16(&top) || !in.le16(&w) || !in.le16(&h) ||
                    !in.byte(&packed) || !in.skip(colourTableBytes(packed)) || !in.skip(1) ||
                    !in.skipSubBlocks()) {
                    return fail(Reason::Corrupt);
                }
                if (qint64{w} * h > kMaxSourcePixels) {
                    return fail(Reason::TooManyPixels);
                }
                ++layout.frames;  // at most size / 12: no overflow
                break;
            }
            default:
                return fail(Reason::Corrupt);
        }
    }
    return fail(Reason::Corrupt);  // no trailer: cut short
}

}  // namespace tandem::media::detail
