// The sticker models and items over a real profile (AppCore, its core thread, the built-in
// packs it puts in the store at start), each model watched by QAbstractItemModelTester: the
// picker's packs and grids (a pack, the recent ones, an emoji across packs), which text is a
// lone emoji, the image cache's bound, a StickerView playing an animated sticker and pausing
// when hidden, the creator's tiles from files, hiding a built-in pack, a malformed link.
#include <QAbstractItemModelTester>
#include <QImage>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "qml/core/AppCore.h"
#include "qml/stickers/StickerDraftModel.h"
#include "qml/stickers/StickerGridModel.h"
#include "qml/stickers/StickerImages.h"
#include "qml/stickers/StickerInstall.h"
#include "qml/stickers/StickerPackActions.h"
#include "qml/stickers/StickerPacksModel.h"
#include "qml/stickers/StickerView.h"

using namespace tandem::gui;
using Tester = QAbstractItemModelTester;

class StickerModelsTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<AppCore> core_;

    static bool waitLoaded(QObject* model, int timeoutMs = 10000) {
        QSignalSpy loaded(model, SIGNAL(loaded()));
        return loaded.wait(timeoutMs);
    }

    // The built-in packs, as the picker lists them (in the store once the core started).
    QStringList pickerPacks() {
        StickerPacksModel packs;
        Tester tester(&packs, Tester::FailureReportingMode::QtTest);
        packs.setFeed(core_->feed());
        (void)QTest::qWaitFor([&] { return packs.count() >= 2; }, 10000);
        QStringList out;
        for (int i = 0; i < packs.count(); ++i) {
            out << packs.packIdAt(i);
        }
        return out;
    }

private slots:
    void initTestCase() {
        core_ = std::make_unique<AppCore>(dir_.path());
        core_->createProfile(QStringLiteral("a test passphrase"));
        QVERIFY(QTest::qWaitFor([&] { return core_->state() == AppCore::State::Ready; }, 30000));
    }

    void cleanupTestCase() { core_.reset(); }

    void loneEmoji_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("lone");
        QTest::newRow("thumbs up") << QStringLiteral("👍") << true;
        QTest::newRow("spaces around") << QStringLiteral(" 🎉 ") << true;
        QTest::newRow("heart with selector") << QStringLiteral("❤️") << true;
        QTest::newRow("skin tone") << QStringLiteral("👋🏽") << true;
        QTest::newRow("family") << QStringLiteral("👨‍👩‍👧") << true;
        QTest::newRow("flag") << QStringLiteral("🇩🇪") << true;
        QTest::newRow("two") << QStringLiteral("👍👍") << false;
        QTest::newRow("with text") << QStringLiteral("ok 👍") << false;
        QTest::newRow("letter") << QStringLiteral("a") << false;
        QTest::newRow("digit") << QStringLiteral("7") << false;
        QTest::newRow("empty") << QString() << false;
    }
    void loneEmoji() {
        QFETCH(QString, text);
        QFETCH(bool, lone);
        QCOMPARE(StickerGridModel::isLoneEmoji(text), lone);
    }

    void pickerListsBuiltInPacks() {
        StickerPacksModel packs;
        Tester tester(&packs, Tester::FailureReportingMode::QtTest);
        packs.setFeed(core_->feed());
        QVERIFY(QTest::qWaitFor([&] { return packs.count() >= 2; }, 10000));
        for (int i = 0; i < packs.count(); ++i) {
            const QModelIndex at = packs.index(i);
            QVERIFY(!packs.data(at, StickerPacksModel::TitleRole).toString().isEmpty());
            QVERIFY(packs.data(at, StickerPacksModel::BuiltinRole).toBool());
            QVERIFY(packs.data(at, StickerPacksModel::StickerCountRole).toInt() > 0);
            QVERIFY(packs.data(at, StickerPacksModel::CoverRole).toLongLong() >= 0);
        }
        StickerPacksModel created;
        Tester createdTester(&created, Tester::FailureReportingMode::QtTest);
        created.setFilter(StickerPacksModel::Filter::Created);
        created.setFeed(core_->feed());
        QTest::qWait(200);
        QCOMPARE(created.count(), 0);
    }

    void gridOfAPackAndByEmoji() {
        const QStringList packs = pickerPacks();
        QVERIFY(!packs.isEmpty());
        StickerGridModel grid;
        Tester tester(&grid, Tester::FailureReportingMode::QtTest);
        grid.setFeed(core_->feed());
        grid.setPackId(packs.first());
        QVERIFY(QTest::qWaitFor([&] { return grid.count() > 0; }, 10000));
        const QString emoji = grid.data(grid.index(0), StickerGridModel::EmojiRole).toString();
        QVERIFY(StickerGridModel::isLoneEmoji(emoji));
        // By emoji: from every pack, only that emoji (variation selectors aside).
        grid.setEmoji(emoji);
        QVERIFY(waitLoaded(&grid));
        QVERIFY(grid.count() >= 1);
        for (int i = 0; i < grid.count(); ++i) {
            QCOMPARE(StickerGridModel::normalized(
                         grid.data(grid.index(i), StickerGridModel::EmojiRole).toString()),
                     StickerGridModel::normalized(emoji));
        }
        grid.setEmoji(QStringLiteral("🦑"));
        QVERIFY(waitLoaded(&grid));
        QCOMPARE(grid.count(), 0);
        // Recent: nothing sent yet.
        grid.setEmoji(QString());
        grid.setPackId(QString());
        QVERIFY(waitLoaded(&grid));
        QCOMPARE(grid.count(), 0);
    }

    // The cache keeps within its bound, the most recently used kept.
    void imageCacheIsBounded() {
        const QStringList packs = pickerPacks();
        StickerImages images(core_->feed(), 30 * 1024);
        const QByteArray pack = QByteArray::fromHex(packs.first().toLatin1());
        QSignalSpy ready(&images, &StickerImages::imageReady);
        for (qint64 id = 0; id < 6; ++id) {
            QVERIFY(images.image({pack, id}).isEmpty());  // not read yet
        }
        QVERIFY(QTest::qWaitFor([&] { return ready.count() >= 6; }, 10000));
        QVERIFY(images.bytes() <= 30 * 1024 || images.count() == 1);
        QVERIFY(!images.image({pack, 5}).isEmpty());  // the last read stays
        QVERIFY(images.count() < 6);
    }

    // An animated sticker plays while shown and pauses when hidden.
    void stickerViewPlays() {
        const QStringList packs = pickerPacks();
        QQuickWindow window;
        window.resize(200, 200);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        StickerView* animated = nullptr;
        std::vector<std::unique_ptr<StickerView>> views;
        for (const QString& pack : packs) {
            auto view = std::make_unique<StickerView>(window.contentItem());
            view->setSize({160, 160});
            view->setFeed(core_->feed());
            view->setPackId(pack);
            view->setStickerId(0);
            QVERIFY(QTest::qWaitFor([&] { return view->loaded(); }, 10000));
            if (view->frameCount() > 1) {
                animated = view.get();
            } else {
                QVERIFY(!view->playing());  // a still one does not run
            }
            views.push_back(std::move(view));
        }
        QVERIFY2(animated != nullptr, "no built-in pack is animated");
        QVERIFY(animated->playing());
        const int first = animated->currentFrame();
        QVERIFY(QTest::qWaitFor([&] { return animated->currentFrame() != first; }, 5000));
        animated->setVisible(false);
        QVERIFY(!animated->playing());
        animated->setVisible(true);
        QVERIFY(animated->playing());
        // Bytes given directly (previews) show without the store.
        StickerView direct(window.contentItem());
        direct.setWebp(QByteArray("not an image"));
        QVERIFY(!direct.loaded());
    }

    void draftsFromFiles() {
        QTemporaryDir files;
        QList<QUrl> urls;
        for (int i = 0; i < 2; ++i) {
            QImage image(64, 48, QImage::Format_ARGB32);
            image.fill(QColor::fromHsv(i * 120, 200, 220));
            const QString path = files.filePath(QStringLiteral("%1.png").arg(i));
            QVERIFY(image.save(path));
            urls << QUrl::fromLocalFile(path);
        }
        QFile junk(files.filePath(QStringLiteral("junk.png")));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("this is not a PNG");
        junk.close();
        urls << QUrl::fromLocalFile(junk.fileName());

        StickerDraftModel drafts;
        Tester tester(&drafts, Tester::FailureReportingMode::QtTest);
        drafts.addFiles(urls);
        QCOMPARE(drafts.count(), 3);
        QVERIFY(QTest::qWaitFor([&] { return !drafts.encoding(); }, 30000));
        QCOMPARE(drafts.data(drafts.index(0), StickerDraftModel::StateRole).toString(),
                 QStringLiteral("ready"));
        QVERIFY(
            !drafts.data(drafts.index(0), StickerDraftModel::PreviewRole).toByteArray().isEmpty());
        QCOMPARE(drafts.data(drafts.index(2), StickerDraftModel::StateRole).toString(),
                 QStringLiteral("failed"));
        QVERIFY(!drafts.data(drafts.index(2), StickerDraftModel::ErrorRole).toString().isEmpty());
        drafts.remove(2);
        QVERIFY(!drafts.complete());  // no emoji yet
        drafts.setEmoji(0, QStringLiteral("😀"));
        drafts.setEmoji(1, QStringLiteral("two"));
        QVERIFY(!drafts.complete());
        QVERIFY(!drafts.data(drafts.index(1), StickerDraftModel::EmojiValidRole).toBool());
        drafts.setEmoji(1, QStringLiteral("🎉"));
        QVERIFY(drafts.complete());
        drafts.setCover(1);
        QVERIFY(drafts.data(drafts.index(1), StickerDraftModel::CoverRole).toBool());
        drafts.remove(0);
        QCOMPARE(drafts.cover(), 0);  // the cover moved with its tile
    }

    // Hiding a built-in pack takes it out of the picker, not out of the creator's list.
    void hidingABuiltInPack() {
        const QStringList before = pickerPacks();
        StickerPackActions actions;
        actions.setCore(core_.get());
        QSignalSpy finished(&actions, &StickerPackActions::finished);
        actions.setHidden(before.first(), true);
        QVERIFY(finished.wait(10000));
        QVERIFY2(finished.first().first().toBool(), qPrintable(actions.error()));
        StickerPacksModel picker;
        picker.setFeed(core_->feed());
        QVERIFY(QTest::qWaitFor([&] { return picker.count() == before.size() - 1; }, 10000));
        StickerPacksModel builtins;
        builtins.setFilter(StickerPacksModel::Filter::Builtin);
        builtins.setFeed(core_->feed());
        QVERIFY(QTest::qWaitFor([&] { return builtins.count() == before.size(); }, 10000));
        actions.setHidden(before.first(), false);
        QVERIFY(finished.wait(10000));
        QVERIFY(QTest::qWaitFor([&] { return picker.count() == before.size(); }, 10000));
    }

    void aMalformedLinkIsSaidToBeOne() {
        QVERIFY(StickerInstall::isLink(QStringLiteral(" tandem://stickers/#pack_id=zz ")));
        QVERIFY(!StickerInstall::isLink(QStringLiteral("see tandem://stickers/#pack_id=zz")));
        StickerInstall install;
        install.setCore(core_.get());
        install.setLink(QStringLiteral("tandem://stickers/#pack_id=zz"));
        QCOMPARE(install.state(), StickerInstall::State::Failed);
        QVERIFY(!install.error().isEmpty());
    }
};

QTEST_MAIN(StickerModelsTest)
#include "tst_sticker_models.moc"
