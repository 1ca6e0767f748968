#include "app/core/QrCode.h"

#include <QPainter>
#include <qrencode.h>

namespace tandem::core {

std::optional<QrCode> QrCode::encode(const QByteArray& payload) {
    if (payload.isEmpty() || payload.size() > kMaxBytes) {
        return std::nullopt;
    }
    for (const QRecLevel level : {QR_ECLEVEL_M, QR_ECLEVEL_L}) {
        QRcode* code = QRcode_encodeData(
            static_cast<int>(payload.size()),
            reinterpret_cast<const unsigned char*>(payload.constData()), 0, level);  // NOLINT
        if (code == nullptr) {
            continue;
        }
        std::vector<bool> dark(static_cast<std::size_t>(code->width) *
                               static_cast<std::size_t>(code->width));
        for (std::size_t i = 0; i < dark.size(); ++i) {
            dark[i] = (code->data[i] & 1) != 0;  // NOLINT: libqrencode's module array
        }
        const int width = code->width;
        QRcode_free(code);
        return QrCode(width, std::move(dark));
    }
    return std::nullopt;
}

QImage QrCode::toImage(int scale) const {
    const int side = (width_ + 2 * kQuietZone) * scale;
    QImage image(side, side, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    for (int y = 0; y < width_; ++y) {
        for (int x = 0; x < width_; ++x) {
            if (dark(x, y)) {
                painter.fillRect((x + kQuietZone) * scale, (y + kQuietZone) * scale, scale, scale,
                                 Qt::black);
            }
        }
    }
    painter.end();
    return image;
}

QString QrCode::toTerminal(int margin) const {
    const int side = width_ + 2 * margin;
    const auto light = [&](int x, int y) {
        x -= margin;
        y -= margin;
        return x < 0 || y < 0 || x >= width_ || y >= width_ || !dark(x, y);
    };
    QString out;
    for (int y = 0; y < side; y += 2) {
        for (int x = 0; x < side; ++x) {
            const bool top = light(x, y);
            const bool bottom = y + 1 < side ? light(x, y + 1) : false;
            out += top && bottom ? u'█' : top ? u'▀' : bottom ? u'▄' : u' ';
        }
        out += u'\n';
    }
    return out;
}

}  // namespace tandem::core
