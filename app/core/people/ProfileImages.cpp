#include "app/core/people/ProfileImages.h"

#include <QBuffer>
#include <QFile>
#include <QImage>
#include <QImageReader>

#include "crypto/Profiles.h"

namespace tandem::core::people {

namespace {

constexpr int kMaxSourcePixels = 16384;

QByteArray encodeJpeg(const QImage& image, int quality) {
    QByteArray out;
    QBuffer buffer(&out);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "JPEG", quality);
    return out;
}

}  // namespace

Expected<QByteArray, QString> makeAvatar(const QByteArray& bytes) {
    if (bytes.size() > kMaxAvatarSourceBytes) {
        return unexpected(QStringLiteral("the picture is larger than %1 MiB")
                              .arg(kMaxAvatarSourceBytes / (1024 * 1024)));
    }
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer);
    reader.setAutoTransform(true);
    const QSize size = reader.size();
    if (!reader.canRead() || !size.isValid()) {
        return unexpected(QStringLiteral("that file is not a picture Tandem can read"));
    }
    if (size.width() > kMaxSourcePixels || size.height() > kMaxSourcePixels) {
        return unexpected(
            QStringLiteral("the picture is larger than %1 pixels a side").arg(kMaxSourcePixels));
    }
    // Decoded no larger than needed (twice the avatar's side on the short edge): a large photo
    // never takes its full size in memory.
    const int shortSide = std::min(size.width(), size.height());
    if (shortSide > 2 * kAvatarPixels) {
        reader.setScaledSize(size * (2.0 * kAvatarPixels / shortSide));
    }
    QImage image = reader.read();
    if (image.isNull()) {
        return unexpected(
            QStringLiteral("the picture could not be read: %1").arg(reader.errorString()));
    }
    const int side = std::min(image.width(), image.height());
    image = image.copy((image.width() - side) / 2, (image.height() - side) / 2, side, side)
                .convertToFormat(QImage::Format_RGB32);
    for (const int pixels : {kAvatarPixels, kAvatarPixels * 2 / 3}) {
        const QImage scaled = side > pixels ? image.scaled(pixels, pixels, Qt::IgnoreAspectRatio,
                                                           Qt::SmoothTransformation)
                                            : image;
        for (int quality = 88; quality >= 40; quality -= 12) {
            QByteArray jpeg = encodeJpeg(scaled, quality);
            if (!jpeg.isEmpty() && jpeg.size() <= crypto::kMaxProfileAvatarBytes) {
                return jpeg;
            }
        }
    }
    return unexpected(QStringLiteral("the picture could not be made small enough"));
}

Expected<QByteArray, QString> makeAvatarFromFile(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return unexpected(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    }
    if (file.size() > kMaxAvatarSourceBytes) {
        return unexpected(QStringLiteral("the picture is larger than %1 MiB")
                              .arg(kMaxAvatarSourceBytes / (1024 * 1024)));
    }
    return makeAvatar(file.readAll());
}

bool isAcceptableAvatar(const QByteArray& jpeg) {
    if (jpeg.size() < 4 || jpeg.size() > crypto::kMaxProfileAvatarBytes ||
        !jpeg.startsWith("\xFF\xD8\xFF")) {
        return false;
    }
    QBuffer buffer;
    buffer.setData(jpeg);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer, "jpeg");
    const QSize size = reader.size();
    return size.isValid() && size.width() > 0 && size.height() > 0 &&
           size.width() <= kMaxReceivedAvatarPixels && size.height() <= kMaxReceivedAvatarPixels;
}

}  // namespace tandem::core::people
