// sticker_bench: media::stickerFromBytes beside cwebp over the same PNG files, in one run.
// 30 drawn PNGs (512-2000 px, gradients, shapes, noise, some with transparency) are written to
// a temporary folder; each repetition times ours over all of them (read the file, decode,
// scale, encode: quality steps included), then cwebp at the quality ours chose for each file,
// resized to the same fitted size, one process per file as a user would run it. cwebp cannot
// pad to 512x512, so its files hold only the fitted image; ours add the transparent margin.
// The cost of starting a process (cwebp -version) is measured too, so it can be set aside.
//   sticker_bench [--reps R] [--images N]
#include <algorithm>
#include <cstdio>
#include <vector>

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QLinearGradient>
#include <QPainter>
#include <QProcess>
#include <QRadialGradient>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTextStream>

#include "media/StickerEncoder.h"

using namespace tandem::media;

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 == 1 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

QString range(const std::vector<double>& v) {
    const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    return QStringLiteral("%1 (%2 … %3)")
        .arg(median(v), 0, 'f', 1)
        .arg(*lo, 0, 'f', 1)
        .arg(*hi, 0, 'f', 1);
}

// Image i of the set: a size in 512-2000 px each way and one of three kinds of content.
QImage makeImage(int i, QRandomGenerator& random) {
    const QSize size(512 + random.bounded(1489), 512 + random.bounded(1489));
    const bool transparent = i % 3 == 2;
    QImage image(size, transparent ? QImage::Format_ARGB32_Premultiplied : QImage::Format_RGB32);
    image.fill(Qt::transparent);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    QLinearGradient background(0, 0, size.width(), size.height());
    background.setColorAt(0, QColor::fromHsv(random.bounded(360), 160, 230));
    background.setColorAt(1, QColor::fromHsv(random.bounded(360), 200, 90));
    if (transparent) {
        QRadialGradient blob(size.width() / 2.0, size.height() / 2.0,
                             std::min(size.width(), size.height()) / 2.0);
        blob.setColorAt(0, QColor::fromHsv(random.bounded(360), 220, 250));
        blob.setColorAt(1, Qt::transparent);
        p.fillRect(image.rect(), blob);
    } else {
        p.fillRect(image.rect(), background);
    }
    for (int s = 0; s < 8 + i % 10; ++s) {
        p.setBrush(QColor::fromHsv(random.bounded(360), 200, 200, 120 + random.bounded(136)));
        p.setPen(QPen(Qt::black, 1 + random.bounded(6)));
        const QRect r(random.bounded(size.width()), random.bounded(size.height()),
                      random.bounded(size.width() / 2 + 1), random.bounded(size.height() / 2 + 1));
        if (s % 2 == 0) {
            p.drawEllipse(r);
        } else {
            p.drawRoundedRect(r, 12, 12);
        }
    }
    p.end();
    if (i % 3 == 1) {  // photo-like: sensor noise over everything
        for (int y = 0; y < size.height(); ++y) {
            auto* line = reinterpret_cast<QRgb*>(image.scanLine(y));  // NOLINT: pixel row
            for (int x = 0; x < size.width(); ++x) {
                const int d = random.bounded(25) - 12;
                const QRgb c = line[x];
                line[x] = qRgb(qBound(0, qRed(c) + d, 255), qBound(0, qGreen(c) + d, 255),
                               qBound(0, qBlue(c) + d, 255));
            }
        }
    }
    return image;
}

struct Input {
    QString path;
    QSize size;
    QSize fitted;
    int quality = 0;  // what ours chose
};

QStringList cwebpArgs(const Input& in, const QString& out) {
    return {QStringLiteral("-quiet"),
            QStringLiteral("-q"),
            QString::number(in.quality),
            QStringLiteral("-m"),
            QStringLiteral("4"),
            QStringLiteral("-resize"),
            QString::number(in.fitted.width()),
            QString::number(in.fitted.height()),
            in.path,
            QStringLiteral("-o"),
            out};
}

bool run(const QString& program, const QStringList& args) {
    QProcess process;
    process.start(program, args);
    return process.waitForFinished(60000) && process.exitStatus() == QProcess::NormalExit &&
           process.exitCode() == 0;
}

}  // namespace

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    int reps = 5;
    int count = 30;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--reps"))
            reps = std::max(1, args[i + 1].toInt());
        if (args[i] == QLatin1String("--images"))
            count = std::max(1, args[i + 1].toInt());
    }
    QTextStream out(stdout);
    const QString cwebp = QStringLiteral("cwebp");
    if (!run(cwebp, {QStringLiteral("-version")})) {
        out << "sticker_bench: cwebp not found (scripts/setup-deps.sh installs webp)\n";
        return 1;
    }

    QTemporaryDir dir;
    QRandomGenerator random(2024);
    std::vector<Input> inputs;
    qint64 sourceBytes = 0;
    for (int i = 0; i < count; ++i) {
        const QImage image = makeImage(i, random);
        Input in{dir.filePath(QStringLiteral("in%1.png").arg(i)), image.size(),
                 image.size().scaled(kStickerSide, kStickerSide, Qt::KeepAspectRatio), 0};
        if (!image.save(in.path, "png")) {
            out << "sticker_bench: cannot write " << in.path << "\n";
            return 1;
        }
        sourceBytes += QFileInfo(in.path).size();
        inputs.push_back(in);
    }
    out << "sticker_bench: " << count << " PNGs, " << sourceBytes / 1024 << " KiB, in "
        << dir.path() << "\n";
    out.flush();

    std::vector<double> oursMs;
    std::vector<double> cwebpMs;
    std::vector<double> spawnMs;
    qint64 oursBytes = 0;
    qint64 oursMax = 0;
    qint64 cwebpBytes = 0;
    std::vector<int> qualities;
    for (int rep = -1; rep < reps; ++rep) {  // rep -1: warm-up, and picks each quality
        QElapsedTimer timer;
        timer.start();
        oursBytes = 0;
        for (Input& in : inputs) {
            QFile file(in.path);
            if (!file.open(QIODevice::ReadOnly)) {
                return 1;
            }
            const auto sticker = stickerFromBytes(file.readAll());
            if (!sticker) {
                out << "sticker_bench: " << in.path << ": " << sticker.error().message << "\n";
                return 1;
            }
            in.quality = sticker->quality;
            oursBytes += sticker->webp.size();
            oursMax = std::max(oursMax, sticker->webp.size());
        }
        const double ours = static_cast<double>(timer.nsecsElapsed()) / 1e6;

        timer.restart();
        cwebpBytes = 0;
        for (std::size_t i = 0; i < inputs.size(); ++i) {
            const QString target = dir.filePath(QStringLiteral("out%1.webp").arg(i));
            if (!run(cwebp, cwebpArgs(inputs[i], target))) {
                out << "sticker_bench: cwebp failed on " << inputs[i].path << "\n";
                return 1;
            }
            cwebpBytes += QFileInfo(target).size();
        }
        const double theirs = static_cast<double>(timer.nsecsElapsed()) / 1e6;

        timer.restart();
        for (std::size_t i = 0; i < inputs.size(); ++i) {
            run(cwebp, {QStringLiteral("-version")});
        }
        const double spawn = static_cast<double>(timer.nsecsElapsed()) / 1e6;
        if (rep >= 0) {
            oursMs.push_back(ours);
            cwebpMs.push_back(theirs);
            spawnMs.push_back(spawn);
        }
    }
    for (const Input& in : inputs) {
        qualities.push_back(in.quality);
    }

    std::vector<double> cwebpNet;
    for (std::size_t i = 0; i < cwebpMs.size(); ++i) {
        cwebpNet.push_back(cwebpMs[i] - spawnMs[i]);
    }
    const auto n = static_cast<double>(count);
    out << "command: " << args.join(QLatin1Char(' ')) << "\n";
    out << "cwebp, per file, e.g.: cwebp "
        << cwebpArgs(inputs.front(), QStringLiteral("out0.webp")).join(QLatin1Char(' ')) << "\n";
    out << "qualities ours chose: ";
    for (const int q : qualities) {
        out << q << ' ';
    }
    out << "\n" << reps << " repetitions, " << count << " images, total ms: median (min … max)\n";
    out << "  ours  stickerFromBytes      " << range(oursMs) << "  = "
        << QString::number(median(oursMs) / n, 'f', 1) << " ms/image\n";
    out << "  cwebp (process per file)    " << range(cwebpMs) << "  = "
        << QString::number(median(cwebpMs) / n, 'f', 1) << " ms/image\n";
    out << "  process start (cwebp -version) " << range(spawnMs) << "\n";
    out << "  cwebp minus process start   " << range(cwebpNet) << "\n";
    out << "ratio ours/cwebp: " << QString::number(median(oursMs) / median(cwebpMs), 'f', 2)
        << "; ours/(cwebp minus process start): "
        << QString::number(median(oursMs) / median(cwebpNet), 'f', 2) << "\n";
    out << "output bytes: ours " << oursBytes / 1024 << " KiB (512x512 canvases, largest "
        << oursMax / 1024 << " KiB), cwebp " << cwebpBytes / 1024 << " KiB (fitted size only)\n";
    return 0;
}
