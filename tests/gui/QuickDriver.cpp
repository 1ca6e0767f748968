#include "tests/gui/QuickDriver.h"

#include <QImage>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTest>
#include <QtQuickTest/quicktest.h>

#include "qml/app/AppWindow.h"
#include "tests/support/TestSupport.h"

namespace tandem::test {

QQuickItem* findVisibleUnder(QQuickItem* root, const QString& name) {
    if (root->objectName() == name && root->isVisible()) {
        return root;
    }
    for (QQuickItem* child : root->childItems()) {
        if (QQuickItem* found = findVisibleUnder(child, name)) {
            return found;
        }
    }
    return nullptr;
}

QQuickItem* findVisible(gui::AppWindow& app, const QString& name) {
    QQuickItem* root = app.window()->contentItem();
    while (root->parentItem() != nullptr) {
        root = root->parentItem();
    }
    return findVisibleUnder(root, name);
}

QQuickItem* rowWhere(gui::AppWindow& app, const char* property, const QString& value) {
    QQuickItem* list = findVisible(app, QStringLiteral("conversationList"));
    if (list == nullptr) {
        return nullptr;
    }
    const auto* content = list->property("contentItem").value<QQuickItem*>();
    for (QQuickItem* row : content->childItems()) {
        if (row->property(property).toString() == value) {
            return row;
        }
    }
    return nullptr;
}

bool activate(gui::AppWindow& app) {
    app.window()->requestActivate();
    return QTest::qWaitForWindowActive(app.window());
}

void click(gui::AppWindow& app, QQuickItem* item) {
    QVERIFY2(item != nullptr, "nothing to click");
    QVERIFY2(QQuickTest::qWaitForPolish(app.window(), 5000), "the window was never laid out");
    QVERIFY2(item->isVisible() && item->width() > 0 && item->height() > 0,
             qPrintable(QStringLiteral("%1 is not shown").arg(item->objectName())));
    const QPointF centre = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
    QVERIFY2(QRectF(QPointF(0, 0), app.window()->size()).contains(centre),
             qPrintable(QStringLiteral("%1 is outside the window").arg(item->objectName())));
    QTest::mouseClick(app.window(), Qt::LeftButton, Qt::NoModifier, centre.toPoint());
}

void typeText(QWindow* window, const QString& text) {
    for (const QChar c : text) {
        QTest::keyClick(window, c.toLatin1());
    }
}

void shoot(gui::AppWindow& app, const QString& name) {
    const QImage shot = app.window()->grabWindow();
    QVERIFY(!shot.isNull());
    QVERIFY(shot.save(artifactsDir() + QStringLiteral("/") + name + ".png"));
}

}  // namespace tandem::test
