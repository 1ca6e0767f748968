// Images for the media tests, made in code: drawings, noise, every input format (GIF written
// by hand: Qt cannot write it), and crafted headers.
#pragma once

#include <utility>
#include <vector>

#include <QByteArray>
#include <QImage>

namespace tandem::media::test {

// Gradients and shapes with a translucent corner; `variant` changes colours and positions.
QImage drawing(QSize size, int variant = 0);
// Opaque, photo-like: smooth gradients and shapes under per-pixel noise of ±`amplitude`/2.
QImage noisyPhoto(QSize size, int amplitude = 20);
// Every colour channel random in [128 - amplitude/2, 128 + amplitude/2]; alpha 255, or random
// in [1, 255] with noisyAlpha.
QImage noise(QSize size, int amplitude, quint32 seed = 1, bool noisyAlpha = false);

QByteArray encodePng(const QImage& image, int quality = -1);
QByteArray encodeJpeg(const QImage& image, int quality = 85);
QByteArray encodeWebpStill(const QImage& image, bool lossless = false);
QByteArray animatedWebp(const std::vector<QImage>& frames, const std::vector<int>& durationsMs);
// A GIF89a with a 4-colour palette (each pixel's red and green above or below half) and the
// given frames, each with its delay in centiseconds. Frames must be `screen` sized.
QByteArray gif(QSize screen, const std::vector<std::pair<QImage, int>>& frames);
// A PNG whose IHDR (correct CRC) claims width x height, followed by a few bytes of pixels.
QByteArray pngWithHeader(quint32 width, quint32 height);

}  // namespace tandem::media::test
