// Logo: the app's logo (resources/icons/tandem.svg) drawn straight from its SVG, for the pages
// shown at start (unlock, create a profile). An Image of the SVG would have Qt Quick list every
// image format first, loading each format plugin and its library (TIFF, MNG, JPEG, WebP, …)
// before the first frame; this draws the same pixels with QSvgRenderer (docs/app.md, "Start").
#pragma once

#include <QQuickPaintedItem>
#include <QtQml/qqmlregistration.h>

namespace tandem::gui {

class Logo : public QQuickPaintedItem {
    Q_OBJECT
    QML_ELEMENT
public:
    explicit Logo(QQuickItem* parent = nullptr);
    void paint(QPainter* painter) override;
};

}  // namespace tandem::gui
