#include "qml/core/AvatarPicture.h"

#include <QBuffer>
#include <QImage>
#include <QPainter>
#include <QPainterPath>

#include "app/core/people/ProfileImages.h"

namespace tandem::gui {

QString roundAvatarUrl(const QByteArray& jpeg, int pixels) {
    if (jpeg.isEmpty() || !core::people::isAcceptableAvatar(jpeg)) {
        return {};
    }
    QImage source;
    if (!source.loadFromData(jpeg, "JPEG") || source.isNull()) {
        return {};
    }
    QImage round(pixels, pixels, QImage::Format_ARGB32_Premultiplied);
    round.fill(Qt::transparent);
    {
        QPainter painter(&round);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setRenderHint(QPainter::SmoothPixmapTransform);
        QPainterPath circle;
        circle.addEllipse(0, 0, pixels, pixels);
        painter.setClipPath(circle);
        const int side = std::min(source.width(), source.height());  // its centre square
        painter.drawImage(
            QRect(0, 0, pixels, pixels), source,
            QRect((source.width() - side) / 2, (source.height() - side) / 2, side, side));
    }
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    round.save(&buffer, "PNG");
    return QStringLiteral("data:image/png;base64,") + QString::fromLatin1(png.toBase64());
}

}  // namespace tandem::gui
