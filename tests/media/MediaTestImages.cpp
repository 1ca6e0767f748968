#include "tests/media/MediaTestImages.h"

#include <webp/encode.h>
#include <webp/mux.h>

#include <QBuffer>
#include <QImageWriter>
#include <QLinearGradient>
#include <QPainter>
#include <QRandomGenerator>

namespace tandem::media::test {
namespace {

QByteArray write(const QImage& image, const char* format, int quality) {
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QImageWriter writer(&buffer, format);
    writer.setQuality(quality);
    if (!writer.write(image)) {
        qFatal("cannot write %s: %s", format, qPrintable(writer.errorString()));
    }
    return buffer.data();
}

void appendBe32(QByteArray& out, quint32 v) {
    for (int shift = 24; shift >= 0; shift -= 8) {
        out.append(static_cast<char>((v >> shift) & 0xff));
    }
}

void appendLe16(QByteArray& out, int v) {
    out.append(static_cast<char>(v & 0xff));
    out.append(static_cast<char>((v >> 8) & 0xff));
}

quint32 crc32(const QByteArray& bytes) {
    quint32 crc = 0xffffffffU;
    for (const char c : bytes) {
        crc ^= static_cast<quint8>(c);
        for (int k = 0; k < 8; ++k) {
            crc = (crc & 1U) != 0 ? (crc >> 1) ^ 0xedb88320U : crc >> 1;
        }
    }
    return crc ^ 0xffffffffU;
}

void appendPngChunk(QByteArray& out, const char* type, const QByteArray& data) {
    appendBe32(out, static_cast<quint32>(data.size()));
    const QByteArray typed = QByteArray(type, 4) + data;
    out.append(typed);
    appendBe32(out, crc32(typed));
}

// GIF's variable-width LZW, kept at 3-bit codes by a clear code before every pixel: large,
// but any decoder reads it and no table is ever built.
QByteArray gifPixels(const QImage& frame) {
    constexpr int kClear = 4;
    constexpr int kEnd = 5;
    QByteArray packed;
    quint32 bits = 0;
    int count = 0;
    const auto put = [&](int code) {
        bits |= static_cast<quint32>(code) << count;
        count += 3;
        while (count >= 8) {
            packed.append(static_cast<char>(bits & 0xff));
            bits >>= 8;
            count -= 8;
        }
    };
    const QImage rgb = frame.convertToFormat(QImage::Format_RGB32);
    for (int y = 0; y < rgb.height(); ++y) {
        for (int x = 0; x < rgb.width(); ++x) {
            const QRgb p = rgb.pixel(x, y);
            put(kClear);
            put((qRed(p) > 127 ? 1 : 0) + (qGreen(p) > 127 ? 2 : 0));
        }
    }
    put(kEnd);
    if (count > 0) {
        packed.append(static_cast<char>(bits & 0xff));
    }
    QByteArray blocks;
    blocks.append('\x02');  // minimum code size
    for (qsizetype at = 0; at < packed.size(); at += 255) {
        const QByteArray block = packed.mid(at, 255);
        blocks.append(static_cast<char>(block.size()));
        blocks.append(block);
    }
    blocks.append('\0');
    return blocks;
}

}  // namespace

QImage drawing(QSize size, int variant) {
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    QLinearGradient gradient(0, 0, size.width(), size.height());
    gradient.setColorAt(0, QColor::fromHsv((variant * 70) % 360, 200, 240));
    gradient.setColorAt(1, QColor::fromHsv((variant * 70 + 150) % 360, 180, 120));
    p.fillRect(image.rect(), gradient);
    const int w = size.width();
    const int h = size.height();
    p.setBrush(QColor::fromHsv((variant * 40 + 200) % 360, 255, 255));
    p.setPen(QPen(Qt::black, qMax(1, w / 100)));
    p.drawEllipse(QRect(w / 8 + variant * w / 16, h / 6, w / 2, h / 2));
    p.setBrush(QColor(20, 20, 20, 160));
    p.drawRect(QRect(w / 2, h / 2 - variant * h / 20, w / 3, h / 3));
    p.setCompositionMode(QPainter::CompositionMode_Clear);
    p.fillRect(QRect(0, 0, w / 6, h / 6), Qt::transparent);
    p.end();
    return image.convertToFormat(QImage::Format_RGBA8888);
}

QImage noisyPhoto(QSize size, int amplitude) {
    QImage image(size, QImage::Format_RGB32);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    QLinearGradient sky(0, 0, 0, size.height());
    sky.setColorAt(0, QColor(90, 140, 220));
    sky.setColorAt(0.6, QColor(230, 200, 170));
    sky.setColorAt(1, QColor(60, 90, 40));
    p.fillRect(image.rect(), sky);
    for (int i = 0; i < 12; ++i) {
        p.setBrush(QColor::fromHsv(i * 30, 120, 90 + i * 12));
        p.setPen(Qt::NoPen);
        p.drawEllipse(QPointF(size.width() * (i + 1) / 13.0, size.height() * (0.4 + i % 3 * 0.2)),
                      size.width() / 14.0, size.height() / 9.0);
    }
    p.end();
    QRandomGenerator random(7);
    for (int y = 0; y < size.height(); ++y) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(y));  // NOLINT: pixel row
        for (int x = 0; x < size.width(); ++x) {
            const int d = random.bounded(amplitude + 1) - amplitude / 2;
            const QRgb c = line[x];
            line[x] = qRgb(qBound(0, qRed(c) + d, 255), qBound(0, qGreen(c) + d, 255),
                           qBound(0, qBlue(c) + d, 255));
        }
    }
    return image;
}

QImage noise(QSize size, int amplitude, quint32 seed, bool noisyAlpha) {
    QImage image(size, QImage::Format_RGBA8888);
    QRandomGenerator random(seed);
    for (int y = 0; y < size.height(); ++y) {
        uchar* line = image.scanLine(y);
        for (int x = 0; x < size.width() * 4; ++x) {
            if (x % 4 == 3) {
                line[x] = noisyAlpha ? static_cast<uchar>(1 + random.bounded(255)) : 255;
            } else {
                line[x] = static_cast<uchar>(128 - amplitude / 2 + random.bounded(amplitude + 1));
            }
        }
    }
    return image;
}

QByteArray encodePng(const QImage& image, int quality) {
    return write(image, "png", quality);
}

QByteArray encodeJpeg(const QImage& image, int quality) {
    return write(image.convertToFormat(QImage::Format_RGB32), "jpeg", quality);
}

QByteArray encodeWebpStill(const QImage& image, bool lossless) {
    const QImage rgba = image.convertToFormat(QImage::Format_RGBA8888);
    std::uint8_t* out = nullptr;
    const int stride = static_cast<int>(rgba.bytesPerLine());
    const std::size_t size =
        lossless
            ? WebPEncodeLosslessRGBA(rgba.constBits(), rgba.width(), rgba.height(), stride, &out)
            : WebPEncodeRGBA(rgba.constBits(), rgba.width(), rgba.height(), stride, 90, &out);
    QByteArray bytes(reinterpret_cast<const char*>(out), static_cast<qsizetype>(size));  // NOLINT
    WebPFree(out);
    return bytes;
}

QByteArray animatedWebp(const std::vector<QImage>& frames, const std::vector<int>& durationsMs) {
    const QSize size = frames.front().size();
    WebPAnimEncoderOptions options;
    WebPAnimEncoderOptionsInit(&options);
    WebPAnimEncoder* encoder = WebPAnimEncoderNew(size.width(), size.height(), &options);
    WebPConfig config;
    WebPConfigInit(&config);
    config.quality = 90;
    int timestamp = 0;
    for (std::size_t i = 0; i < frames.size(); ++i) {
        const QImage rgba = frames[i].convertToFormat(QImage::Format_RGBA8888);
        WebPPicture picture;
        WebPPictureInit(&picture);
        picture.use_argb = 1;
        picture.width = size.width();
        picture.height = size.height();
        WebPPictureImportRGBA(&picture, rgba.constBits(), static_cast<int>(rgba.bytesPerLine()));
        if (!WebPAnimEncoderAdd(encoder, &picture, timestamp, &config)) {
            qFatal("WebPAnimEncoderAdd: %s", WebPAnimEncoderGetError(encoder));
        }
        WebPPictureFree(&picture);
        timestamp += durationsMs[i];
    }
    WebPAnimEncoderAdd(encoder, nullptr, timestamp, nullptr);
    WebPData data;
    WebPDataInit(&data);
    WebPAnimEncoderAssemble(encoder, &data);
    QByteArray bytes(reinterpret_cast<const char*>(data.bytes),  // NOLINT: byte view
                     static_cast<qsizetype>(data.size));
    WebPDataClear(&data);
    WebPAnimEncoderDelete(encoder);
    return bytes;
}

QByteArray gif(QSize screen, const std::vector<std::pair<QImage, int>>& frames) {
    QByteArray out("GIF89a");
    appendLe16(out, screen.width());
    appendLe16(out, screen.height());
    out.append('\x91');  // a global colour table of 4 entries, 2 bits of colour resolution
    out.append('\0');    // background colour index
    out.append('\0');    // aspect ratio
    out.append(
        QByteArray("\x00\x00\x00"
                   "\xff\x00\x00"
                   "\x00\xff\x00"
                   "\xff\xff\x00",
                   12));
    // Loop forever (NETSCAPE2.0).
    out.append(QByteArray("\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00", 19));
    for (const auto& [image, delayCs] : frames) {
        out.append(QByteArray("\x21\xf9\x04\x04", 4));  // graphic control: keep the frame
        appendLe16(out, delayCs);
        out.append(QByteArray("\x00\x00", 2));
        out.append('\x2c');
        appendLe16(out, 0);
        appendLe16(out, 0);
        appendLe16(out, image.width());
        appendLe16(out, image.height());
        out.append('\0');  // no local colour table, not interlaced
        out.append(gifPixels(image));
    }
    out.append('\x3b');
    return out;
}

QByteArray pngWithHeader(quint32 width, quint32 height) {
    QByteArray out("\x89PNG\r\n\x1a\n", 8);
    QByteArray ihdr;
    appendBe32(ihdr, width);
    appendBe32(ihdr, height);
    ihdr.append(QByteArray("\x08\x06\x00\x00\x00", 5));  // 8-bit RGBA, not interlaced
    appendPngChunk(out, "IHDR", ihdr);
    appendPngChunk(out, "IDAT", qCompress(QByteArray(64, '\0')).mid(4));  // zlib stream
    appendPngChunk(out, "IEND", {});
    return out;
}

}  // namespace tandem::media::test
