#include "qml/ui/Logo.h"

#include <QPainter>
#include <QSvgRenderer>

namespace tandem::gui {

Logo::Logo(QQuickItem* parent) : QQuickPaintedItem(parent) {
    setImplicitSize(72, 72);
    setAntialiasing(true);
}

void Logo::paint(QPainter* painter) {
    static QSvgRenderer renderer(QStringLiteral(":/icons/tandem.svg"));  // GUI thread only
    renderer.render(painter, QRectF(0, 0, width(), height()));
}

}  // namespace tandem::gui
