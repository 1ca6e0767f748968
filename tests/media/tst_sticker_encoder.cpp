// Stickers from untrusted images (media/StickerEncoder.h): every input format becomes a
// 512x512 WebP under 300 KiB, animations stay animated with their timing, the aspect ratio is
// kept on a transparent canvas, and hostile input (not an image, truncated, a decompression
// bomb, too many frames) is refused with the right code, quickly. Inputs are made in code.
#include <cstring>
#include <webp/encode.h>
#include <webp/mux.h>

#include <QBuffer>
#include <QElapsedTimer>
#include <QImageWriter>
#include <QPainter>
#include <QRandomGenerator>
#include <QTest>

#include "media/StickerEncoder.h"
#include "tests/media/MediaTestImages.h"

using namespace tandem::media;
using namespace tandem::media::test;
using Code = MediaError::Code;

Q_DECLARE_METATYPE(tandem::media::ImageFormat)

namespace {

template <class T>
Code codeOf(const tandem::Expected<T, MediaError>& result) {
    return result ? Code{-1} : result.error().code;  // NOLINT: an impossible value on success
}

std::vector<int> durationsOf(const DecodedImage& image) {
    std::vector<int> out;
    for (const Frame& f : image.frames) {
        out.push_back(f.durationMs);
    }
    return out;
}

// A 3-frame animation whose frames differ (an encoder merges identical frames).
std::vector<QImage> threeFrames(QSize size) {
    std::vector<QImage> frames;
    for (int i = 0; i < 3; ++i) {
        frames.push_back(drawing(size, i));
    }
    return frames;
}

}  // namespace

class StickerEncoderTest : public QObject {
    Q_OBJECT

private slots:
    void sniffsByMagicBytesOnly() {
        QCOMPARE(sniffFormat(encodePng(drawing({8, 8}))), ImageFormat::Png);
        QCOMPARE(sniffFormat(encodeJpeg(drawing({8, 8}))), ImageFormat::Jpeg);
        QCOMPARE(sniffFormat(encodeWebpStill(drawing({8, 8}))), ImageFormat::Webp);
        QCOMPARE(sniffFormat(gif({8, 8}, {{drawing({8, 8}), 10}})), ImageFormat::Gif);
        QCOMPARE(sniffFormat(QByteArray("RIFF\x10\0\0\0WAVEfmt ", 16)), ImageFormat::Unknown);
        QCOMPARE(sniffFormat(QByteArray("\x89PNG", 4)), ImageFormat::Unknown);
        QCOMPARE(sniffFormat({}), ImageFormat::Unknown);
    }

    void eachFormatBecomesASticker_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<ImageFormat>("format");
        const QImage source = drawing({900, 700}, 1);
        QTest::newRow("png") << encodePng(source) << ImageFormat::Png;
        QTest::newRow("jpeg") << encodeJpeg(source) << ImageFormat::Jpeg;
        QTest::newRow("webp") << encodeWebpStill(source) << ImageFormat::Webp;
        QTest::newRow("gif") << gif({300, 200}, {{drawing({300, 200}), 0}}) << ImageFormat::Gif;
        QTest::newRow("small png, scaled up") << encodePng(drawing({64, 48})) << ImageFormat::Png;
    }
    void eachFormatBecomesASticker() {
        QFETCH(QByteArray, bytes);
        QFETCH(ImageFormat, format);
        const auto decoded = decodeImage(bytes);
        QVERIFY2(decoded, qPrintable(decoded ? QString() : decoded.error().message));
        QCOMPARE(decoded->format, format);
        QVERIFY(!decoded->animated());
        QCOMPARE(decoded->frames.front().image.format(), QImage::Format_RGBA8888);

        const auto sticker = encodeSticker(*decoded);
        QVERIFY(sticker);
        QCOMPARE(sticker->size, QSize(kStickerSide, kStickerSide));
        QCOMPARE(sticker->frames, 1);
        QVERIFY(sticker->webp.size() < kMaxStickerBytes);
        QCOMPARE(sniffFormat(sticker->webp), ImageFormat::Webp);
        QCOMPARE(validateStickerWebp(sticker->webp).value(), QSize(512, 512));
        const auto back = decodeImage(sticker->webp);
        QVERIFY(back);
        QCOMPARE(back->size, QSize(512, 512));
        QVERIFY(!back->animated());
    }

    void noisyLargePhotoFits() {
        const QByteArray bytes = encodePng(noisyPhoto({4000, 3000}), 50);
        QVERIFY2(bytes.size() < kMaxSourceBytes, qPrintable(QString::number(bytes.size())));
        const auto sticker = stickerFromBytes(bytes);
        QVERIFY2(sticker, qPrintable(sticker ? QString() : sticker.error().message));
        QVERIFY(sticker->webp.size() < kMaxStickerBytes);
        QCOMPARE(validateStickerWebp(sticker->webp).value(), QSize(512, 512));
        qInfo("4000x3000 noisy photo: %lld bytes at quality %d",
              static_cast<long long>(sticker->webp.size()), sticker->quality);
    }

    void pureNoiseStepsQualityDown() {
        // 512x512 of independent random pixels and alpha is the worst case for a lossy codec.
        const auto sticker = stickerFromBytes(encodePng(noise({512, 512}, 255, 3, true)));
        QVERIFY(sticker);
        QVERIFY(sticker->webp.size() < kMaxStickerBytes);
        QVERIFY2(sticker->quality < kStickerQualities.front(),
                 qPrintable(QString::number(sticker->quality)));
    }

    void aspectRatioIsKeptAndCentred() {
        QImage wide(1000, 200, QImage::Format_RGBA8888);
        wide.fill(QColor(200, 30, 30));
        const auto sticker = stickerFromBytes(encodePng(wide));
        QVERIFY(sticker);
        const QImage out = decodeImage(sticker->webp).value().frames.front().image;
        QCOMPARE(out.size(), QSize(512, 512));
        // 1000x200 fits as 512x102, rows 205-306: count the opaque rows down the middle.
        int firstOpaque = -1;
        int opaqueRows = 0;
        for (int y = 0; y < 512; ++y) {
            if (qAlpha(out.pixel(256, y)) > 128) {
                firstOpaque = firstOpaque < 0 ? y : firstOpaque;
                ++opaqueRows;
            }
        }
        QVERIFY2(qAbs(opaqueRows - 102) <= 2, qPrintable(QString::number(opaqueRows)));
        QVERIFY2(qAbs(firstOpaque - 205) <= 2, qPrintable(QString::number(firstOpaque)));
        QCOMPARE(qAlpha(out.pixel(256, 20)), 0);
        QCOMPARE(qAlpha(out.pixel(256, 490)), 0);
        const QColor middle = out.pixelColor(256, 256);
        QVERIFY(qAbs(middle.red() - 200) < 12 && middle.green() < 45 && middle.alpha() == 255);
        QVERIFY(qAlpha(out.pixel(0, 256)) > 128);  // full width: touches both sides
        QVERIFY(qAlpha(out.pixel(511, 256)) > 128);
    }

    void animatedGifStaysAnimated() {
        // GIF delays are centiseconds; 0 cs shows as 100 ms.
        const QSize size(120, 90);
        const auto frames = threeFrames(size);
        const QByteArray bytes = gif(size, {{frames[0], 5}, {frames[1], 12}, {frames[2], 0}});
        const auto decoded = decodeImage(bytes);
        QVERIFY(decoded);
        QCOMPARE(decoded->format, ImageFormat::Gif);
        QCOMPARE(decoded->frames.size(), std::size_t{3});
        QCOMPARE(durationsOf(*decoded), (std::vector<int>{50, 120, 100}));

        const auto sticker = encodeSticker(*decoded);
        QVERIFY(sticker);
        QCOMPARE(sticker->frames, 3);
        QVERIFY(sticker->animated());
        QCOMPARE(validateStickerWebp(sticker->webp).value(), QSize(512, 512));
        const auto back = decodeImage(sticker->webp);
        QVERIFY(back);
        QCOMPARE(back->frames.size(), std::size_t{3});
        QCOMPARE(durationsOf(*back), (std::vector<int>{50, 120, 100}));
    }

    void animatedWebpStaysAnimated() {
        const QSize size(300, 150);
        const QByteArray bytes = animatedWebp(threeFrames(size), {40, 80, 160});
        const auto decoded = decodeImage(bytes);
        QVERIFY(decoded);
        QCOMPARE(decoded->format, ImageFormat::Webp);
        QCOMPARE(decoded->size, size);
        QCOMPARE(durationsOf(*decoded), (std::vector<int>{40, 80, 160}));

        const auto sticker = encodeSticker(*decoded);
        QVERIFY(sticker);
        QCOMPARE(sticker->frames, 3);
        QVERIFY(sticker->webp.size() < kMaxStickerBytes);
        const auto back = decodeImage(sticker->webp);
        QVERIFY(back);
        QCOMPARE(back->size, QSize(512, 512));
        QCOMPARE(durationsOf(*back), (std::vector<int>{40, 80, 160}));
    }

    void largeAnimationDropsFramesButKeepsItsLength() {
        // 12 frames of pure noise cannot fit at any quality; half the frame rate does.
        DecodedImage input{ImageFormat::Webp, {512, 512}, {}};
        for (int i = 0; i < 12; ++i) {
            input.frames.push_back(Frame{noise({512, 512}, 255, static_cast<quint32>(i)), 50});
        }
        const auto sticker = encodeSticker(input);
        QVERIFY2(sticker, qPrintable(sticker ? QString() : sticker.error().message));
        QVERIFY2(sticker->frames < 12 && sticker->frames >= 2,
                 qPrintable(QString::number(sticker->frames)));
        QCOMPARE(sticker->quality, kStickerQualities.back());
        const auto back = decodeImage(sticker->webp);
        QVERIFY(back);
        QCOMPARE(static_cast<int>(back->frames.size()), sticker->frames);
        int total = 0;
        for (const Frame& f : back->frames) {
            total += f.durationMs;
        }
        QCOMPARE(total, 12 * 50);
    }

    void refusesWhatIsNotAnImage() {
        QCOMPARE(codeOf(decodeImage({})), Code::NotAnImage);
        QCOMPARE(codeOf(decodeImage("<svg xmlns='http://www.w3.org/2000/svg'/>")),
                 Code::NotAnImage);
        QCOMPARE(codeOf(stickerFromBytes(QByteArray(1000, 'x'))), Code::NotAnImage);
        // The magic bytes decide, not the content Qt could guess: a BMP is not taken.
        QBuffer bmp;
        bmp.open(QIODevice::WriteOnly);
        QVERIFY(QImageWriter(&bmp, "bmp").write(drawing({16, 16})));
        QCOMPARE(codeOf(decodeImage(bmp.data())), Code::NotAnImage);
    }

    void refusesTruncatedInput_data() {
        QTest::addColumn<QByteArray>("whole");
        const QImage source = drawing({400, 300}, 2);
        QTest::newRow("png") << encodePng(source);
        QTest::newRow("webp") << encodeWebpStill(source);
        QTest::newRow("animated webp") << animatedWebp(threeFrames({200, 100}), {50, 50, 50});
        QTest::newRow("animated gif")
            << gif({64, 64}, {{drawing({64, 64}, 0), 5}, {drawing({64, 64}, 1), 5}});
    }
    void refusesTruncatedInput() {
        QFETCH(QByteArray, whole);
        QVERIFY(decodeImage(whole));
        for (const qsizetype keep : {whole.size() / 2, whole.size() - 7, qsizetype{40}}) {
            QElapsedTimer timer;
            timer.start();
            const auto result = decodeImage(whole.left(keep));
            QVERIFY2(codeOf(result) == Code::Corrupt, qPrintable(QString::number(keep)));
            QVERIFY(timer.elapsed() < 2000);
        }
        if (sniffFormat(whole) == ImageFormat::Gif) {  // every block there, but no trailer
            QCOMPARE(codeOf(decodeImage(whole.chopped(1))), Code::Corrupt);
        }
    }

    void refusesADecompressionBombFromItsHeader() {
        const QByteArray bomb = pngWithHeader(100000, 100000);
        QVERIFY(bomb.size() < 200);
        QElapsedTimer timer;
        timer.start();
        QCOMPARE(codeOf(decodeImage(bomb)), Code::TooLarge);
        QCOMPARE(codeOf(thumbnailJpeg(bomb)), Code::TooLarge);
        QVERIFY2(timer.elapsed() < 500, qPrintable(QString::number(timer.elapsed())));
        // Just over the pixel limit, and just under it (then the missing pixels: Corrupt).
        QCOMPARE(codeOf(decodeImage(pngWithHeader(10000, 5001))), Code::TooLarge);
        QCOMPARE(codeOf(decodeImage(pngWithHeader(10000, 5000))), Code::Corrupt);
    }

    void refusesALargeFileWithoutReadingIt() {
        QByteArray big = encodePng(drawing({8, 8}));
        big.resize(kMaxSourceBytes + 1);
        QCOMPARE(codeOf(decodeImage(big)), Code::TooLarge);
    }

    void refusesTooManyFrames() {
        const QImage a = drawing({4, 4}, 0);
        const QImage b = drawing({4, 4}, 1);
        std::vector<std::pair<QImage, int>> frames;
        for (int i = 0; i < kMaxFrames; ++i) {
            frames.emplace_back(i % 2 == 0 ? a : b, 2);
        }
        const auto atLimit = decodeImage(gif({4, 4}, frames));
        QVERIFY(atLimit);
        QCOMPARE(static_cast<int>(atLimit->frames.size()), kMaxFrames);
        frames.emplace_back(a, 2);
        QCOMPARE(codeOf(decodeImage(gif({4, 4}, frames))), Code::TooLarge);
        // The first frame alone is still a thumbnail.
        QVERIFY(thumbnailJpeg(gif({4, 4}, frames)));
    }

    void validatesReceivedStickers() {
        const auto ours = stickerFromBytes(encodePng(drawing({512, 512})));
        QVERIFY(ours);
        QCOMPARE(validateStickerWebp(ours->webp).value(), QSize(512, 512));
        QCOMPARE(codeOf(validateStickerWebp(encodeWebpStill(drawing({256, 256})))),
                 Code::Unsupported);
        QCOMPARE(codeOf(validateStickerWebp(encodeWebpStill(drawing({512, 510})))),
                 Code::Unsupported);
        QCOMPARE(codeOf(validateStickerWebp(encodePng(drawing({512, 512})))), Code::NotAnImage);
        QCOMPARE(codeOf(validateStickerWebp(ours->webp.left(ours->webp.size() / 2))),
                 Code::Corrupt);
        // A real 512x512 WebP of 300 KiB or more (lossless noise) is too big.
        const QByteArray big = encodeWebpStill(noise({512, 512}, 255), true);
        QVERIFY(big.size() >= kMaxStickerBytes);
        QVERIFY(decodeImage(big));
        QCOMPARE(codeOf(validateStickerWebp(big)), Code::TooLarge);
        // An animated one of the right size passes.
        const auto animated = animatedWebp(threeFrames({512, 512}), {100, 100, 100});
        QCOMPARE(validateStickerWebp(animated).value(), QSize(512, 512));
    }

    void makesJpegThumbnails() {
        QImage transparent(1000, 500, QImage::Format_RGBA8888);
        transparent.fill(Qt::transparent);
        const auto thumb = thumbnailJpeg(encodePng(transparent));
        QVERIFY(thumb);
        QCOMPARE(sniffFormat(*thumb), ImageFormat::Jpeg);
        const QImage read = QImage::fromData(*thumb, "jpeg");
        QCOMPARE(read.size(), QSize(320, 160));
        QVERIFY(read.pixelColor(160, 80).lightness() > 245);  // flattened onto white

        const auto small = thumbnailJpeg(encodePng(drawing({100, 80})), 320);
        QCOMPARE(QImage::fromData(small.value(), "jpeg").size(), QSize(100, 80));  // not scaled up
        const auto tall = thumbnailJpeg(encodeWebpStill(drawing({300, 900})), 90);
        QCOMPARE(QImage::fromData(tall.value(), "jpeg").size(), QSize(30, 90));
        const auto first = thumbnailJpeg(animatedWebp(threeFrames({200, 100}), {50, 50, 50}));
        QCOMPARE(QImage::fromData(first.value(), "jpeg").size(), QSize(200, 100));
        QCOMPARE(codeOf(thumbnailJpeg(encodePng(drawing({10, 10})), 0)), Code::EncodeFailed);
        QCOMPARE(codeOf(thumbnailJpeg("not an image")), Code::NotAnImage);
    }

    void encodingNothingFails() {
        QCOMPARE(codeOf(encodeSticker(DecodedImage{})), Code::EncodeFailed);
        DecodedImage nullFrame{ImageFormat::Png, {10, 10}, {Frame{}}};
        QCOMPARE(codeOf(encodeSticker(nullFrame)), Code::EncodeFailed);
    }
};

QTEST_GUILESS_MAIN(StickerEncoderTest)
#include "tst_sticker_encoder.moc"
