// QrCode: a QR code of some bytes (libqrencode, 8-bit mode), as the app draws it (an image)
// and as tandemctl prints it (Unicode half blocks). Error correction M, or L when M cannot
// hold the bytes: L holds up to 2 953 bytes, a network link among them.
#pragma once

#include <optional>
#include <vector>

#include <QByteArray>
#include <QImage>
#include <QString>

namespace tandem::core {

class QrCode {
public:
    // The most bytes a QR code holds (version 40, error correction L).
    static constexpr qsizetype kMaxBytes = 2953;
    // Modules of light margin around the code, as the standard asks for.
    static constexpr int kQuietZone = 4;

    // nullopt if the bytes are empty or more than a QR code holds.
    static std::optional<QrCode> encode(const QByteArray& payload);

    // Modules per side, without the quiet zone.
    [[nodiscard]] int width() const { return width_; }
    [[nodiscard]] bool dark(int x, int y) const {
        return dark_[static_cast<std::size_t>(y * width_ + x)];
    }

    // Black on white, `scale` pixels a module, with the quiet zone.
    [[nodiscard]] QImage toImage(int scale) const;
    // Two rows of modules a line of "█", "▀", "▄" and " ", with a quiet zone of `margin`
    // modules. The light modules are drawn, as `qrencode -t UTF8` does: it reads as a QR code
    // where the terminal's text is light on a dark background.
    [[nodiscard]] QString toTerminal(int margin = kQuietZone) const;

private:
    QrCode(int width, std::vector<bool> dark) : width_(width), dark_(std::move(dark)) {}
    int width_ = 0;
    std::vector<bool> dark_;
};

}  // namespace tandem::core
