// Qt Quick Test: the app's QML components on their own (tests/gui/qml/tst_*.qml), each given a
// real AppCore over a fresh profile as `testCore`.
#include <QQmlContext>
#include <QQmlEngine>
#include <QTemporaryDir>
#include <QTest>
#include <QtQuickTest>

#include "qml/AppCore.h"
#include "qml/AppWindow.h"

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

QUICK_TEST_MAIN_WITH_SETUP(tst_qml, Setup)
#include "tst_qml.moc"
