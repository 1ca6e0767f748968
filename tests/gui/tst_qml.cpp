// Qt Quick Test: each QML module's components on their own (tests/gui/qml/<module>/tst_*.qml,
// one ctest per module: -input <dir>), each given a real AppCore over a fresh profile as
// `testCore`.
#include <QGuiApplication>
#include <QQmlContext>
#include <QQmlEngine>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QtQuickTest>

#include "qml/app/AppWindow.h"
#include "qml/attachments/AttachmentImages.h"
#include "qml/core/AppCore.h"

class Setup : public QObject {
    Q_OBJECT

public slots:
    // Before the application object goes: the core's thread and store close with it.
    void cleanupTestCase() { core_.reset(); }

    void qmlEngineAvailable(QQmlEngine* engine) {
        engine->addImportPath(QStringLiteral("qrc:/"));
        // One engine per test file; one profile for all of them.
        if (!core_) {
            makeCore();
        }
        engine->rootContext()->setContextProperty(QStringLiteral("testCore"), core_.get());
        tandem::gui::AttachmentImages::install(*engine, *core_);
    }

private:
    void makeCore() {
        core_ = std::make_unique<tandem::gui::AppCore>(dir_.path());
        core_->createProfile(QStringLiteral("a test passphrase"));
        if (!QTest::qWaitFor([&] { return core_->state() == tandem::gui::AppCore::State::Ready; },
                             30000)) {
            qFatal("the test profile did not open");
        }
    }

    QTemporaryDir dir_;
    std::unique_ptr<tandem::gui::AppCore> core_;
};

int main(int argc, char** argv) {
    // A QGuiApplication, as the app's (no QtWidgets); quick_test_main uses the one there is.
    QGuiApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);  // the theme's choice is not written to ~/.config
    QTEST_SET_MAIN_SOURCE_PATH
    Setup setup;
    return quick_test_main_with_setup(argc, argv, "tst_qml", QUICK_TEST_SOURCE_DIR, &setup);
}
#include "tst_qml.moc"
