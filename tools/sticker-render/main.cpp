// tandem-sticker-render --pack DIR --out OUTDIR [--fps N]
//
// Renders a sticker pack's SVG sources (DIR/pack.json + DIR/*.svg) to the WebP stickers the
// app ships: OUTDIR/<name>/<id>.webp, and OUTDIR/<name>/pack.json (the source's, with
// "animated" added to each sticker). Animated SVGs are sampled at --fps over their loop
// (AnimatedSvg.h says why we evaluate the animation, not QSvgRenderer). Encoding is
// tandem::media::encodeSticker, the same code that turns a user's image into a sticker.
// Any error ends the run with a sentence naming the file and exit status 1.
#include <cmath>
#include <cstdio>

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QSaveFile>
#include <QSvgRenderer>
#include <QtConcurrent/QtConcurrentMap>

#include "AnimatedSvg.h"
#include "media/StickerEncoder.h"

namespace {

using tandem::Expected;
using tandem::unexpected;
namespace media = tandem::media;
using tandem::stickers::AnimatedSvg;

constexpr int kDefaultFps = 16;

struct Job {
    QString file;  // relative to the pack's directory
    QString emoji;
};

struct Rendered {
    QByteArray webp;
    bool animated = false;
    int frames = 1;
    int quality = 0;
};

QImage drawFrame(const QByteArray& svg) {
    QImage image(media::kStickerSide, media::kStickerSide, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QSvgRenderer renderer(svg);
    QPainter painter(&image);
    painter.setRenderHints(QPainter::Antialiasing | QPainter::SmoothPixmapTransform);
    renderer.render(&painter, QRectF(0, 0, media::kStickerSide, media::kStickerSide));
    painter.end();
    return image.convertToFormat(QImage::Format_RGBA8888);
}

Expected<Rendered, QString> render(const QString& path, int fps) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return unexpected(QStringLiteral("cannot read it: %1").arg(file.errorString()));
    const QByteArray source = file.readAll();
    // QSvgRenderer is the renderer: a file it refuses is refused here, not drawn blank.
    const QSvgRenderer check(source);
    if (!check.isValid())
        return unexpected(QStringLiteral("QtSvg cannot read it (see the warning above)"));
    if (check.viewBox() != QRect(0, 0, 512, 512))
        return unexpected(QStringLiteral("the viewBox must be 0 0 512 512"));
    auto svg = AnimatedSvg::parse(source);
    if (!svg)
        return unexpected(svg.error());
    if (check.animated() && !svg->animated())
        return unexpected(QStringLiteral("it has animation elements this tool does not evaluate"));

    media::DecodedImage decoded;
    decoded.size = QSize(media::kStickerSide, media::kStickerSide);
    if (!svg->animated()) {
        decoded.frames.push_back({drawFrame(svg->frameAt(0)), 0});
    } else {
        // Whole frames over one loop; the durations add up to the loop exactly.
        const int loop = svg->loopMs();
        const int count = std::max(2, static_cast<int>(std::lround(loop * fps / 1000.0)));
        for (int i = 0; i < count; ++i) {
            const int start = i * loop / count;
            const int end = (i + 1) * loop / count;
            decoded.frames.push_back({drawFrame(svg->frameAt(start)), end - start});
        }
    }
    auto encoded = media::encodeSticker(decoded);
    if (!encoded)
        return unexpected(QStringLiteral("encoding failed: %1").arg(encoded.error().message));
    if (encoded->size != decoded.size)
        return unexpected(QStringLiteral("the encoder made a %1x%2 sticker")
                              .arg(encoded->size.width())
                              .arg(encoded->size.height()));
    return Rendered{encoded->webp, encoded->animated(), encoded->frames, encoded->quality};
}

bool writeFile(const QString& path, const QByteArray& bytes, QString* error) {
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size() || !out.commit()) {
        *error = QStringLiteral("%1: cannot write it: %2").arg(path, out.errorString());
        return false;
    }
    return true;
}

int fail(const QString& message) {
    std::fprintf(stderr, "tandem-sticker-render: %s\n", qPrintable(message));
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    // Offscreen: this runs during the build, with no display.
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    QCommandLineParser cli;
    cli.setApplicationDescription(
        QStringLiteral("Renders a Tandem sticker pack's SVG sources to WebP stickers."));
    cli.addHelpOption();
    cli.addOption({QStringLiteral("pack"),
                   QStringLiteral("The pack's source directory (pack.json and SVGs)."),
                   QStringLiteral("dir")});
    cli.addOption({QStringLiteral("out"),
                   QStringLiteral("Where <name>/<id>.webp and <name>/pack.json go."),
                   QStringLiteral("dir")});
    cli.addOption(
        {QStringLiteral("fps"),
         QStringLiteral("Frames per second of animated stickers (default %1).").arg(kDefaultFps),
         QStringLiteral("n"), QString::number(kDefaultFps)});
    cli.process(app);
    if (!cli.isSet(QStringLiteral("pack")) || !cli.isSet(QStringLiteral("out")))
        return fail(QStringLiteral("--pack and --out are required (see --help)"));
    bool fpsOk = false;
    const int fps = cli.value(QStringLiteral("fps")).toInt(&fpsOk);
    if (!fpsOk || fps < 1 || fps > 60)
        return fail(QStringLiteral("--fps must be between 1 and 60"));

    const QDir packDir(cli.value(QStringLiteral("pack")));
    QFile manifestFile(packDir.filePath(QStringLiteral("pack.json")));
    if (!manifestFile.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("%1: cannot read it: %2")
                        .arg(manifestFile.fileName(), manifestFile.errorString()));
    QJsonParseError parseError;
    const QJsonDocument manifest = QJsonDocument::fromJson(manifestFile.readAll(), &parseError);
    if (!manifest.isObject())
        return fail(QStringLiteral("%1: not a JSON object (%2)")
                        .arg(manifestFile.fileName(), parseError.errorString()));
    QJsonObject pack = manifest.object();
    const QString name = pack.value(QStringLiteral("name")).toString();
    static const QRegularExpression nameRule(QStringLiteral("^[a-z0-9][a-z0-9-]*$"));
    if (!nameRule.match(name).hasMatch())
        return fail(QStringLiteral("%1: \"name\" must be lower-case letters, digits and dashes")
                        .arg(manifestFile.fileName()));
    const QJsonArray entries = pack.value(QStringLiteral("stickers")).toArray();
    if (entries.isEmpty())
        return fail(QStringLiteral("%1: \"stickers\" is empty").arg(manifestFile.fileName()));
    const int cover = pack.value(QStringLiteral("cover")).toInt(-1);
    if (cover < 0 || cover >= entries.size())
        return fail(
            QStringLiteral("%1: \"cover\" is not a sticker's index").arg(manifestFile.fileName()));

    QList<Job> jobs;
    for (const QJsonValue& entry : entries) {
        const Job job{entry[QStringLiteral("file")].toString(),
                      entry[QStringLiteral("emoji")].toString()};
        if (job.file.isEmpty() || job.file.contains(QLatin1Char('/')) || job.emoji.isEmpty())
            return fail(
                QStringLiteral(
                    "%1: sticker %2 needs a \"file\" in the pack's directory and an \"emoji\"")
                    .arg(manifestFile.fileName())
                    .arg(jobs.size()));
        jobs.append(job);
    }

    // One sticker per core: rendering and encoding are independent and CPU-bound.
    const QList<Expected<Rendered, QString>> results = QtConcurrent::blockingMapped(
        jobs, [&packDir, fps](const Job& job) { return render(packDir.filePath(job.file), fps); });

    const QDir outDir(QDir(cli.value(QStringLiteral("out"))).filePath(name));
    if (!QDir().mkpath(outDir.path()))
        return fail(QStringLiteral("%1: cannot create it").arg(outDir.path()));
    QJsonArray written;
    qint64 total = 0;
    for (int id = 0; id < jobs.size(); ++id) {
        const auto& result = results[id];
        if (!result)
            return fail(
                QStringLiteral("%1: %2").arg(packDir.filePath(jobs[id].file), result.error()));
        QString error;
        if (!writeFile(outDir.filePath(QStringLiteral("%1.webp").arg(id)), result->webp, &error))
            return fail(error);
        QJsonObject sticker = entries[id].toObject();
        sticker.insert(QStringLiteral("animated"), result->animated);
        written.append(sticker);
        total += result->webp.size();
        std::printf("%s/%d.webp  %-18s %7lld bytes  %2d frame%s  quality %d\n", qPrintable(name),
                    id, qPrintable(jobs[id].file), static_cast<long long>(result->webp.size()),
                    result->frames, result->frames == 1 ? " " : "s", result->quality);
    }
    pack.insert(QStringLiteral("stickers"), written);
    QString error;
    if (!writeFile(outDir.filePath(QStringLiteral("pack.json")), QJsonDocument(pack).toJson(),
                   &error))
        return fail(error);
    std::printf("%s: %lld stickers, %lld bytes\n", qPrintable(name),
                static_cast<long long>(jobs.size()), static_cast<long long>(total));
    return 0;
}
