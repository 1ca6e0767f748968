// tandem-icon-render SVG OUTDIR NAME SIZE…
//
// Renders the app's icon (an SVG) to the PNGs of the hicolor icon theme:
// OUTDIR/<SIZE>x<SIZE>/apps/NAME.png for each SIZE, square, transparent around the drawing.
// Run during the build (packaging/CMakeLists.txt) so the PNGs always match the SVG. Any error
// ends the run with a sentence naming the file, and exit status 1.
#include <cstdio>

#include <QDir>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>

int main(int argc, char* argv[]) {
    // No display needed: the icon has no text, and nothing is shown.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    QGuiApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() < 5) {
        std::fputs("usage: tandem-icon-render SVG OUTDIR NAME SIZE…\n", stderr);
        return 2;
    }
    QSvgRenderer svg(args[1]);
    if (!svg.isValid()) {
        std::fprintf(stderr, "tandem-icon-render: %s is not an SVG it can draw\n",
                     qPrintable(args[1]));
        return 1;
    }
    for (qsizetype i = 4; i < args.size(); ++i) {
        bool ok = false;
        const int size = args[i].toInt(&ok);
        if (!ok || size < 8 || size > 1024) {
            std::fprintf(stderr, "tandem-icon-render: size '%s' is not 8 to 1024\n",
                         qPrintable(args[i]));
            return 2;
        }
        QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::transparent);
        {
            QPainter painter(&image);
            painter.setRenderHint(QPainter::Antialiasing);
            svg.render(&painter, QRectF(0, 0, size, size));
        }
        const QString dir = QStringLiteral("%1/%2x%2/apps").arg(args[2]).arg(size);
        const QString file = QStringLiteral("%1/%2.png").arg(dir, args[3]);
        if (!QDir().mkpath(dir) || !image.save(file, "PNG")) {
            std::fprintf(stderr, "tandem-icon-render: cannot write %s\n", qPrintable(file));
            return 1;
        }
    }
    return 0;
}
